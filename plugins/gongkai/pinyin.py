"""Pinyin syllables of Chinese text, for slugs.

pypinyin's dictionaries take 57 MB once imported, more than the model of 10,000 entries, and stay for
the rest of the process; the forked workers of every later stage would carry them too. A build
therefore asks a Python of its own (`in_new_process`), which imports them and exits; the command-line tools,
which name one file at a time, call `syllables` here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def syllables(texts: Sequence[str]) -> list[list[str]]:
    """One list of syllables per text; what pypinyin does not know (Latin letters, digits) kept as written."""
    from pypinyin import lazy_pinyin

    return [lazy_pinyin(text, errors="default") for text in texts]


def in_new_process(texts: Sequence[str]) -> list[list[str]]:
    """`syllables(texts)` worked out by a new Python running this module, so that this process never imports
    pypinyin. A forked worker would start as large as the build: at 10,000 entries 125 MB, with the
    dictionaries the largest process of the build. Where no Python can be started, the work is done here."""
    package_parent = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (package_parent, os.environ.get("PYTHONPATH")) if p)}
    try:
        proc = subprocess.run([sys.executable, "-P", "-m", __name__], input=json.dumps(list(texts)).encode(),
                              capture_output=True, env=env, check=True)
        return json.loads(proc.stdout)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return syllables(texts)


if __name__ == "__main__":
    sys.stdout.buffer.write(json.dumps(syllables(json.loads(sys.stdin.buffer.read()))).encode())
