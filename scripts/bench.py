"""The build at province scale, against a vanilla mkdocs-material build of as many pages, in the same run.

For each size it generates, in a temporary folder, a data repository of that many entries (copies of
the sample catalogues' real entries: real Chinese text, vocabularies, published links) with a git
history whose commits touch random entries (scripts/bench_history.py), then:

- builds it with `mkdocs build --strict` (validation, history, pages, Pagefind, link check, reports,
  calendars), reading the plugin's stage timings (GONGKAI_TIMINGS) and the build's peak memory;
- times `gongkai export` of everything to .xlsx;
- builds a vanilla mkdocs-material site with the same number of pages (one Markdown table each,
  kept out of the nav, no search plugin) the same way;

and prints the figures and the ratios the targets are stated in; --json writes them too.

    .venv/bin/python scripts/bench.py [--sizes 1000,10000] [--commits-per-entry 0.2] [--json bench.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_history import build_repository

PROJECT = Path(__file__).resolve().parents[1]
TARGETS = {"build_time_ratio": 0.7, "build_memory_ratio": 1.5}


def measured(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run `args` under a helper process of its own, so the peak memory reported is this command's alone."""
    helper = [sys.executable, "-c", (
        "import json, os, resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True);"
        "e = time.perf_counter() - t;"
        "sys.stderr.write(p.stderr[-4000:]) if p.returncode else None;"
        "print(json.dumps([p.returncode, e, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))"
    ), *args]
    proc = subprocess.run(helper, cwd=cwd, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
                          capture_output=True, text=True, check=False)
    if proc.returncode or not proc.stdout.strip():
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    code, elapsed, peak = json.loads(proc.stdout.strip().splitlines()[-1])
    if code:
        raise SystemExit(f"{' '.join(args)} exited {code}:\n{proc.stderr[-3000:]}")
    return elapsed, peak


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def make_data_repository(root: Path, entries: int, commits: int) -> None:
    build_repository(root, entries, commits)
    for name in ("schema", "docs"):
        shutil.copytree(PROJECT / name, root / name)
    for page in (root / "docs").rglob("*.md"):  # the sample pages publish the sample county's entries: the first copy's
        page.write_text(page.read_text(encoding="utf-8").replace("shili-xian/", "bench-0000/"), encoding="utf-8")
    shutil.copytree(PROJECT / "data" / "domains", root / "data" / "domains")
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                    "commit", "-q", "-m", "领域和页面"], check=True)


VANILLA_PAGE = """# {title}

| 字段 | 内容 |
| --- | --- |
| 一级事项 | {l1} |
| 二级事项 | {title} |
| 公开内容 | {content} |
| 公开依据 | {basis} |
| 公开时限 | {limit} |
| 公开主体 | {subject} |
| 公开渠道 | {channels} |
"""


def make_vanilla_site(root: Path, pages: int) -> None:
    """The same number of pages, each a one-table Markdown page from a real entry, out of the nav, no search."""
    import yaml

    samples = []
    for path in sorted((PROJECT / "data" / "catalogues").glob("*/*/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        samples.append({"title": data["title"], "l1": data["l1"], "content": " ".join(data["content"].split()),
                        "basis": "；".join(b["title"] for b in data["basis"]), "limit": data["time_limit"]["text"],
                        "subject": data["subject"], "channels": "、".join(data["channels"])})
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    for n in range(pages):
        folder = docs / f"c{n // 500:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"p{n:06d}.md").write_text(VANILLA_PAGE.format(**samples[n % len(samples)]), encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: 基准\nsite_url: https://example.invalid/\ntheme:\n  name: material\n  language: zh\nplugins: []\n"
        "nav:\n  - 首页: index.md\nnot_in_nav: |\n  /c*/\n", encoding="utf-8")


SEARCHES = ("预算", "預算", "最低生活保障", "三公经费", "文成县")
"""A common term, the same in traditional characters (converted in the browser, assets/gongkai/searchcore.js),
an exact entry title, a rare term (one entry a catalogue) and one in no entry (the router answers it without
opening an index); each is then refined with a second word (REFINE)."""
REFINE = " 公开"

DONE_JS = """
if (document.getElementById("gk-results").dataset.query !== arguments[0]) return 0;
const shown = performance.getEntriesByName("gk-results").filter((m) => m.detail === arguments[0]);
return shown.length ? shown[shown.length - 1].startTime : 0;
"""
"""When the search page put the results for that query on screen: it sets data-query on its result list and marks
the time (the time of this poll would add the driver's round trips to the figure)."""
WATCH_JS = """
window.gkTyped = performance.now(); window.gkShown = 0;
const list = document.getElementById("gk-results");
new MutationObserver(() => {
  if (!window.gkShown && list.dataset.query === arguments[0]) window.gkShown = performance.now();
}).observe(list, { attributes: true, attributeFilter: ["data-query"] });
"""
"""From the keystroke to the changed results on screen (the page's own debounce included)."""


