"""How long the site's downloads and JSON API take, on generated entries (copies of the sample catalogue).

Prints, for each size, the wall time of the downloads (.xlsx, .csv, .json per catalogue and domain and the
zip of the whole dataset) and of the API files, as the build runs them (forked workers on every core), the
CPU time the downloads cost by kind of file when written one after another (--by-kind), the number of files
and their bytes, and the largest API file (what a phone fetches for one catalogue).

    .venv/bin/python scripts/bench_downloads.py [--sizes 196,10000] [--by-kind] [--json out.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench import make_data_repository
from gongkai import downloads
from gongkai.jsonapi import write_api
from gongkai.pages import NO_HISTORY
from gongkai.paths import Layout
from gongkai.schema import load_schemas
from gongkai.validate import validate

PROJECT = Path(__file__).resolve().parents[1]


def by_kind(repo, schema, site: Path) -> dict[str, float]:
    """CPU seconds per kind of download, one job after another in this process."""
    work = downloads._Work(repo, schema, site, dt.datetime.now())
    jobs = [downloads._Job(downloads.BUNDLE, "zip")]
    jobs += [downloads._Job(downloads.catalogue_download(s, f), f, catalogue=s) for s in sorted(repo.catalogues) for f in downloads.FORMATS]
    jobs += [downloads._Job(downloads.domain_download(s, f), f, domain=s) for s in sorted(repo.domains) for f in downloads.FORMATS]
    cpu: dict[str, float] = defaultdict(float)
    for job in jobs:
        start = time.process_time()
        downloads._make([[job]], work)
        kind = "bundle" if job.fmt == "zip" else f"{'catalogue' if job.catalogue else 'domain'} {job.fmt}"
        cpu[kind] += time.process_time() - start
    return {k: round(v, 2) for k, v in cpu.items()}


def bench_size(entries: int, work: Path, kinds: bool) -> dict:
    if entries == 0:
        root = PROJECT
    else:
        root = work / f"repo-{entries}"
        make_data_repository(root, entries, commits=0)
    repo = validate(Layout(root)).repository
    assert repo is not None
    schemas = load_schemas(root / "schema")
    site = work / f"site-{entries}"
    site.mkdir()
    start = time.perf_counter()
    sizes = downloads.write_downloads(repo, schemas["entry"], site, dt.datetime.now())
    downloads_s = time.perf_counter() - start
    start = time.perf_counter()
    api = write_api(repo, NO_HISTORY, schemas, site, site_url="https://example.invalid/", directory_urls=True,
                    built=dt.datetime.now().astimezone())
    api_s = time.perf_counter() - start
    result = {"entries": len(repo.entries), "catalogues": len(repo.catalogues), "cores": os.cpu_count(),
              "downloads_s": round(downloads_s, 2), "download_files": len(sizes), "download_mb": round(sum(sizes.values()) / 2**20, 1),
              "api_s": round(api_s, 2), "api_files": len(api), "api_mb": round(sum(api.values()) / 2**20, 1),
              "largest_api_file_kb": round(max(v for k, v in api.items() if k.startswith("api/catalogues/")) / 1024)}
    if kinds:
        shutil.rmtree(site)
        site.mkdir()
        result["cpu_s_by_kind"] = by_kind(repo, schemas["entry"], site)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0,10000", help="entries to generate; 0 is the sample data itself")
    parser.add_argument("--by-kind", action="store_true", help="also time each kind of download, one after another")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="gongkai-downloads-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            result = bench_size(size, Path(tmp), args.by_kind)
            results.append(result)
            print(json.dumps(result, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps({"version": 1, "results": results}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
