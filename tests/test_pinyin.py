"""Pinyin from a Python of its own: never pypinyin's dictionaries in the build, nor a copy of the build to hold them."""

from __future__ import annotations

import json
import subprocess
import sys

CODE = """
import json, sys, threading
from gongkai.pinyin import in_new_process
stop = threading.Event()
threading.Thread(target=stop.wait).start()  # as in `mkdocs serve`, where nothing can be forked
try:
    print(json.dumps([in_new_process(["县民政局", "ABC 局2"]), "pypinyin" in sys.modules]))
finally:
    stop.set()
"""


def test_pinyin_comes_from_another_python_even_where_the_build_runs_threads() -> None:
    from pypinyin import lazy_pinyin

    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    words, imported = json.loads(proc.stdout)
    assert words == [lazy_pinyin("县民政局", errors="default"), lazy_pinyin("ABC 局2", errors="default")]
    assert imported is False
