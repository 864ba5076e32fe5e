"""Pagefind, extended build: index the built site for Chinese search, or fail loudly.

The binary comes from PAGEFIND_BINARY_PATH when set, else from the pinned
`pagefind-bin-extended` package. A non-extended binary would index Chinese as one
long word per sentence and find nothing, so it is refused rather than used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


class SearchIndexError(RuntimeError):
    """Pagefind could not be found, is not the extended build, or failed."""


def find_binary() -> Path:
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise SearchIndexError(f"PAGEFIND_BINARY_PATH 指向的文件不存在：{configured}")
        return path
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-not-found]
    except ImportError as exc:
        raise SearchIndexError("没有安装 Pagefind 扩展版（pagefind-bin-extended）。请运行 ./scripts/test 或 ./scripts/serve 重新安装依赖。") from exc
    return Path(get_executable())


def build_index(site_dir: Path, binary: Path | None = None) -> str:
    """Index `site_dir` in place (writes `site_dir/pagefind/`); returns Pagefind's summary output."""
    binary = binary or find_binary()
    target = site_dir / "pagefind"
    if target.exists():
        shutil.rmtree(target)
    try:
        proc = subprocess.run([str(binary), "--site", str(site_dir)], capture_output=True, text=True, check=False)
    except OSError as exc:
        raise SearchIndexError(f"无法运行 Pagefind（{binary}）：{exc}") from exc
    if proc.returncode != 0 or not (target / "pagefind.js").is_file():
        raise SearchIndexError(f"Pagefind 建立索引失败（退出码 {proc.returncode}）：\n{proc.stdout}\n{proc.stderr}")
    if "(Extended)" not in proc.stdout:
        shutil.rmtree(target)
        raise SearchIndexError(f"{binary} 不是 Pagefind 扩展版，不能为中文分词，索引已删除。请安装 pagefind 扩展版。")
    return proc.stdout
