"""The Pagefind step: an index per catalogue and the router over them; it refuses to index without Chinese
segmentation, and says why."""

from __future__ import annotations

import base64
import json
import stat
from collections import Counter
from pathlib import Path

import pytest

from gongkai import search, searchshards
from search_quality import normalize, page_parts


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


def page_count(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    return sum(language["page_count"] for language in entry["languages"].values())


def test_pagefind_reads_only_pages_with_something_to_index(sample_site: Path) -> None:
    """The listing pages are left out of what Pagefind parses, and nothing indexable is lost with them: each
    catalogue's entries in a bundle of their own, the hand-written pages in another, the site-wide one empty."""
    bundle = sample_site / "pagefind"
    with_body = [p for p in sample_site.rglob("*.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    by_catalogue = Counter(p.relative_to(sample_site).parts[0] for p in with_body if len(p.relative_to(sample_site).parts) == 4)
    shards = {p.name: page_count(p) for p in (bundle / "c").iterdir()}
    assert shards == {**by_catalogue, "_pages": len(with_body) - sum(by_catalogue.values())}
    assert page_count(bundle) == 1 and sum(f.stat().st_size for f in (bundle / "index").iterdir()) < 200
    assert not any(p.relative_to(sample_site).parts[0] in ("jiandu", "domains", "changes") for p in with_body)


def test_catalogue_bundles_keep_only_what_a_merged_index_loads(sample_site: Path) -> None:
    bundle = sample_site / "pagefind"
    manifest = json.loads((bundle / "shards.json").read_text())
    assert [s["slug"] for s in manifest["shards"]] == ["shili-xian", "shili-xian-donghu-zhen", "shili-xian-shiqiao-xiang", "_pages"]
    assert manifest["shards"][1]["parent"] == "shili-xian"
    assert [s["base"] for s in manifest["shards"]][::3] == ["shili-xian/", ""]
    for shard in manifest["shards"]:
        kept = {p.name for p in (bundle / "c" / shard["slug"]).iterdir()}
        assert {"pagefind-entry.json", "index", "fragment"} <= kept
        assert not any(name.endswith((".js", ".css", ".pagefind")) for name in kept), kept
        assert page_count(bundle / "c" / shard["slug"]) == shard["entries"]
    assert (bundle / "pagefind.js").is_file() and any(bundle.glob("wasm.*.pagefind"))


def test_router_names_every_catalogue_whose_pages_hold_a_query(sample_site: Path) -> None:
    """Every character pair of every entry page's text is in the route file of its hash, with the bit of the
    page's catalogue set; the browser computes the same hash (tests/test_search_browser.py)."""
    bundle = sample_site / "pagefind"
    manifest = json.loads((bundle / "shards.json").read_text())
    slugs = [s["slug"] for s in manifest["shards"]]
    routes = [json.loads((bundle / "route" / f"{n}.json").read_text()) for n in range(manifest["buckets"])]
    assert len(routes) == manifest["buckets"] and all(len(r) <= 2 * searchshards.grams_per_file(len(slugs)) for r in routes)
    for url, texts in page_parts(sample_site).items():
        where = url.strip("/").split("/")
        index = slugs.index(where[0] if len(where) == 3 else "_pages")
        pairs = {t[i:i + 2] for t in map(normalize, texts) for i in range(len(t) - 1)}
        assert len(pairs) > 20
        for gram in {p.lower() for p in pairs}:
            row = base64.b64decode(routes[searchshards.bucket(gram, manifest["buckets"])][gram])
            assert row[index >> 3] & (1 << (index & 7)), (url, gram)


def test_filter_values_count_the_entries(sample_site: Path) -> None:
    values = json.loads((sample_site / "pagefind" / "filters.json").read_text())
    assert sum(values["目录"].values()) == sum(values["领域"].values()) == sum(values["公开方式"].values())
    assert values["目录"]["示例县政务公开事项标准目录"] > 0
