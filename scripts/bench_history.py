"""Benchmark: the audit-trail pass over a repository of N entries and C commits touching random entries.

Builds the repository in a temporary folder with `git fast-import` (the sample county's entries,
copied into as many catalogues as needed; then C commits, each editing one to three random
entries' 公开时限 or 公开主体, some renaming or deleting one), checks it out, and times
`gongkai.history.read_history` (best of --repeat). Prints the figures; --json writes them too.

    .venv/bin/python scripts/bench_history.py [--entries 10000] [--commits 2000]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gongkai.history import read_history
from gongkai.schema import load_schemas

PROJECT = Path(__file__).resolve().parents[1]
DEPARTMENTS = ["县发展和改革局", "县教育局", "县公安局", "县民政局", "县司法局", "县财政局", "县人力资源和社会保障局", "县自然资源局",
               "县住房和城乡建设局", "县交通运输局", "县农业农村局", "县卫生健康局"]
"""Who a commit adds as a co-publisher: a county's dozen departments, as real edits do, not a new name each time."""


def _data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n%s\n" % (len(raw), raw)


def build_repository(root: Path, entries: int, commits: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    sample = PROJECT / "data" / "catalogues" / "shili-xian"
    texts = [p.read_text(encoding="utf-8") for p in sorted(sample.glob("*/*.yml"))]
    names = [f"{p.parent.name}/{p.name}" for p in sorted(sample.glob("*/*.yml"))]
    files: dict[str, str] = {}
    count = copy = 0
    while count < entries:
        for name, text in zip(names, texts, strict=True):
            if count == entries:
                break
            files[f"data/catalogues/bench-{copy:04d}/{name}"] = f"# 副本 {copy}\n{text}"  # every file its own blob
            count += 1
        files[f"data/catalogues/bench-{copy:04d}/catalogue.yml"] = (sample / "catalogue.yml").read_text(encoding="utf-8")
        copy += 1
    stream = ["commit refs/heads/main\nmark :1\ncommitter 县政务公开办 <zwgk@example.invalid> 1700000000 +0800\n".encode(),
              _data("初始目录"), b"deleteall\n"]
    for path, text in files.items():
        stream += [f"M 100644 inline {path}\n".encode(), _data(text)]
    paths = [p for p in files if not p.endswith("catalogue.yml")]
    for n in range(commits):
        stream += [f"commit refs/heads/main\ncommitter 部门{n % 17} <dept{n % 17}@example.invalid> {1700000000 + 3600 * (n + 1)} +0800\n".encode(),
                   _data(f"调整事项 (#{n + 1})")]
        for path in rng.sample(paths, rng.randint(1, 3)):
            text = files[path]
            roll = rng.random()
            if roll < 0.02:
                new = path.replace(".yml", f"-v{n}.yml")
                stream.append(f"R {path} {new}\n".encode())
                files[new] = files.pop(path)
                paths[paths.index(path)] = new
                continue
            if roll < 0.04 and len(paths) > entries // 2:
                stream.append(f"D {path}\n".encode())
                files.pop(path)
                paths.remove(path)
                continue
            text = text.replace("20个工作日", "10个工作日", 1) if "20个工作日" in text else text.replace("subject: ", f"subject: {DEPARTMENTS[n % len(DEPARTMENTS)]}、", 1)
            files[path] = text
            stream += [f"M 100644 inline {path}\n".encode(), _data(text)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "-f", "main"], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    schema = load_schemas(PROJECT / "schema")["entry"]
    with tempfile.TemporaryDirectory(prefix="gongkai-history-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        build_repository(root, args.entries, args.commits)
        setup = time.perf_counter() - start
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            history = read_history(root, schema)
            times.append(time.perf_counter() - start)
    changes = sum(len(h.changes) for h in history.entries.values())
    figures = {"version": 1, "entries": args.entries, "commits": args.commits + 1, "histories": len(history.entries),
               "changes": changes, "history_pass_s": round(min(times), 3), "limit_s": 10}
    print(f"repository:      {args.entries} entries, {args.commits + 1} commits (built in {setup:.1f} s)")
    print(f"histories:       {len(history.entries)} entries, {changes} changes, {len(history.removed())} removed")
    print(f"history pass:    {min(times):.2f} s (best of {args.repeat}; limit 10 s)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
