"""`mkdocs serve --dirty` (scripts/serve): an edited entry shows without building the whole site again."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ENTRY_PATH, Repo

PAGE = "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang/"


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


@pytest.fixture
def served(site_repo: Repo, tmp_path: Path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path / "serve.log"
    with open(log, "w", encoding="utf-8") as stream:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--strict",
                                 "-a", f"127.0.0.1:{port}"], cwd=site_repo.root, stdout=stream, stderr=subprocess.STDOUT,
                                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        try:
            until(lambda: "Serving on http" in log.read_text(encoding="utf-8"), 120)
            base = log.read_text(encoding="utf-8").split("Serving on ", 1)[1].split()[0]  # site_url's path included
            until(lambda: "data-pagefind-body" in fetch(base + PAGE), 60)
            time.sleep(1.5)  # the first build's file events settle
            yield base, (lambda: log.read_text(encoding="utf-8"))
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_an_edited_entry_regenerates_its_own_pages_only(served, site_repo: Repo) -> None:
    base, log = served
    entry = site_repo.root / ENTRY_PATH
    entry.write_text(entry.read_text(encoding="utf-8").replace("title: 最低生活保障", "title: 最低生活保障（修订）"),
                     encoding="utf-8")
    until(lambda: "最低生活保障（修订）" in fetch(base + PAGE))
    until(lambda: "最低生活保障（修订）" in fetch(base + "test-xian/"))
    assert "最低生活保障（修订）" in fetch(base + "jiandu/test-xian/")
    quick = [line for line in log().splitlines() if "只重新生成改动涉及的" in line]
    assert quick and "1 个事项有改动" in quick[-1], log()[-3000:]
    assert "Error" not in log() and "Aborted" not in log(), log()[-3000:]


def test_a_catalogue_edit_builds_everything_again(served, site_repo: Repo) -> None:
    base, log = served
    catalogue = site_repo.root / "data/catalogues/test-xian/catalogue.yml"
    text = catalogue.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name: "))
    catalogue.write_text(text.replace(name, name + "（新）", 1), encoding="utf-8")
    until(lambda: "（新）" in fetch(base + PAGE))
    assert "（新）" in fetch(base + "test-xian/")
    assert not [line for line in log().splitlines() if "只重新生成改动涉及的" in line], log()[-3000:]
