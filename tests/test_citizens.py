"""The citizen's side in real headless Chromium: phones at 320 px and 200% zoom, the weight of an entry page's
first view, no request to any other host, the keyboard alone, the remembered reading mode, and print."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from browser import counting_server, launch, set_reading, settle

ENTRY = "shili-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang/"
CATALOGUE = "shili-xian/"
READABLE = {
    "home": "",
    "catalogue": CATALOGUE,
    "township catalogue": "shili-xian-donghu-zhen/",
    "domain": "domains/caizheng-yujuesuan/",
    "entry": ENTRY,
    "search": "search/?q=%E9%A2%84%E7%AE%97",
    "dashboard": "jiandu/",
    "recent changes": "changes/",
    "entry poster": ENTRY + "poster.html",
    "catalogue poster": CATALOGUE + "poster.html",
}
FIRST_VIEW_LIMIT = 200 * 1024


@pytest.fixture(scope="module")
def chromium() -> Browser:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def open_page(chromium: Browser, width: int, height: int = 800, *, scale: float = 1, mobile: bool = False) -> Page:
    context = chromium.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale,
                                   is_mobile=mobile, has_touch=mobile, locale="zh-CN")
    return context.new_page()


SIDEWAYS_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("main *")].filter((e) => {
    const box = e.getBoundingClientRect();
    return box.width && box.right > width + 1 && getComputedStyle(e).position !== "fixed"
      && !e.closest(".gk-chart, .gk-table-scroll, .gk-visually-hidden, .md-sidebar");
  }).slice(0, 5).map((e) => e.outerHTML.slice(0, 120));
  return { overflow: document.documentElement.scrollWidth - width, wide };
}"""
"""How far the page scrolls sideways, and what sticks out of the viewport (charts and wide dashboard tables scroll
in a box of their own, on purpose)."""


@pytest.mark.parametrize("reading", ["", "large contrast"], ids=["plain", "large-text"])
@pytest.mark.parametrize("width,scale", [(320, 2), (375, 3), (640, 2)], ids=["320px", "375px", "1280px-at-200%"])
def test_pages_fit_a_phone_and_200_percent_zoom_without_sideways_scrolling(chromium: Browser, site_url: str, width: int,
                                                                         scale: float, reading: str) -> None:
    """1280 px at 200% zoom is a 640 px wide viewport drawn at twice the scale."""
    page = open_page(chromium, width, 800, scale=scale, mobile=width < 600)
    page.goto(site_url)
    set_reading(page, reading)
    for name, path in READABLE.items():
        page.goto(site_url + path)
        settle(page, path)
        found = page.evaluate(SIDEWAYS_JS)
        assert found["overflow"] <= 0 and not found["wide"], f"{name} at {width}px ({reading or 'plain'}): {found}"
    page.context.close()


def test_entry_first_view_on_a_phone_is_light_and_asks_no_other_host(chromium: Browser, sample_site,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with counting_server(sample_site) as (url, served):
        page = open_page(chromium, 375, 812, scale=3, mobile=True)
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(url + ENTRY)
        page.wait_for_load_state("networkidle")
        wire, raw = served["wire"], served["raw"]
        page.context.close()
    assert requests and all(r.startswith(url) or r.startswith("data:") for r in requests), requests
    assert not any("/pagefind/" in r for r in requests), "search is not loaded before it is opened"
    with capsys.disabled():
        print(f"\nentry page, first view on a phone: {wire / 1024:.1f} KB over the wire (gzip), {raw / 1024:.1f} KB "
              f"unpacked, {len(requests)} requests")
    assert wire < FIRST_VIEW_LIMIT


def test_search_page_fetches_what_it_preloads_once_and_on_its_own_thread(chromium: Browser, site_url: str) -> None:
    """The head preloads what every first search fetches of the site-wide bundle: each is used (a preload the
    search did not match would be fetched twice), nothing of the catalogues' indexes is fetched twice, and
    Pagefind's worker is never started (scripts/bench)."""
    page = open_page(chromium, 1280, 900)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url + READABLE["search"])
    settle(page, READABLE["search"])
    preloaded = page.eval_on_selector_all('head link[rel="preload"]', "links => links.map((l) => l.href)")
    tag = page.get_attribute('meta[name="gk-search-tag"]', "content")
    page.context.close()
    assert tag and f"{site_url}pagefind/pagefind-entry.json?ts={tag}" in preloaded, preloaded
    assert any(p.endswith(".pf_meta") for p in preloaded) and any(p.endswith(".pagefind") for p in preloaded), preloaded
    assert {p: requests.count(p) for p in preloaded} == dict.fromkeys(preloaded, 1), requests
    fetched = [r for r in requests if "/pagefind/c/" in r]
    assert any(r.endswith(".pf_meta") for r in fetched) and len(fetched) == len(set(fetched)), fetched
    assert not [r for r in requests if "pagefind-worker" in r or ("pagefind-entry.json" in r and f"ts={tag}" not in r)]


