"""A real mkdocs build runs the same validation as `gongkai validate`."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ENTRY, ENTRY_PATH, PROJECT, Repo, mkdocs_build


def test_bad_data_fails_the_build_with_the_validator_messages(repo: Repo, tmp_path: Path) -> None:
    shutil.copy(PROJECT / "mkdocs.yml", repo.root / "mkdocs.yml")
    repo.write("docs/index.md", "# 测试\n")
    repo.write(ENTRY_PATH, ENTRY.replace("mode: 主动", "mode: 主动公开"))
    proc = mkdocs_build(repo.root / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0
    assert f"{ENTRY_PATH}:21:1: 字段 mode（公开方式）: “主动公开”不是允许的值" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_serve_watches_data_and_schema(tmp_path: Path) -> None:
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    config = load_config(str(PROJECT / "mkdocs.yml"))
    plugin = config.plugins["gongkai"]
    plugin.on_config(config)
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    watched = []
    server.watch = lambda path, *args, **kwargs: watched.append(path)  # record instead of starting watchers
    try:
        plugin.on_serve(server, config=config, builder=lambda: None)
    finally:
        server.server_close()
    assert str(PROJECT / "data") in watched and str(PROJECT / "schema") in watched
