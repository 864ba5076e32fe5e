"""A real mkdocs build runs the same validation as `gongkai validate`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ENTRY, ENTRY_PATH, PROJECT, Repo


def mkdocs_build(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
        capture_output=True, text=True, check=False,
    )


def test_sample_site_builds(tmp_path: Path) -> None:
    proc = mkdocs_build(PROJECT, tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert "gongkai: 26 个领域，3 个目录" in proc.stderr


def test_bad_data_fails_the_build_with_the_validator_messages(repo: Repo, tmp_path: Path) -> None:
    shutil.copy(PROJECT / "mkdocs.yml", repo.root / "mkdocs.yml")
    repo.write("docs/index.md", "# 测试\n")
    repo.write(ENTRY_PATH, ENTRY.replace("mode: 主动", "mode: 主动公开"))
    proc = mkdocs_build(repo.root, tmp_path / "site")
    assert proc.returncode != 0
    assert f"{ENTRY_PATH}:21:1: 字段 mode（公开方式）: “主动公开”不是允许的值" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "site" / "index.html").exists()
