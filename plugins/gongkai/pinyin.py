"""Pinyin syllables of Chinese text, for slugs.

pypinyin's dictionaries take 57 MB once imported, more than the model of 10,000 entries, and stay for
the rest of the process; the forked workers of every later stage would carry them too. A build
therefore asks workers of its own (`in_workers`), which import them and exit; the command-line tools,
which name one file at a time, call `syllables` here.
"""

from __future__ import annotations

from collections.abc import Sequence

from .parallel import in_parallel


def syllables(texts: Sequence[str]) -> list[list[str]]:
    """One list of syllables per text; what pypinyin does not know (Latin letters, digits) kept as written."""
    from pypinyin import lazy_pinyin

    return [lazy_pinyin(text, errors="default") for text in texts]


def in_workers(texts: Sequence[str]) -> list[list[str]]:
    """`syllables(texts)` worked out in forked workers, so that this process never imports pypinyin."""
    return in_parallel(syllables, texts, minimum=1)