SEARCH_RUNS = 5
"""Each first search is timed in this many fresh browsers and the median printed: on a loaded two-core machine
one run varies by ±100 ms."""


def first_search(driver, url: str, query: str) -> tuple[float, float]:
    """Open the search page with `query`; the time to its results from opening the page, and from its being ready."""
    from urllib.parse import quote

    from selenium.webdriver.support.wait import WebDriverWait

    driver.get(f"{url}search/?q={quote(query)}")
    shown = WebDriverWait(driver, 300, poll_frequency=0.02).until(lambda d: d.execute_script(DONE_JS, query) or None)
    ready = driver.execute_script("return performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
    return shown, shown - ready


def _kb(served: dict) -> dict:
    return {f"{name}_kb": round(value / 1024, 1) for name, value in served.items()}


def browser_costs(site: Path, entry_url: str) -> dict:
    """In headless Chromium against the site served on localhost (counted before any compression): for each
    query, the bytes and time from opening the search page with it to the first results, then for refining it;
    and the bytes of an entry page's first view on a phone."""
    sys.path.insert(0, str(PROJECT / "tests"))
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    from browser import chrome

    costs: dict = {"searches": {}}
    from browser import counting_server

    with counting_server(site) as (url, served):
        for query in SEARCHES:
            times = []
            for _ in range(SEARCH_RUNS - 1):  # the same first search in fresh browsers; the last run goes on below
                driver = chrome(1280, 900)
                try:
                    times.append(first_search(driver, url, query))
                finally:
                    driver.quit()
            driver = chrome(1280, 900)
            try:
                served.update(dict.fromkeys(served, 0))
                times.append(first_search(driver, url, query))
                first = _kb(served)
                first_ms, ready_ms = (statistics.median(t) for t in zip(*times, strict=True))
                results = len(driver.find_elements(By.CSS_SELECTOR, ".gk-result"))
                status = driver.find_element(By.ID, "gk-status").text
                served.update(dict.fromkeys(served, 0))
                driver.execute_script(WATCH_JS, query + REFINE)
                driver.find_element(By.CSS_SELECTOR, "#gk-search input[type=search]").send_keys(REFINE)
                try:
                    WebDriverWait(driver, 120, poll_frequency=0.02).until(lambda d: d.execute_script("return window.gkShown"))
                    refined_ms = driver.execute_script("return window.gkShown - window.gkTyped")
                except TimeoutException:
                    refined_ms = -1  # printed as such: no results re-rendered within two minutes
                costs["searches"][query] = {"first_results_ms": round(first_ms), "search_ms": round(ready_ms),
                                            "search_ms_runs": [round(t[1]) for t in times], "first": first,
                                            "results_shown": results, "status": status, "refined_ms": round(refined_ms),
                                            "refined": _kb(served)}
            finally:
                driver.quit()
        driver = chrome(375, 812)
        try:
            served.update(dict.fromkeys(served, 0))
            driver.get(url + entry_url)
            WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
            costs["entry_page_first_view"] = _kb(served)
        finally:
            driver.quit()
    return costs


def bench_size(entries: int, commits: int, work: Path, browser: bool = False) -> dict:
    data_root = work / f"data-{entries}"
    started = time.perf_counter()
    make_data_repository(data_root, entries, commits)
    setup_s = time.perf_counter() - started
    timings = work / f"stages-{entries}.json"
    build_s, build_mb = measured([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(work / f"site-{entries}")],
                                 data_root, {"GONGKAI_TIMINGS": str(timings), "GONGKAI_BUILD_TIME": "2026-12-01T02:30:00+00:00"})
    stages = json.loads(timings.read_text(encoding="utf-8"))["stages"]
    export_s, export_mb = measured([sys.executable, "-m", "gongkai.cli", "export", "-o", str(work / f"export-{entries}.xlsx")],
                                   data_root)
    site_files, site_bytes = folder_size(work / f"site-{entries}")
    entry_url = next(p.relative_to(work / f"site-{entries}").parent.as_posix() + "/"
                     for p in sorted((work / f"site-{entries}" / "bench-0000").glob("*/*/index.html")))
    try:
        browser_figures = browser_costs(work / f"site-{entries}", entry_url) if browser else {}
    except Exception as exc:  # the build figures are worth keeping when the browser part fails
        browser_figures = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    index_files, index_bytes = folder_size(work / f"site-{entries}" / "pagefind")

    vanilla_root = work / f"vanilla-{entries}"
    make_vanilla_site(vanilla_root, entries)
    vanilla_s, vanilla_mb = measured([sys.executable, "-m", "mkdocs", "build", "-d", str(work / f"vanilla-site-{entries}")],
                                     vanilla_root)
    vanilla_files, vanilla_bytes = folder_size(work / f"vanilla-site-{entries}")
    for folder in (work / f"site-{entries}", work / f"vanilla-site-{entries}", vanilla_root):
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "entries": entries, "commits": commits + 2, "setup_s": round(setup_s, 2),
        "build_s": round(build_s, 2), "build_peak_mb": round(build_mb), "stages": stages,
        "export_xlsx_s": round(export_s, 2), "export_peak_mb": round(export_mb),
        "site_files": site_files, "site_mb": round(site_bytes / 2**20, 1),
        "pagefind_files": index_files, "pagefind_mb": round(index_bytes / 2**20, 1),
        "vanilla_build_s": round(vanilla_s, 2), "vanilla_peak_mb": round(vanilla_mb), "vanilla_site_files": vanilla_files,
        "vanilla_site_mb": round(vanilla_bytes / 2**20, 1),
        "build_time_ratio": round(build_s / vanilla_s, 3), "build_memory_ratio": round(build_mb / vanilla_mb, 3),
        "build_s_per_1000_entries": round(1000 * build_s / entries, 3),
        "browser": browser_figures,
    }


