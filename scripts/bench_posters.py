"""Benchmark: what the notice-board posters cost per QR code and per build (posters.py).

Prints zxing-cpp's time per code, our drawing of the code as one SVG path, and the time to render N posters
(copies of the sample's, each with an address of its own) in one process, and on every core written into a
folder, as the build does. Best of --repeat.

    .venv/bin/python scripts/bench_posters.py [--entries 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gongkai import posters
from gongkai.clock import build_time
from gongkai.paths import Layout
from gongkai.schema import load_schemas
from gongkai.validate import validate

PROJECT = Path(__file__).resolve().parents[1]
SITE_URL = "https://shili-xian.github.io/gongkai-data/"


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        work()
        times.append(time.perf_counter() - begin)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    layout = Layout(PROJECT)
    repository = validate(layout).repository
    assert repository is not None
    schemas = load_schemas(layout.schema)
    sample = [p for p in posters.plan_posters(repository, schemas) if p.title]
    urls = [SITE_URL + p.page for p in sample]
    per = len(urls)
    sizes = [len(posters.qr_matrix(u)) for u in urls]
    print(f"{per} entry addresses of the sample site, {len(urls[0])}-{max(map(len, urls))} characters, "
          f"QR codes of {min(sizes)}-{max(sizes)} modules a side, level {posters.ERROR_LEVEL}")
    matrices = best_of(args.repeat, lambda: [posters.qr_matrix(u) for u in urls])
    drawn = best_of(args.repeat, lambda: [posters.qr_code(u) for u in urls])
    print(f"  zxing-cpp: {matrices / per * 1000:.2f} ms per code")
    print(f"  our SVG path (qr_code less qr_matrix): {(drawn - matrices) / per * 1000:.2f} ms per code")

    many = [dataclasses.replace(p, path=f"{i}/{p.path}", page=f"{i}/{p.page}")
            for i, p in enumerate(sample * (args.entries // per + 1))][:args.entries]
    stamp = build_time()
    alone = best_of(args.repeat, lambda: posters.render_posters(many, SITE_URL, stamp, schemas))
    with tempfile.TemporaryDirectory(prefix="gongkai-posters-") as site_dir:
        cores = best_of(args.repeat, lambda: posters.write_posters(many, Path(site_dir), site_url=SITE_URL, stamp=stamp,
                                                                   schemas=schemas))
    size = sum(len(f.html) for f in posters.render_posters(many[:per], SITE_URL, stamp, schemas)) / per
    print(f"{args.entries} posters: {alone:.2f} s in one process ({alone / args.entries * 1000:.2f} ms each), "
          f"{cores:.2f} s on {min(os.cpu_count() or 1, 8)} cores (write_posters, files written, as the build runs it); "
          f"{size / 1024:.1f} KB per poster, {size * args.entries / 2**20:.0f} MB in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
