"""The bad-input corpus (tests/corpus/): every file gets the verdict verdicts.yaml gives it, at the line and field given.

Each case is a real file put into a small valid repository and checked with `gongkai validate`, the
way a department's pull request is; none may crash, and none may print a personal number in full.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import ENTRY_PATH, Repo

CORPUS = Path(__file__).parent / "corpus"
CASES = yaml.safe_load((CORPUS / "verdicts.yaml").read_text(encoding="utf-8"))["cases"]
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): 字段 (?P<field>.+?): (?P<message>.+)$")
FULL_NUMBERS = ("11010519491231002X", "13812345678", "6222021234567890128")
"""The personal numbers the pii-* files hide in various spellings; no output may contain one whole."""


def test_the_corpus_is_complete() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.yml"))
    assert files == sorted(case["file"] for case in CASES)
    assert len(files) >= 50
    assert {case["verdict"] for case in CASES} == {"reject", "warn", "accept"}


@pytest.mark.parametrize("case", CASES, ids=[case["file"].removesuffix(".yml") for case in CASES])
def test_each_file_gets_its_verdict(repo: Repo, gongkai, case: dict) -> None:
    path = case.get("path", ENTRY_PATH)
    repo.write_bytes(path, (CORPUS / case["file"]).read_bytes())
    result = gongkai(repo.root, "validate")
    output = result.out + result.err
    assert "Traceback" not in output
    mine = [m for m in map(LINE.match, result.lines[:-1]) if m and m["path"] == path]
    assert all(LINE.match(line) for line in result.lines[:-1]), output
    if case["verdict"] == "accept":
        assert result.code == 0 and not mine, output
        return
    assert result.code == (1 if case["verdict"] == "reject" else 0), output
    wanted = [m for m in mine if int(m["line"]) == case["line"] and m["field"].startswith(case["field"]) and case["says"] in m["message"]]
    assert wanted, f"expected line {case['line']}, field {case['field']}, “{case['says']}” in:\n{output}"
    if case["verdict"] == "warn":
        assert all(m["message"].startswith("警告：") for m in mine), output
    for number in FULL_NUMBERS:
        assert number not in re.sub(r"[\s\-\u200b]", "", output.translate(str.maketrans("０１２３４５６７８９Ｘ", "0123456789X")))
