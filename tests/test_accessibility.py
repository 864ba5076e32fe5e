"""Every kind of page against axe-core's WCAG 2.1 A and AA rules, in real headless Chromium, and by keyboard only."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from browser import launch, serve, set_reading, settle

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
"""WCAG 2.1 A and AA, and axe's best practices, which check the landmarks (one main, every part of a page in one),
the heading order and that each page has its h1."""
ENTRY = "shili-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang/"
PAGE_KINDS = {
    "home": "",
    "catalogue list": "mulu/",
    "catalogue": "shili-xian/",
    "township catalogue": "shili-xian-donghu-zhen/",
    "domain list": "domains/",
    "domain": "domains/shehui-jiuzhu/",
    "entry": ENTRY,
    "search with results": "search/?q=%E9%A2%84%E7%AE%97",
    "dashboard": "jiandu/",
    "dashboard scope": "jiandu/shili-xian/",
    "report": "jiandu/baogao/yue/",
    "recent changes": "changes/",
    "hand-written page": "policies/2024-yusuan-jiedu/",
    "contribute": "contribute/",
    "form": "contribute/form/",
    "fields": "contribute/fields/",
    "not found": "404.html",
    "entry poster": ENTRY + "poster.html",
    "catalogue poster": "shili-xian/poster.html",
}
SITE_URL = os.environ.get("GONGKAI_SITE_URL", "https://shili-xian.github.io/gongkai-data/")  # mkdocs.yml's
MODES = {"plain": "", "large text, high contrast": "large contrast"}


@pytest.fixture(scope="module")
def browser_page(sample_site, tmp_path_factory):
    """The sample site served under its site_url's path (/gongkai-data/), as published: its 404 page links assets
    from there."""
    root = tmp_path_factory.mktemp("served")
    (root / urlsplit(SITE_URL).path.strip("/")).symlink_to(sample_site, target_is_directory=True)
    with serve(root) as base, sync_playwright() as playwright:
        url = base + urlsplit(SITE_URL).path.lstrip("/")
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page, url
        browser.close()


def violations_text(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n  " +
                     "\n  ".join(n["html"][:200] + " -> " + n["failureSummary"].replace("\n", " ")[:300] for n in v["nodes"][:5])
                     for v in violations)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", PAGE_KINDS)
def test_every_page_kind_passes_axe_wcag21_aa(browser_page, name: str, mode: str) -> None:
    page, url = browser_page
    page.goto(url)
    set_reading(page, MODES[mode])
    page.goto(url + PAGE_KINDS[name])
    settle(page, PAGE_KINDS[name])
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    if MODES[mode] and "poster" not in name:  # posters are for paper: no reading mode
        assert page.evaluate("document.documentElement.dataset.gkReading") == MODES[mode]
    results = Axe().run(page, options=WCAG_AA)
    violations = results.response["violations"]
    assert not violations, f"{name} ({mode}):\n{violations_text(violations)}"
    assert results.response["passes"], "axe checked nothing"
