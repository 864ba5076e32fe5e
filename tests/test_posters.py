"""Printable posters with a QR code for the notice boards: built by a real mkdocs build, the codes read back
from a screenshot of the poster in headless Chromium."""

from __future__ import annotations

import base64
import gzip
import io
import json
import re
from pathlib import Path

import pytest

from conftest import ENTRY, ENTRY_PATH, Repo, mkdocs_build

SITE_URL = "https://gongkai.example.gov.cn/ceshi/"
ENTRY_ID = "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang"
HOSTILE = '<script>alert("海报")</script>低保&amp;'
CATALOGUES = ("test-xian", "test-xian-donghu")


def build(repo: Repo, site: Path, monkeypatch: pytest.MonkeyPatch, *, config_extra: str = "",
          plugin: str = "  - gongkai\n") -> None:
    config = repo.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("  - gongkai\n", plugin)
    config.write_text(text + config_extra, encoding="utf-8")
    monkeypatch.setenv("GONGKAI_SITE_URL", SITE_URL)
    monkeypatch.setenv("GONGKAI_BUILD_TIME", "2026-03-01T17:30:00+00:00")  # 3月2日 in Beijing
    proc = mkdocs_build(config, site)
    assert proc.returncode == 0, proc.stderr


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_every_catalogue_and_entry_has_a_poster_linked_from_its_page(site_repo: Repo, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    build(site_repo, site, monkeypatch)
    posters = {p.relative_to(site).as_posix() for p in site.rglob("*poster*.html")}
    assert posters == {f"{c}/poster.html" for c in CATALOGUES} | {f"{ENTRY_ID}/poster.html"}

    entry = read(site, f"{ENTRY_ID}/poster.html")
    assert '<html lang="zh-CN">' in entry and "<main" in entry
    assert "<h1>最低生活保障</h1>" in entry and "测试县政务公开事项标准目录" in entry
    for label, value in (("公开主体", "县民政局"), ("公开时限", "制定或获取信息之日起10个工作日内"), ("公开方式", "主动")):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in entry
    assert f"{SITE_URL}{ENTRY_ID}/" in entry and "扫码查看本事项" in entry
    assert '<time datetime="2026-03-02">2026年3月2日</time>（北京时间）' in entry
    assert "md-content" not in entry and "data-pagefind-body" not in entry  # not through the theme, not searched
    assert "扫码查看本目录" in read(site, "test-xian-donghu/poster.html")

    link = '<a href="{}">打印张贴海报（含二维码）</a>'
    assert link.format("poster.html") in read(site, f"{ENTRY_ID}/index.html")
    for catalogue in CATALOGUES:
        assert link.format("poster.html") in read(site, f"{catalogue}/index.html")
    assert "poster" not in read(site, "sitemap.xml")
    fragments = [gzip.decompress(f.read_bytes()).decode("utf-8", "replace") for f in site.glob("pagefind/**/*.pf_fragment")]
    assert len(fragments) >= 2 and any('"url":"/shehui-jiuzhu/zuidi-shenghuo-baozhang/"' in f for f in fragments)
    assert not any("poster" in f or "扫码查看" in f for f in fragments)


def test_without_directory_urls_posters_sit_beside_the_pages(site_repo: Repo, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's own link check follows every link of the posters and to them."""
    site = tmp_path / "site"
    build(site_repo, site, monkeypatch, config_extra="use_directory_urls: false\n")
    assert '<a href="zuidi-shenghuo-baozhang.poster.html">打印张贴海报（含二维码）</a>' in read(site, f"{ENTRY_ID}.html")
    poster = read(site, f"{ENTRY_ID}.poster.html")
    assert '<a href="zuidi-shenghuo-baozhang.html">返回事项页面</a>' in poster
    assert f"{SITE_URL}{ENTRY_ID}.html" in poster
    assert '<a href="index.html">返回目录页面</a>' in read(site, "test-xian/poster.html")


def test_hostile_title_is_text_on_the_poster(site_repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             gongkai) -> None:
    site_repo.write(ENTRY_PATH, ENTRY.replace("title: 最低生活保障", f"title: {json.dumps(HOSTILE, ensure_ascii=False)}"))
    site = tmp_path / "site"
    build(site_repo, site, monkeypatch)
    poster = read(site, f"{ENTRY_ID}/poster.html")
    escaped = "&lt;script&gt;alert(&#34;海报&#34;)&lt;/script&gt;低保&amp;amp;"
    assert f"<h1>{escaped}</h1>" in poster and f"<title>张贴海报：{escaped}</title>" in poster
    assert "<script>" not in poster and poster.count("<script") == 1  # only the print button's file
    result = gongkai(site_repo.root, "check-markup", str(site))
    assert (result.code, result.out) == (0, ""), result.out


def test_no_site_url_is_a_clear_error_unless_posters_are_off(site_repo: Repo, tmp_path: Path) -> None:
    config = site_repo.root / "mkdocs.yml"
    text = re.sub(r"^site_url:.*\n", "", config.read_text(encoding="utf-8"), flags=re.M)
    config.write_text(text, encoding="utf-8")
    proc = mkdocs_build(config, tmp_path / "site")
    assert proc.returncode != 0
    assert "mkdocs.yml 中没有填写 site_url" in proc.stderr and "site_url: https://" in proc.stderr
    assert "posters: false" in proc.stderr and "Traceback" not in proc.stderr

    config.write_text(text.replace("  - gongkai\n", "  - gongkai:\n      posters: false\n"), encoding="utf-8")
    proc = mkdocs_build(config, tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    assert not list((tmp_path / "site").rglob("*poster*.html"))
    assert "打印张贴海报" not in read(tmp_path / "site", f"{ENTRY_ID}/index.html")


def decode_qr(driver) -> str:
    """Screenshot the poster's code as the browser draws it and read it with zxing-cpp."""
    import zxingcpp
    from PIL import Image

    svg = driver.find_element("css selector", "main svg")
    image = Image.open(io.BytesIO(svg.screenshot_as_png))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, found
    return found[0].text


def printed_pages(driver) -> list[bytes]:
    """The media boxes of the pages Chromium prints the current page on, at the page size its CSS asks for."""
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
    boxes = re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == len(boxes)
    return boxes


def test_qr_codes_read_back_to_the_canonical_urls(site_repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also on one A4 sheet with the longest title and subject the schema allows, the code then drawn smaller."""
    from browser import chrome, serve

    longest = ("城乡居民最低生活保障对象认定条件、办理流程及结果公示" * 8)[:200]
    site_repo.write(ENTRY_PATH, ENTRY.replace("title: 最低生活保障", f"title: {longest}")
                    .replace("subject: 县民政局", f"subject: {('县民政局、各乡镇人民政府、县财政局、' * 12)[:200]}"))
    site = tmp_path / "site"
    build(site_repo, site, monkeypatch)
    canonical = re.compile(r'<link rel="canonical" href="([^"]+)"')
    entry_url = canonical.search(read(site, f"{ENTRY_ID}/index.html")).group(1)
    catalogue_url = canonical.search(read(site, "test-xian-donghu/index.html")).group(1)
    assert (entry_url, catalogue_url) == (f"{SITE_URL}{ENTRY_ID}/", f"{SITE_URL}test-xian-donghu/")

    driver = chrome(1000, 1400)
    try:
        with serve(site) as base:
            driver.get(f"{base}{ENTRY_ID}/poster.html")
            assert decode_qr(driver) == entry_url
            assert driver.find_element("tag name", "h1").text == longest
            assert [b.split() for b in printed_pages(driver)] == [[b"0", b"0", b"594.95996", b"841.91998"]]  # A4 in pt
            svg = driver.find_element("css selector", "main svg")
            assert svg.get_attribute("role") == "img" and entry_url in svg.accessible_name
            button = driver.find_element("id", "gk-print")
            assert button.is_displayed() and button.text == "打印"
            driver.execute_script("window.print = () => { window.gkPrinted = true; };")
            button.click()
            assert driver.execute_script("return window.gkPrinted === true")
            driver.find_element("link text", "返回事项页面").click()
            assert driver.current_url == f"{base}{ENTRY_ID}/"

            driver.get(f"{base}test-xian-donghu/poster.html")
            assert decode_qr(driver) == catalogue_url
            assert len(printed_pages(driver)) == 1
    finally:
        driver.quit()


@pytest.mark.parametrize("length", [1, 40, 120, 400])
def test_the_drawn_path_covers_exactly_the_dark_modules_of_a_code_that_reads_back(length: int) -> None:
    """Rows that begin or end light, long runs, several sizes: the strokes read back give the matrix, and the
    matrix, drawn as an image with its quiet zone, is read back as the text."""
    import zxingcpp
    from PIL import Image

    from gongkai.posters import QUIET_ZONE, qr_code, qr_matrix

    text = ("https://example.gov.cn/" + "x0-" * length)[:length]
    matrix = qr_matrix(text)
    code = qr_code(text)
    assert code.size == len(matrix) + 2 * QUIET_ZONE and all(len(row) == len(matrix) for row in matrix)
    dark, x, y = set(), 0, 0.0
    for command, a, b in re.findall(r"([Mmh])(\d+)(?: (\d+(?:\.5)?))?", code.path):
        if command == "M":
            x, y = int(a), float(b)
        elif command == "m":
            x += int(a)
        else:
            dark.update((x + i, int(y)) for i in range(int(a)))
            x += int(a)
    assert dark == {(i + QUIET_ZONE, j + QUIET_ZONE) for j, row in enumerate(matrix) for i, bit in enumerate(row) if bit}
    image = Image.new("L", (code.size, code.size), 255)
    image.putdata([0 if (i, j) in dark else 255 for j in range(code.size) for i in range(code.size)])
    found = zxingcpp.read_barcode(image.resize((code.size * 4, code.size * 4), Image.NEAREST))
    assert found is not None and found.text == text and found.ec_level == "M"