@pytest.mark.parametrize("name", list(READABLE))
def test_no_page_asks_any_other_host(chromium: Browser, site_url: str, name: str) -> None:
    """Not a font, a script or a GitHub badge from elsewhere: the site works on a government intranet."""
    page = open_page(chromium, 1280, 900)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url + READABLE[name])
    settle(page, READABLE[name])
    page.wait_for_load_state("networkidle")
    page.context.close()
    others = [r for r in requests if not r.startswith(site_url) and not r.startswith(("data:", "blob:"))]
    assert requests and not others, others


def focused(page: Page) -> dict:
    return page.evaluate("""() => {
      const e = document.activeElement, style = getComputedStyle(e), box = e.getBoundingClientRect();
      return { tag: e.tagName, id: e.id, text: (e.textContent || e.value || "").trim().slice(0, 40), href: e.href || "",
               outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
               visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight };
    }""")


def tab_to(page: Page, matches, limit: int = 80) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if matches(now):
            return now
    raise AssertionError("Tab never reached the control")


def test_keyboard_only_skip_link_search_filters_results_and_table(chromium: Browser, site_url: str) -> None:
    page = open_page(chromium, 1280, 900)
    page.goto(site_url)
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "跳到正文" and skip["visible"] and skip["outline"], skip
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "gk-main"

    box = tab_to(page, lambda f: f["id"] == "gk-header-q")
    assert box["outline"], "the focused search box shows a focus ring"
    page.keyboard.type("预算")
    page.keyboard.press("Enter")
    page.wait_for_selector("#gk-results[data-query='预算'] .gk-result", timeout=20_000)
    everything = page.locator("#gk-results .gk-result").count()

    select = tab_to(page, lambda f: f["tag"] == "SELECT")
    assert select["outline"], select
    page.keyboard.press("ArrowDown")  # 安全生产, which has no 预算
    page.keyboard.press("ArrowDown")  # 财政预决算
    page.wait_for_function("() => decodeURIComponent(location.search).includes('领域=财政预决算')")
    page.wait_for_function("""() => { const where = [...document.querySelectorAll("#gk-results .gk-result__where")];
      return where.length && where.every((e) => e.textContent.includes("财政预决算")); }""", timeout=20_000)
    assert page.locator("#gk-results .gk-result").count() <= everything

    result = tab_to(page, lambda f: f["tag"] == "A" and "/shili-xian" in f["href"] and f["visible"])
    assert result["outline"], result
    page.keyboard.press("Enter")
    page.wait_for_url(result["href"])

    page.goto(site_url + CATALOGUE)
    row = tab_to(page, lambda f: f["tag"] == "A" and f["href"].endswith("/zhengfu-yusuan/"), limit=300)
    assert row["visible"] and row["outline"], row
    page.keyboard.press("Enter")
    page.wait_for_url("**/shili-xian/caizheng-yujuesuan/zhengfu-yusuan/")
    assert page.locator("h1").inner_text() == "政府预算"
    page.context.close()


def test_reading_mode_toggle_by_keyboard_is_remembered_across_pages(chromium: Browser, site_url: str) -> None:
    page = open_page(chromium, 1280, 900)
    page.goto(site_url)
    normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)")
    for label in ("大字", "高对比"):
        button = tab_to(page, lambda f, label=label: f["tag"] == "BUTTON" and f["text"] == label)
        assert button["outline"]
        page.keyboard.press("Space")
        assert page.get_by_role("button", name=label).get_attribute("aria-pressed") == "true"
    page.goto(site_url + ENTRY)
    assert page.evaluate("document.documentElement.dataset.gkReading") == "contrast large"
    assert page.get_by_role("button", name="大字").get_attribute("aria-pressed") == "true"
    large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)")
    assert large >= normal * 1.25, (normal, large)
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    page.get_by_role("button", name="大字").click()
    page.get_by_role("button", name="高对比").click()
    page.reload()
    assert page.evaluate("document.documentElement.dataset.gkReading") is None
    page.context.close()


def test_catalogue_prints_its_whole_table_without_navigation(chromium: Browser, site_url: str, sample_site) -> None:
    page = open_page(chromium, 1280, 900)
    page.goto(site_url + CATALOGUE)
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => [".md-header", ".md-sidebar--primary", ".md-footer", ".gk-breadcrumbs", ".gk-toc"]
      .map((s) => [s, document.querySelector(s) ? getComputedStyle(document.querySelector(s)).display : "none"])""")
    assert all(display == "none" for _, display in hidden), hidden
    table = page.evaluate("""() => { const t = document.querySelector(".gk-table");
      return { table: getComputedStyle(t).display, head: getComputedStyle(t.tHead).display,
               rows: document.querySelectorAll(".gk-table tbody tr").length,
               shown: [...document.querySelectorAll(".gk-table tbody tr")].filter((r) => r.getBoundingClientRect().height).length }; }""")
    assert table["table"] == "table" and table["head"] == "table-header-group", table
    entries = sum(1 for _ in (sample_site / "shili-xian").glob("*/*/index.html"))
    assert table["rows"] == table["shown"] == entries, table
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 3
    page.context.close()
