"""scripts/nightly, the operator's nightly build: a real run on a small repository, and the ways it must stop."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ENTRY, ENTRY_PATH, PROJECT, Repo, git


@pytest.fixture
def operator_repo(site_repo: Repo) -> Repo:
    """The small site repository with the project's scripts and pins, using this test run's installs."""
    for name in ("scripts/nightly", "scripts/_env.sh", "requirements.txt", "requirements-dev.txt", "pyproject.toml",
                 "tools/pagefind/package.json", "tools/pagefind/package-lock.json"):
        target = site_repo.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, target)
    (site_repo.root / "tools/pagefind/node_modules").symlink_to(PROJECT / "tools/pagefind/node_modules")
    git(site_repo.root, "add", "-A")
    git(site_repo.root, "commit", "-q", "-m", "脚本")
    return site_repo


def nightly(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GONGKAI_VENV": sys.prefix, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([str(repo.root / "scripts/nightly"), "--skip-tests", "--skip-urls", *args], cwd=repo.root,
                          capture_output=True, text=True, env=env, check=False)


def test_a_good_night_replaces_the_site(operator_repo: Repo) -> None:
    site = operator_repo.root / "site"
    site.mkdir()
    (site / "stale.html").write_text("yesterday", encoding="utf-8")
    proc = nightly(operator_repo)
    assert proc.returncode == 0, proc.stderr
    assert "全部检查通过" in proc.stdout
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert (site / "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang/index.html").is_file()
    assert not (site / "stale.html").exists()
    assert not (operator_repo.root / "site.building").exists()
    steps = [line for line in proc.stderr.splitlines() if line.startswith("==> ")]
    assert steps == ["==> 检查是否为完整克隆", "==> 检查数据（gongkai validate）", "==> 跳过外部链接检查（--skip-urls）",
                     "==> 严格构建网站（mkdocs build --strict）",
                     "==> 检查站内链接（gongkai check-links）", "==> 检查网页代码（gongkai check-markup）", "==> 检查符号链接",
                     "==> 跳过测试（--skip-tests）", "==> 替换网站文件夹"]


def test_bad_data_leaves_yesterdays_site(operator_repo: Repo) -> None:
    site = operator_repo.root / "site"
    site.mkdir()
    (site / "index.html").write_text("yesterday", encoding="utf-8")
    operator_repo.write(ENTRY_PATH, ENTRY.replace("mode: 主动", "mode: 公开"))
    proc = nightly(operator_repo)
    assert proc.returncode != 0
    assert f"{ENTRY_PATH}:" in proc.stdout + proc.stderr
    assert "夜间构建在“检查数据（gongkai validate）”这一步失败" in proc.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "yesterday"
    assert "Traceback" not in proc.stderr


def test_a_broken_link_in_the_built_site_stops_before_the_site_is_replaced(operator_repo: Repo) -> None:
    operator_repo.write("docs/about.md", "# 关于\n\n<a href=\"../no-such-page/\">不存在</a>\n")
    proc = nightly(operator_repo, "public")
    assert proc.returncode != 0
    assert "about/index.html: 链接 ../no-such-page/ 指向的 no-such-page/ 不存在" in proc.stderr
    assert "夜间构建在“严格构建网站（mkdocs build --strict）”这一步失败" in proc.stderr
    assert not (operator_repo.root / "public").exists()
    assert not any(p.name.startswith("public") for p in operator_repo.root.iterdir())


def test_a_shallow_clone_is_refused(operator_repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{operator_repo.root}", str(clone)], check=True)
    proc = nightly(Repo(clone))
    assert proc.returncode != 0
    assert "仓库是浅克隆" in proc.stderr
    assert not (clone / "site").exists()
