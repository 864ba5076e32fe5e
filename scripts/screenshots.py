"""Screenshots of the catalogue, entry and poster pages at 320, 375 and 1280 px, plain and in 大字/高对比, and the
weight of an entry page's first view on a phone, for looking at what citizens get.

    .venv/bin/python scripts/screenshots.py [--site SITE] [--out test-artifacts/citizens]

Builds the shipped sample data first unless --site names a built site.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests"))

from browser import counting_server, launch, set_reading  # noqa: E402

ENTRY = "shili-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang/"
PAGES = {"catalogue": "shili-xian/", "entry": ENTRY, "poster": ENTRY + "poster.html",
         "catalogue-poster": "shili-xian/poster.html"}
WIDTHS = (320, 375, 1280)
READING = {"plain": "", "large": "large contrast"}


def build(site: Path) -> None:
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(PROJECT / "mkdocs.yml"),
                    "-d", str(site)], check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def shoot(site: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with counting_server(site) as (url, served), sync_playwright() as playwright:
        browser = launch(playwright)
        for width in WIDTHS:
            for mode, reading in READING.items():
                context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 600,
                                              device_scale_factor=1, locale="zh-CN")
                page = context.new_page()
                page.goto(url)
                set_reading(page, reading)
                for name, path in PAGES.items():
                    page.goto(url + path)
                    page.wait_for_load_state("networkidle")
                    shot = out / f"{name}-{width}-{mode}.png"
                    page.screenshot(path=str(shot))
                    print(f"{shot}")
                context.close()
        context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, device_scale_factor=3)
        page = context.new_page()
        served.update(dict.fromkeys(served, 0))
        page.goto(url + ENTRY)
        page.wait_for_load_state("networkidle")
        print(f"entry page, first view on a phone (375 px), search not opened: {served['wire'] / 1024:.1f} KB over the "
              f"wire (gzip), {served['raw'] / 1024:.1f} KB unpacked")
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the sample data)")
    parser.add_argument("--out", type=Path, default=PROJECT / "test-artifacts" / "citizens")
    args = parser.parse_args(argv)
    if args.site:
        shoot(args.site, args.out)
        return 0
    with tempfile.TemporaryDirectory(prefix="gongkai-shots-") as folder:
        build(Path(folder) / "site")
        shoot(Path(folder) / "site", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
