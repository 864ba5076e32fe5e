"""A query in traditional characters finds what the same query in simplified finds: the shipped map, the map
files of the search bundle, and the search in real headless Chromium against the sample site."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

from selenium.webdriver.common.by import By

from browser import search_urls, wait_for
from conftest import PROJECT
from gongkai import traditional

PAIRS = {"預算": "预算", "義務教育": "义务教育"}


def test_map_converts_traditional_and_keeps_simplified() -> None:
    assert traditional.to_simplified("預算") == "预算"
    assert traditional.to_simplified("義務教育") == "义务教育"
    assert traditional.to_simplified("學校") == "学校"
    simplified = "城乡居民最低生活保障 义务教育阶段学校招生 2024年部门预算（草案）"
    assert traditional.to_simplified(simplified) == simplified


def test_map_is_final_in_one_pass_and_covers_only_the_ranges() -> None:
    mapping = traditional.load_map()
    assert not [(t, s) for t, s in mapping.items() if s in mapping], "a simplified form that converts again"
    inside = set(traditional.ideographs())
    assert set(mapping) <= inside
    assert len(mapping) > 3000


def test_shipped_map_is_what_the_pinned_opencc_gives() -> None:
    """scripts/make_t2s.py wrote the file; after a change of OpenCC it must be run again."""
    assert traditional.load_map() == traditional.opencc_map(), "请运行 .venv/bin/python scripts/make_t2s.py 重新生成"


def test_browser_lists_the_gb2312_characters_the_map_converts() -> None:
    """searchcore.js fetches no map for a query of GB 2312 characters but these."""
    core = (PROJECT / "plugins/gongkai/templates/overrides/assets/gongkai/searchcore.js").read_text(encoding="utf-8")
    listed = re.search(r'const CONVERTED_IN_GB2312 = "([^"]*)";', core)
    assert listed and listed.group(1) == traditional.gb2312_converted()
    assert "後" in listed.group(1)


def test_bundle_map_leaves_out_what_the_site_holds(tmp_path: Path) -> None:
    count = traditional.write_query_map(tmp_path, [{"乾", "乾隆", "预算"}, {"後", "以後"}])
    written = {}
    for path in (tmp_path / traditional.MAP_DIR).iterdir():
        written |= json.loads(path.read_text(encoding="utf-8"))
    mapping = traditional.load_map()
    assert "乾" in mapping and "後" in mapping
    assert written == {t: s for t, s in mapping.items() if t not in {"乾", "後"}}
    assert count == len(written)


def test_sample_site_bundle_has_a_map_file_for_every_block(sample_site: Path) -> None:
    folder = sample_site / "pagefind" / traditional.MAP_DIR
    blocks = {traditional.block_of(c) for c in traditional.ideographs()}
    assert {int(p.stem) for p in folder.glob("*.json")} == blocks
    block = json.loads((folder / f"{traditional.block_of('預')}.json").read_text(encoding="utf-8"))
    assert block["預"] == "预"
    assert max(p.stat().st_size for p in folder.glob("*.json")) < 2500


def test_engine_finds_the_same_for_traditional_and_simplified(desktop, site_url: str) -> None:
    found = search_urls(desktop, site_url, [*PAIRS, *PAIRS.values()])
    for typed, simple in PAIRS.items():
        assert found[simple], simple
        assert found[typed] == found[simple], typed


RESULT_HREFS = 'return [...document.querySelectorAll("#gk-results .gk-result__title")].map((a) => a.href);'
MAP_REQUESTS = """return performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname)
  .filter((p) => p.includes("/pagefind/t2s/"));"""


def search_page(driver, site_url: str, query: str) -> tuple[list[str], str, list[str]]:
    """The result links, the status line and the map files fetched, of the search page opened with the query."""
    driver.get(site_url + "search/?q=" + quote(query))
    wait_for(driver, lambda d: d.find_element(By.ID, "gk-results").get_attribute("data-query") == query)
    hrefs = [urlsplit(h).path for h in driver.execute_script(RESULT_HREFS)]
    return hrefs, driver.find_element(By.ID, "gk-status").text, driver.execute_script(MAP_REQUESTS)


def test_search_page_lists_the_same_results_and_says_it_converted(desktop, site_url: str) -> None:
    for typed, simple in PAIRS.items():
        wanted, status, fetched = search_page(desktop, site_url, simple)
        assert wanted, simple
        assert "简体" not in status and not fetched, (simple, status, fetched)
        shown, status, fetched = search_page(desktop, site_url, typed)
        assert shown == wanted, typed
        assert status.startswith(f"已按简体“{simple}”搜索"), status
        assert fetched and all(p.endswith(".json") for p in fetched)


def test_query_without_traditional_characters_fetches_no_map(desktop, site_url: str) -> None:
    hrefs, status, fetched = search_page(desktop, site_url, "最低生活保障")
    assert hrefs and "简体" not in status and fetched == []


def test_only_the_map_files_of_characters_outside_gb2312_are_fetched(desktop, site_url: str) -> None:
    """預 is not in GB 2312, 算 is: one file. 關於 needs 於 too, a GB 2312 character the map converts."""
    _, _, fetched = search_page(desktop, site_url, "預算")
    assert [Path(p).name for p in fetched] == [f"{traditional.block_of('預')}.json"]
    _, status, fetched = search_page(desktop, site_url, "關於")
    assert status.startswith("已按简体“关于”搜索"), status
    assert sorted(Path(p).name for p in fetched) == sorted({f"{traditional.block_of(c)}.json" for c in "關於"})


def test_converted_query_is_shown_as_text(desktop, site_url: str) -> None:
    query = "預算<b>x</b>"
    desktop.get(site_url + "search/?q=" + quote(query))
    wait_for(desktop, lambda d: d.find_element(By.ID, "gk-results").get_attribute("data-query") == query)
    status = desktop.find_element(By.ID, "gk-status")
    assert "已按简体“预算<b>x</b>”搜索" in status.text
    assert not status.find_elements(By.CSS_SELECTOR, "b")
