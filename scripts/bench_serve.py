"""Benchmark: how long after a department saves an entry file `mkdocs serve --dirty` shows the change.

Generates a data repository of --entries entries (scripts/bench_history.py, as scripts/bench does), starts
`mkdocs serve --dirty --strict` on it (what scripts/serve runs), waits for the first, full build, then edits
one entry's title --edits times and measures, for each, the time from saving the file to the entry page
and its catalogue page being served with the new text. Prints the figures; --json writes them too.

    .venv/bin/python scripts/bench_serve.py [--entries 10000] [--edits 3]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench import make_data_repository


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, text: str, timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if text in fetch(url):
            return time.perf_counter() - started
        time.sleep(0.05)
    raise SystemExit(f"{url} did not show {text!r} within {timeout} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-serve-") as tmp:
        root = Path(tmp) / "data"
        make_data_repository(root, args.entries, max(1, args.entries // 5))
        entry = sorted((root / "data" / "catalogues" / "bench-0000").glob("*/*.yml"))[0]
        page = f"bench-0000/{entry.parent.name}/{entry.stem}/"
        port = free_port()
        log = Path(tmp) / "serve.log"
        started = time.perf_counter()
        stream = open(log, "w", encoding="utf-8")  # noqa: SIM115 - the server writes to it until terminated below
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--strict",
                                   "-a", f"127.0.0.1:{port}"], cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                                  stdout=stream, stderr=subprocess.STDOUT, text=True)
        try:
            while "Serving on http" not in log.read_text(encoding="utf-8"):
                if server.poll() is not None or time.perf_counter() - started > 1800:
                    raise SystemExit(log.read_text(encoding="utf-8")[-3000:])
                time.sleep(0.2)
            base = log.read_text(encoding="utf-8").split("Serving on ", 1)[1].split()[0]  # with site_url's path
            text = entry.read_text(encoding="utf-8")
            title = next(line for line in text.splitlines() if line.startswith("title: "))
            first = wait_for(base + page, "data-pagefind-body", 1800)
            first_build = time.perf_counter() - started
            time.sleep(2)  # the first build's file events settle
            seconds = []
            for n in range(args.edits):
                stamp = f"基准修改{n}号"
                saved = time.perf_counter()
                entry.write_text(text.replace(title, title + stamp, 1), encoding="utf-8")
                shown = wait_for(base + page, stamp, 120)
                wait_for(base + "bench-0000/", stamp, 120)
                seconds.append({"entry_page_s": round(shown, 2), "catalogue_page_s": round(time.perf_counter() - saved, 2)})
                time.sleep(1)
        finally:
            server.terminate()
            server.wait(timeout=60)
            stream.close()
        errors = log.read_text(encoding="utf-8")
    print(f"{args.entries} entries: first build served after {first_build:.1f} s (page up {first:.1f} s after start)")
    for n, figures in enumerate(seconds, 1):
        print(f"edit {n}: entry page shows it after {figures['entry_page_s']} s, its catalogue page after "
              f"{figures['catalogue_page_s']} s (target: under 3 s)")
    quick = [line for line in errors.splitlines() if "只重新生成" in line]
    print(f"quick rebuilds logged: {len(quick)}" + (f" ({quick[-1].split('gongkai: ', 1)[-1]})" if quick else ""))
    lines = errors.splitlines()
    for marker in ("gongkai: 用时", "Documentation built in", "Detected file changes"):
        last = [line for line in lines if marker in line]
        if last:
            print("  last", last[-1].split("-  ", 1)[-1])
    if args.json:
        args.json.write_text(json.dumps({"entries": args.entries, "first_build_s": round(first_build, 1), "edits": seconds},
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
