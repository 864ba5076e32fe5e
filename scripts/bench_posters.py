"""Benchmark: what the notice-board posters cost per QR code and per build (posters.py).

Prints segno's time per code with the best of its eight masks and with posters.MASK fixed, our drawing of the
code against segno's own SVG writer, how far the fixed mask's penalty score is from the best one's on the
sample site's addresses, and the time to render N posters (copies of the sample's, each with an address of
its own) in one process and on every core, as the build does. Best of --repeat.

    .venv/bin/python scripts/bench_posters.py [--entries 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import segno
from segno import encoder

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

    def codes(**options: object) -> Callable[[], object]:
        return lambda: [segno.make_qr(u, error=posters.ERROR_LEVEL, boost_error=False, **options) for u in urls]

    made = [segno.make_qr(u, error=posters.ERROR_LEVEL, boost_error=False, mask=posters.MASK) for u in urls]
    print(f"{per} entry addresses of the sample site, {len(urls[0])}-{max(map(len, urls))} characters, "
          f"QR version {min(c.version for c in made)}-{max(c.version for c in made)}, level {posters.ERROR_LEVEL.upper()}")
    figures = {
        "segno, best of 8 masks": best_of(args.repeat, codes()),
        f"segno, mask {posters.MASK} fixed": best_of(args.repeat, codes(mask=posters.MASK)),
        "segno's SVG writer": best_of(args.repeat, lambda: [c.svg_inline() for c in made]),
        "our SVG path (qr_code less make_qr)": best_of(args.repeat, lambda: [posters.qr_code(u) for u in urls])
                                                - best_of(args.repeat, codes(mask=posters.MASK)),
    }
    for name, seconds in figures.items():
        print(f"  {name}: {seconds / per * 1000:.2f} ms per code")

    ratios = []
    for url in urls:
        matrices = [segno.make_qr(url, error=posters.ERROR_LEVEL, boost_error=False, mask=m).matrix for m in range(8)]
        scores = [encoder.evaluate_mask(m, len(m), len(m)) for m in matrices]
        ratios.append(scores[posters.MASK] / min(scores))
    print(f"mask {posters.MASK}'s penalty against the best mask's: mean {statistics.mean(ratios):.3f}, "
          f"worst {max(ratios):.3f} (1.000 = the best)")

    many = [dataclasses.replace(p, path=f"{i}/{p.path}", page=f"{i}/{p.page}")
            for i, p in enumerate(sample * (args.entries // per + 1))][:args.entries]
    stamp = build_time()
    alone = best_of(args.repeat, lambda: posters.render_posters(many, SITE_URL, stamp, schemas))
    cores = best_of(args.repeat, lambda: posters.poster_files(many, site_url=SITE_URL, stamp=stamp, schemas=schemas))
    size = sum(len(f.html) for f in posters.render_posters(many[:per], SITE_URL, stamp, schemas)) / per
    print(f"{args.entries} posters: {alone:.2f} s in one process ({alone / args.entries * 1000:.2f} ms each), "
          f"{cores:.2f} s on {min(os.cpu_count() or 1, 8)} cores (poster_files, as the build runs it); "
          f"{size / 1024:.1f} KB per poster, {size * args.entries / 2**20:.0f} MB in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
