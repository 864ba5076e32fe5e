"""Search quality benchmark: recall and precision of Pagefind builds on the must-hit queries.

Builds the sample site once without a search index, then for each Pagefind binary given
indexes a copy, serves it on localhost, runs every query of tests/search_queries.yml in
headless Chromium through the site's own Pagefind bundle, and scores the results against
the text of the built pages (a result is relevant when its page contains the query,
punctuation ignored). Prints a table per binary, and the totals.

    .venv/bin/python scripts/bench_search.py NAME=/path/to/pagefind_extended [NAME=...] [--json out.json]

Without NAME=PATH arguments it measures the binary the build uses (gongkai.search.find_binary()).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests"))

from browser import chrome, search_urls, serve  # noqa: E402
from gongkai import search  # noqa: E402
from search_quality import must_hit, page_texts, score  # noqa: E402


def build_site(target: Path) -> None:
    config = target / "mkdocs.yml"
    config.write_text(
        (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
        + f"\ndocs_dir: {PROJECT / 'docs'}\nplugins:\n  - gongkai:\n      root: {PROJECT}\n      search: false\n",
        encoding="utf-8",
    )
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(target / "site")],
                   check=True)


def measure(site: Path, binary: Path, queries: dict[str, list[str]]) -> dict:
    search.build_index(site, binary)
    texts = page_texts(site)
    with serve(site) as url:
        driver = chrome()
        try:
            results = search_urls(driver, url, list(queries))
        finally:
            driver.quit()
    scores = [score(q, results[q], texts, required) for q, required in queries.items()]
    return {
        "version": search.binary_version(binary),
        "queries": [s.__dict__ | {"missing": list(s.missing)} for s in scores],
        "mean_recall": round(sum(s.recall for s in scores) / len(scores), 3),
        "mean_precision": round(sum(s.precision for s in scores) / len(scores), 3),
        "min_precision": round(min(s.precision for s in scores), 3),
        "must_hit_missed": sum(len(s.missing) for s in scores),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="*", metavar="NAME=PATH")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    binaries = dict(b.split("=", 1) for b in args.binaries) or {"default": str(search.find_binary())}
    queries = must_hit()
    report = {}
    with tempfile.TemporaryDirectory(prefix="gongkai-search-") as tmp:
        base = Path(tmp)
        build_site(base)
        for name, path in binaries.items():
            site = base / f"site-{name}"
            shutil.copytree(base / "site", site)
            report[name] = result = measure(site, Path(path), queries)
            print(f"\n{name}: {result['version']}")
            print(f"{'query':<14}{'results':>8}{'relevant':>9}{'recall':>8}{'precision':>10}  must-hit missed")
            for s in result["queries"]:
                print(f"{s['query']:<14}{s['results']:>8}{s['relevant']:>9}{s['recall']:>8.2f}{s['precision']:>10.2f}  {len(s['missing'])}")
            print(f"mean recall {result['mean_recall']:.3f}, mean precision {result['mean_precision']:.3f}, "
                  f"min precision {result['min_precision']:.3f}, must-hit missed {result['must_hit_missed']}")
    if args.json:
        args.json.write_text(json.dumps({"version": 1, "binaries": report}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
