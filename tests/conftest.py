"""Shared fixtures: a small but real data repository in a temporary folder, and the CLI run in-process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gongkai.cli import main

PROJECT = Path(__file__).resolve().parents[1]

DOMAIN = """\
name: 社会救助
order: 20
lead_departments: [县民政局]
guideline:
  title: 《社会救助领域基层政务公开标准指引》
  issuer: 民政部办公厅
  year: 2019
standard_items:
  - l1: 救助对象认定
    l2: [最低生活保障, 特困人员救助供养]
"""

CATALOGUE = """\
name: 测试县政务公开事项标准目录
government: 测试县人民政府
level: 县级
region: 某某省测试市测试县
kind: 标准目录
reviewers:
  - name: 县政务公开办
    github: test-reviewer
"""

TOWNSHIP = """\
name: 测试县东湖镇政务公开事项标准目录
government: 东湖镇人民政府
level: 乡级
region: 某某省测试市测试县东湖镇
parent: test-xian
kind: 标准目录
reviewers:
  - name: 镇党政办
    github: donghu
"""

ENTRY = """\
l1: 救助对象认定
title: 最低生活保障
content: |
  1.低保标准；
  2.申请条件、办理流程。
basis:
  - title: 《社会救助暂行办法》
    number: 国务院令第649号
time_limit:
  text: 制定或获取信息之日起10个工作日内
  clauses:
    - kind: deadline
      anchor: 制定或获取信息
      amount: 10
      unit: 工作日
subject: 县民政局
channels:
  - 政府网站
  - 公开查阅点
audience: 全社会
mode: 主动
level:
  - 县级
published:
  - title: 示例县2024年城乡最低生活保障标准
    url: https://www.shilixian.example/zwgk/2024/dibao.html
    date: 2024-03-01
"""

ENTRY_PATH = "data/catalogues/test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang.yml"


@dataclass
class Repo:
    root: Path

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def write_bytes(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A valid repository: one domain, a county and a township catalogue, one entry."""
    shutil.copytree(PROJECT / "schema", tmp_path / "schema")
    (tmp_path / "docs").mkdir()
    r = Repo(tmp_path)
    r.write("data/domains/shehui-jiuzhu.yml", DOMAIN)
    r.write("data/catalogues/test-xian/catalogue.yml", CATALOGUE)
    r.write("data/catalogues/test-xian-donghu/catalogue.yml", TOWNSHIP)
    r.write(ENTRY_PATH, ENTRY)
    return r


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


@pytest.fixture
def gongkai(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run the CLI in-process, so that any traceback fails the test."""

    def run(root: Path, *args: str) -> Run:
        monkeypatch.chdir(root)
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def mkdocs_build(config_file: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """A real `mkdocs build --strict`, in a child process as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file), "-d", str(site)],
        capture_output=True, text=True, check=False, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def build_watched(code: str, config_file: Path, site: Path, **env: str) -> list[Any]:
    """`code` in a new Python with the config file and the site folder as its arguments: a build run there
    (mkdocs.commands.build) whose plugin and files the code looks into; what it printed, a JSON value a line."""
    proc = subprocess.run([sys.executable, "-c", code, str(config_file), str(site)], capture_output=True, text=True,
                          check=False, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env})
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped sample data built into a site, with its Pagefind index."""
    site = tmp_path_factory.mktemp("sample") / "site"
    proc = mkdocs_build(PROJECT / "mkdocs.yml", site)
    assert proc.returncode == 0, proc.stderr
    return site


def git(root: Path, *args: str, date: str = "2024-01-10T09:00:00+08:00", author: str = "县民政局 张三") -> str:
    """Run git in `root` with a fixed author and date, as a department's commit would have."""
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "dept@example.invalid",
           "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "dept@example.invalid",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=True)
    return proc.stdout


@pytest.fixture
def site_repo(repo: Repo) -> Repo:
    """The small repository as a site: mkdocs.yml, a docs page, and one commit of git history."""
    shutil.copy(PROJECT / "mkdocs.yml", repo.root / "mkdocs.yml")
    repo.write("docs/about.md", "# 关于\n")
    git(repo.root, "init", "-q", "-b", "main")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "初始目录")
    return repo


@pytest.fixture(scope="module")
def site_url(sample_site: Path) -> Iterator[str]:
    """The sample site served on localhost, for the browser tests."""
    from browser import serve

    with serve(sample_site) as url:
        yield url


@pytest.fixture(scope="module")
def desktop():
    """One headless Chromium window at desktop size, shared by a module's tests."""
    from browser import chrome

    driver = chrome(1280, 900)
    yield driver
    driver.quit()
