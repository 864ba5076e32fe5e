"""The Pagefind step refuses to index without Chinese segmentation, and says why."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from gongkai import search


def fake_pagefind(tmp_path: Path, banner: str) -> Path:
    """A stand-in binary that behaves like Pagefind without the extended build."""
    script = tmp_path / "pagefind"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "{banner}"\n'
        'mkdir -p "$2/pagefind" && echo "" > "$2/pagefind/pagefind.js"\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_non_extended_binary_is_refused_and_its_index_removed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    binary = fake_pagefind(tmp_path, "Running Pagefind v1.6.0")
    with pytest.raises(search.SearchIndexError, match="不是 Pagefind 扩展版"):
        search.build_index(site, binary)
    assert not (site / "pagefind").exists()


def test_missing_binary_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "nope"))
    with pytest.raises(search.SearchIndexError, match="PAGEFIND_BINARY_PATH 指向的文件不存在"):
        search.find_binary()


def test_pinned_binary_is_the_extended_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    binary = search.find_binary()
    assert search.binary_version(binary) == f"pagefind {search.PINNED}"
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<html lang="zh"><body><main data-pagefind-body><h1>最低生活保障</h1></main></body></html>',
                                     encoding="utf-8")
    output = search.build_index(site, binary)
    assert "(Extended)" in output and (site / "pagefind" / "pagefind.js").is_file()


def test_pagefind_reads_only_pages_with_something_to_index(sample_site: Path) -> None:
    """The listing pages are left out of what Pagefind parses, and nothing indexable is lost with them."""
    entry = json.loads((sample_site / "pagefind" / "pagefind-entry.json").read_text())
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    with_body = [p for p in sample_site.rglob("*.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    assert indexed == len(with_body)
    assert not any(p.relative_to(sample_site).parts[0] in ("jiandu", "domains", "changes") for p in with_body)
