"""Entries full of markup, script and template syntax: shown literally everywhere, interpreted nowhere.

The site's pages, the Pagefind index and the search page that renders it, the Atom feeds, the Excel,
CSV and JSON exports, the reports and the review summary all carry department text; none may turn it
into markup, a formula, a template or an include.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from browser import chrome, serve, wait_for
from conftest import ENTRY, ENTRY_PATH, Repo, git

SCRIPT = '<script>window.gkInjected=1</script>'
IMG = '<img src=x onerror="window.gkInjected=2">'
PAYLOADS = {
    "title": f"{SCRIPT}救助{IMG}",
    "l1": "{{ config.site_name }}{% raw %}",
    "subject": "[县民政局](javascript:window.gkInjected=3)",
    "content": f"--8<-- \"mkdocs.yml\"\n<iframe src=\"javascript:window.gkInjected=4\"></iframe>\n<javascript:alert(1)>\n{SCRIPT}",
    "note": "=HYPERLINK(\"http://evil.example\",\"点击\")",
}
WORD = "救助"


def hostile_entry() -> str:
    text = ENTRY
    text = text.replace("title: 最低生活保障", f"title: {json.dumps(PAYLOADS['title'], ensure_ascii=False)}")
    text = text.replace("l1: 救助对象认定", f"l1: {json.dumps(PAYLOADS['l1'], ensure_ascii=False)}")
    text = text.replace("subject: 县民政局", f"subject: {json.dumps(PAYLOADS['subject'], ensure_ascii=False)}")
    text = text.replace("content: |\n  1.低保标准；\n  2.申请条件、办理流程。\n",
                        "content: |\n" + "".join(f"  {line}\n" for line in PAYLOADS["content"].splitlines()))
    text = text.replace("  - title: 示例县2024年城乡最低生活保障标准", f"  - title: {json.dumps(SCRIPT + '标准', ensure_ascii=False)}")
    return text + f"note: {json.dumps(PAYLOADS['note'], ensure_ascii=False)}\n"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> tuple[Path, Path]:
    """A real site built from the hostile entry, with history (for the feeds) and the search index."""
    from conftest import CATALOGUE, DOMAIN, PROJECT, TOWNSHIP

    root = tmp_path_factory.mktemp("hostile")
    import shutil

    shutil.copytree(PROJECT / "schema", root / "schema")
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    repo = Repo(root)
    repo.write("docs/about.md", "# 关于\n")
    repo.write("data/domains/shehui-jiuzhu.yml", DOMAIN)
    repo.write("data/catalogues/test-xian/catalogue.yml", CATALOGUE)
    repo.write("data/catalogues/test-xian-donghu/catalogue.yml", TOWNSHIP)
    repo.write_bytes(ENTRY_PATH, hostile_entry().encode("utf-8"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"新增 {SCRIPT}")
    site = root / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    return root, site


def test_the_entry_is_valid_data(hostile_site, gongkai) -> None:
    root, _ = hostile_site
    assert gongkai(root, "validate").code == 0


def test_no_page_has_markup_from_entry_text(hostile_site, gongkai) -> None:
    root, site = hostile_site
    result = gongkai(root, "check-markup", str(site))
    assert result.code == 0, result.out
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "gkInjected=1</script>" not in html.replace("&lt;/script&gt;", ""), page
        assert "<img src=x" not in html and "<iframe" not in html, page
        assert 'href="javascript:' not in html, page
        assert "site_name }}" not in html or "{{ config.site_name }}" in html, page
    entry = (site / "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.gkInjected=1&lt;/script&gt;救助&lt;img src=x onerror=&#34;window.gkInjected=2&#34;&gt;" in entry
    assert "{{ config.site_name }}{% raw %}" in entry
    assert "[县民政局](javascript:window.gkInjected=3)" in entry
    assert "--8&lt;-- &#34;mkdocs.yml&#34;" in entry and "site_url" not in entry.split("md-content")[1]
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;点击&#34;)" in entry


def _fragments(site: Path) -> list[dict]:
    """Pagefind's fragments, of the site-wide and the catalogues' bundles: gzip, then a `pagefind_dcd` signature,
    then the JSON of one page."""
    found = []
    for file in (site / "pagefind").glob("**/fragment/*.pf_fragment"):
        data = gzip.decompress(file.read_bytes())
        found.append(json.loads(data[data.index(b"{"):]))
    return found


def test_the_search_index_holds_the_text_not_markup(hostile_site) -> None:
    _, site = hostile_site
    fragments = [f for f in _fragments(site) if f["url"].endswith("zuidi-shenghuo-baozhang/")]
    assert len(fragments) == 1
    fragment = fragments[0]
    assert fragment["meta"]["title"].startswith(SCRIPT)  # as text: the search page inserts it with textContent
    content = fragment["content"].replace("\u200b", "")  # Pagefind marks its Chinese word breaks with U+200B
    assert SCRIPT in content and "{{ config.site_name }}" in content


def test_feeds_carry_the_text_escaped(hostile_site) -> None:
    _, site = hostile_site
    atom = {"a": "http://www.w3.org/2005/Atom"}
    for feed in (site / "feed.xml", site / "test-xian" / "feed.xml"):
        tree = ET.parse(feed)
        titles = [e.text or "" for e in tree.getroot().iterfind("a:entry/a:title", atom)]
        assert any(PAYLOADS["title"] in t for t in titles), titles
        raw = feed.read_text(encoding="utf-8")
        assert "<script>" not in raw and "&lt;script&gt;" in raw


def test_exports_neutralise_formulas_and_keep_text(hostile_site, gongkai, tmp_path: Path) -> None:
    root, _ = hostile_site
    for fmt in ("xlsx", "csv", "json"):
        out = tmp_path / f"export.{fmt}"
        assert gongkai(root, "export", "--catalogue", "test-xian", "-o", str(out)).code == 0
        if fmt == "xlsx":
            cells = [c for row in openpyxl.load_workbook(out).worksheets[0].iter_rows() for c in row if isinstance(c.value, str)]
            note = next(c for c in cells if c.value.startswith("=HYPERLINK"))
            assert note.data_type == "s" and note.quotePrefix
            assert any(c.value == PAYLOADS["title"] for c in cells)
        elif fmt == "csv":
            rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
            assert "'" + PAYLOADS["note"] in rows[1] and PAYLOADS["title"] in rows[1]
        else:
            data = json.loads(out.read_text(encoding="utf-8"))
            assert data["entries"][0]["data"]["title"] == PAYLOADS["title"]
    report = tmp_path / "report.xlsx"
    assert gongkai(root, "report", "--period", "year", "-o", str(report)).code == 0
    book = openpyxl.load_workbook(report)
    assert all(not (isinstance(c.value, str) and c.value.startswith("=") and c.data_type != "s")
               for sheet in book.worksheets for row in sheet.iter_rows() for c in row)
    markdown = gongkai(root, "report", "--period", "year").out
    assert "<script>" not in markdown and "\\<script\\>" in markdown


def test_the_review_summary_escapes_it(hostile_site, gongkai) -> None:
    root, _ = hostile_site
    out = gongkai(root, "review", "--base", "4b825dc642cb6eb9a060e54bf8d69288fbee4904", "--head", "HEAD").out
    assert "<script>" not in out and "<img" not in out
    assert "](javascript:" not in out


def test_a_search_that_finds_it_runs_no_script(hostile_site) -> None:
    _, site = hostile_site
    driver = chrome(1280, 900)
    try:
        with serve(site) as url:
            driver.get(f"{url}search/?q={quote(WORD)}")
            wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".gk-result a"))
            titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".gk-result a")]
            assert any(t.startswith(SCRIPT) for t in titles), titles
            assert driver.execute_script("return window.gkInjected === undefined")
            assert not driver.find_elements(By.CSS_SELECTOR, ".gk-result script, .gk-result img, .gk-result iframe")
            with pytest.raises(NoAlertPresentException):
                driver.switch_to.alert.text  # noqa: B018
            driver.get(f"{url}test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang/")
            assert driver.execute_script("return window.gkInjected === undefined")
            assert re.search(r"<script>window\.gkInjected=1</script>救助", driver.find_element(By.TAG_NAME, "h1").text)
    finally:
        driver.quit()
