"""Pagefind, extended build: index the built site for Chinese search, or fail loudly.

The binary is Pagefind 1.6.0 extended from the npm registry (tools/pagefind, installed by
scripts/_env.sh), or whatever PAGEFIND_BINARY_PATH names. 1.5.x segments Chinese differently
when indexing and when searching (scripts/bench_search.py measures it), and a binary without
the extended build cannot segment Chinese at all: both are refused rather than used.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

PINNED = "1.6.0"
TOOLS = Path(__file__).resolve().parents[2] / "tools" / "pagefind" / "node_modules" / "@pagefind"
_NPM_PACKAGE = {"x86_64": "linux-x64", "amd64": "linux-x64", "aarch64": "linux-arm64", "arm64": "linux-arm64"}


class SearchIndexError(RuntimeError):
    """Pagefind could not be found, is not the extended build, or failed."""


def find_binary() -> Path:
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise SearchIndexError(f"PAGEFIND_BINARY_PATH 指向的文件不存在：{configured}")
        return path
    package = _NPM_PACKAGE.get(platform.machine().lower(), f"linux-{platform.machine()}")
    path = TOOLS / package / "bin" / "pagefind_extended"
    if not path.is_file():
        raise SearchIndexError(
            f"没有找到 Pagefind {PINNED} 扩展版（{path}）。请运行 ./scripts/serve 或 ./scripts/test 安装，"
            "或用环境变量 PAGEFIND_BINARY_PATH 指定 pagefind_extended 的位置。"
        )
    return path


def binary_version(binary: Path) -> str:
    proc = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=False)
    return proc.stdout.strip()


def _run(binary: Path, command: list[str], target: Path, written: str) -> str:
    try:
        proc = subprocess.run([str(binary), *command], capture_output=True, text=True, check=False)
    except OSError as exc:
        raise SearchIndexError(f"无法运行 Pagefind（{binary}）：{exc}") from exc
    if proc.returncode != 0 or not (target / written).is_file():
        raise SearchIndexError(f"Pagefind 建立索引失败（退出码 {proc.returncode}）：\n{proc.stdout}\n{proc.stderr}")
    if "(Extended)" not in proc.stdout:
        shutil.rmtree(target)
        raise SearchIndexError(f"{binary} 不是 Pagefind 扩展版，不能为中文分词，索引已删除。请安装 pagefind 扩展版。")
    return proc.stdout


def build_index(site_dir: Path, binary: Path | None = None) -> str:
    """Index `site_dir` in place (writes `site_dir/pagefind/`); returns Pagefind's summary output."""
    binary = binary or find_binary()
    target = site_dir / "pagefind"
    if target.exists():
        shutil.rmtree(target)
    return _run(binary, ["--site", str(site_dir)], target, "pagefind.js")


PLACEHOLDER = '<html lang="zh-CN"><body><div data-pagefind-body>龘龘龘</div></body></html>'
"""The one page of the site-wide bundle: one word nobody types (Pagefind builds no bundle from nothing)."""


def build_site_bundle(target: Path, binary: Path | None = None) -> list[str]:
    """The site-wide bundle at `target`: Pagefind's script and WebAssembly, and an index whose only page is
    PLACEHOLDER, so that what a query loads of it is a few bytes (the catalogues' indexes are merged into it).
    Returns the names of the files every first search fetches of it, for the search page to preload."""
    with tempfile.TemporaryDirectory(prefix="gongkai-search-") as folder:
        Path(folder, "index.html").write_text(PLACEHOLDER, encoding="utf-8")
        build_index(Path(folder), binary)
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(Path(folder, "pagefind"), target)
    return sorted(p.name for p in target.iterdir() if p.suffix in (".pf_meta", ".pagefind"))


KEPT = ("pagefind-entry.json", "index", "fragment", "filter")
"""What a merged index needs of its bundle: the script and the WebAssembly come from the site-wide bundle."""


@dataclass(frozen=True)
class Part:
    """Pages to index into a bundle of their own: those matching `glob` in `source`, into `target`."""

    source: Path
    glob: str
    target: Path


def build_parts(parts: list[Part], binary: Path | None = None, workers: int | None = None) -> list[str]:
    """Index each part, several Pagefind processes at a time, and keep of each bundle only what a merged index
    loads. Returns Pagefind's summaries in the order given."""
    binary = binary or find_binary()

    def one(part: Part) -> str:
        if part.target.exists():
            shutil.rmtree(part.target)
        output = _run(binary, ["--site", str(part.source), "--glob", part.glob, "--output-path", str(part.target)],
                      part.target, "pagefind-entry.json")
        for item in part.target.iterdir():
            if item.name not in KEPT and not item.name.endswith(".pf_meta"):
                shutil.rmtree(item) if item.is_dir() else item.unlink()
        return output

    with ThreadPoolExecutor(workers or os.cpu_count() or 1) as pool:
        return list(pool.map(one, parts))
