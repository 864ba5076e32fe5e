"""Benchmark: `gongkai validate` on N entries against libyaml's CSafeLoader merely parsing the same files.

Generates N entries in a temporary folder from the shipped sample entries (each copy in
catalogue of its own, so every entry stays valid), then times both over the same files
in the same run, best of --repeat. Prints the figures and the ratio; --json writes them too.

    .venv/bin/python scripts/bench_validate.py [--entries 10000] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

from gongkai.paths import Layout
from gongkai.validate import discover, validate

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = "shili-xian"


def generate(target: Path, count: int) -> int:
    """Copy schema, domains and `count` entries (copies of the sample county's) into `target`."""
    shutil.copytree(PROJECT / "schema", target / "schema")
    shutil.copytree(PROJECT / "data" / "domains", target / "data" / "domains")
    shutil.copytree(PROJECT / "docs", target / "docs")  # entries publish some of its pages
    for page in (target / "docs").rglob("*.md"):  # and its pages publish the sample county's entries: the first copy's
        page.write_text(page.read_text(encoding="utf-8").replace("shili-xian/", "bench-0000/"), encoding="utf-8")
    sample = PROJECT / "data" / "catalogues" / SAMPLE
    catalogue_text = (sample / "catalogue.yml").read_text(encoding="utf-8")
    entries = sorted(p for p in sample.glob("*/*.yml"))
    written = 0
    copy = 0
    while written < count:
        folder = target / "data" / "catalogues" / f"bench-{copy:04d}"
        folder.mkdir(parents=True)
        (folder / "catalogue.yml").write_text(catalogue_text, encoding="utf-8")
        for entry in entries[: count - written]:
            out = folder / entry.parent.name / entry.name
            out.parent.mkdir(exist_ok=True)
            out.write_bytes(entry.read_bytes())
            written += 1
        copy += 1
    return written


def parse_only(root: Path) -> int:
    """What libyaml's CSafeLoader takes just to read and parse every data file."""
    count = 0
    for file in discover(root / "data"):
        yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        count += 1
    return count


def best_of(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        root = Path(tmp)
        entries = generate(root, args.entries)
        files = parse_only(root)  # warm the file cache for both contestants
        result = validate(Layout(root))
        if not result.ok:
            print("generated data does not validate:", *result.problems[:5], sep="\n", file=sys.stderr)
            return 1
        parse_s = best_of(args.repeat, lambda: parse_only(root))
        validate_s = best_of(args.repeat, lambda: validate(Layout(root)))

    figures = {
        "version": 1,
        "python": platform.python_version(),
        "entries": entries,
        "files": files,
        "csafeloader_parse_s": round(parse_s, 3),
        "gongkai_validate_s": round(validate_s, 3),
        "ratio": round(validate_s / parse_s, 3),
        "limit": 1.3,
    }
    print(f"files:                     {files} ({entries} entries)")
    print(f"CSafeLoader parse only:    {parse_s:.2f} s")
    print(f"gongkai validate (all):    {validate_s:.2f} s")
    print(f"ratio:                     {figures['ratio']:.2f} (target 1.3)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
