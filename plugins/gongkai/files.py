"""Writing files: those users keep whole or not at all, with the permissions the file had or would get, and
those of the built site."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def file_mode(path: Path) -> int:
    """The mode a new file would get (temporary files are private), or the mode of the file being replaced."""
    if path.exists():
        return path.stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, text: str) -> None:
    """Write through a hidden temporary file in the same folder: git, GitHub or a concurrent check sees the
    old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="\n", dir=path.parent, prefix=".gongkai-",
                                     suffix=".tmp", delete=False) as tmp:
        tmp.write(text)
    os.chmod(tmp.name, file_mode(path))
    os.replace(tmp.name, path)


def write_site_file(site_dir: Path, path: str, content: bytes) -> Path:
    """`content` as the site's file at `path` (site-relative), its folders made as needed."""
    target = site_dir / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return target