def report(result: dict) -> None:
    n = result["entries"]
    print(f"\n== {n} entries, {result['commits']} commits (generated in {result['setup_s']} s)")
    print(f"gongkai build:   {result['build_s']:8.2f} s   peak {result['build_peak_mb']:6d} MB   "
          f"site {result['site_files']} files, {result['site_mb']} MB (Pagefind {result['pagefind_mb']} MB)")
    for name, figures in result["stages"].items():
        print(f"  {name:28s} {figures['s']:8.2f} s   peak so far {figures['peak_mb']:8.0f} MB")
    print(f"export .xlsx:    {result['export_xlsx_s']:8.2f} s   peak {result['export_peak_mb']:6d} MB")
    print(f"vanilla build:   {result['vanilla_build_s']:8.2f} s   peak {result['vanilla_peak_mb']:6d} MB   "
          f"site {result['vanilla_site_files']} files, {result['vanilla_site_mb']} MB")
    print(f"ratio time:      {result['build_time_ratio']:8.2f}   (target ≤ {TARGETS['build_time_ratio']})")
    print(f"ratio memory:    {result['build_memory_ratio']:8.2f}   (target ≤ {TARGETS['build_memory_ratio']})")
    print(f"per 1000 entries:{result['build_s_per_1000_entries']:8.2f} s")
    for query, figures in result["browser"].get("searches", {}).items():
        first, refined = figures["first"], figures["refined"]
        print(f"search “{query}”: first results {figures['first_results_ms']} ms after opening the search page "
              f"({figures['search_ms']} ms after it was ready, median of {figures['search_ms_runs']}); "
              f"the search fetched {first['search_wire_kb']} KB over the wire ({first['search_raw_kb']} KB unpacked), "
              f"with the page {first['wire_kb']} KB ({first['raw_kb']} KB); {figures['results_shown']} shown: {figures['status']}")
        print(f"  refined “{query}{REFINE}”: {figures['refined_ms']} ms, {refined['wire_kb']} KB over the wire "
              f"({refined['raw_kb']} KB unpacked)")
    if "error" in result["browser"]:
        print(f"browser figures: not measured ({result['browser']['error']})")
    if "entry_page_first_view" in result["browser"]:
        view = result["browser"]["entry_page_first_view"]
        print(f"entry page, first view on a phone: {view['wire_kb']} KB over the wire ({view['raw_kb']} KB unpacked)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated entry counts (100000 takes a long time)")
    parser.add_argument("--commits-per-entry", type=float, default=0.2)
    parser.add_argument("--no-browser", action="store_true", help="skip the search and page-weight figures (need chromium)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        for size in sizes:
            result = bench_size(size, max(1, int(size * args.commits_per_entry)), Path(tmp), browser=not args.no_browser)
            report(result)
            results.append(result)
    if len(results) > 1:
        small, large = results[-2], results[-1]
        scale = large["build_s_per_1000_entries"] / small["build_s_per_1000_entries"]
        print(f"\ncost per entry at {large['entries']} vs {small['entries']}: {scale:.2f}× (target ≤ 1.2 between 10,000 and 100,000)")
    figures = {"format": "gongkai-bench", "version": 1, "python": platform.python_version(), "cores": os.cpu_count(),
               "targets": TARGETS, "results": results}
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
