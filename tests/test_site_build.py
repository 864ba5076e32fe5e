"""A real mkdocs build runs the same validation as `gongkai validate`."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ENTRY, ENTRY_PATH, PROJECT, Repo, build_watched, mkdocs_build


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


def test_entry_pages_poured_into_the_shell_equal_the_theme_rendered_ones(tmp_path: Path, monkeypatch) -> None:
    """fast_pages writes generated pages into the theme output cut from one of each group; the slow way must give the
    same bytes."""
    import gzip

    monkeypatch.setenv("GONGKAI_BUILD_TIME", "2026-12-01T02:30:00+00:00")
    monkeypatch.setenv("GONGKAI_PARALLEL_FROM", "1")  # the fast build also takes the multi-process way of every stage
    sample_site = tmp_path / "fast"
    proc = mkdocs_build(PROJECT / "mkdocs.yml", sample_site)
    assert proc.returncode == 0, proc.stderr
    assert "entry pages into the shell" in proc.stderr
    assert "按常规方式逐页生成" not in proc.stderr, "a shell was cut for every group (entries, 最近更新, 监督)"
    monkeypatch.delenv("GONGKAI_PARALLEL_FROM")

    project = tmp_path / "slow"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns(".venv", "site", "test-artifacts", ".git", "node_modules"))
    shutil.copytree(PROJECT / ".git", project / ".git")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - gongkai\n", "  - gongkai:\n      fast_pages: false\n"),
                      encoding="utf-8")
    slow = tmp_path / "slow-site"
    proc = mkdocs_build(config, slow)
    assert proc.returncode == 0, proc.stderr
    assert "entry pages into the shell" not in proc.stderr
    fast_files = {p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*") if p.is_file()}
    slow_files = {p.relative_to(slow).as_posix() for p in slow.rglob("*") if p.is_file()}
    assert fast_files == slow_files
    entries = [f for f in fast_files if f.count("/") == 3 and f.endswith("/index.html")]
    assert len(entries) > 150
    for name in sorted(fast_files):
        if name.endswith((".xlsx", ".zip")):
            continue  # workbooks carry the time they were written (and the download bundle holds one)
        a, b = (sample_site / name).read_bytes(), (slow / name).read_bytes()
        if name.endswith(".gz"):
            a, b = gzip.decompress(a), gzip.decompress(b)
        assert a == b, name


def test_a_site_without_directory_urls_links_its_history_files_and_indexes_its_entries(site_repo: Repo, tmp_path: Path) -> None:
    import json

    config = site_repo.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "use_directory_urls: false\n", encoding="utf-8")
    site = tmp_path / "site"
    proc = mkdocs_build(config, site)
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = (site / "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang.html").read_text(encoding="utf-8")
    assert 'href="zuidi-shenghuo-baozhang.history.json"' in page
    assert 'role="search" action="../../search.html"' in page, "the header's search box sends the query to the search page"
    assert 'action="search.html"' in (site / "search.html").read_text(encoding="utf-8")
    assert (site / "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang.history.json").is_file()
    entry = json.loads((site / "pagefind/c/test-xian/pagefind-entry.json").read_text(encoding="utf-8"))
    assert sum(language["page_count"] for language in entry["languages"].values()) == 1


def test_the_build_leaves_pinyin_to_a_python_of_its_own_and_gets_the_slugs_pypinyin_gives(tmp_path: Path) -> None:
    """pypinyin's dictionaries (57 MB) would stay in the build and in every worker forked after it; the build
    asks another Python for the syllables, and the department slugs and the form's pinyin table come out the same."""
    from pypinyin import lazy_pinyin

    from gongkai.paths import Layout, slugify
    from gongkai.supervision import supervise
    from gongkai.validate import validate

    site = tmp_path / "site"
    code = ("import runpy, sys\n"
            f"sys.argv = ['mkdocs', 'build', '--strict', '-f', {str(PROJECT / 'mkdocs.yml')!r}, '-d', {str(site)!r}]\n"
            "try:\n    runpy.run_module('mkdocs', run_name='__main__')\n"
            "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print('pypinyin' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=PROJECT,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "False"

    table = json.loads((site / "assets/gongkai/pinyin.json").read_text(encoding="utf-8"))
    assert len(table) >= 3755
    assert {char: lazy_pinyin(char, errors="default")[0] for char in table} == table
    repository = validate(Layout(PROJECT)).repository
    expected: list[str] = []
    for name in supervise(repository, dt.date(2024, 6, 30)).departments():
        expected.append(slugify(name, expected))
    assert len(expected) > 5
    assert sorted(expected) == sorted(p.name for p in (site / "jiandu/bumen").iterdir() if p.is_dir())


def test_generated_pages_and_files_let_go_of_their_content_once_written(site_repo: Repo, tmp_path: Path) -> None:
    """MkDocs keeps every page's content, and a generated file's, to the end of the build; ours need not."""
    code = ("import json, sys\n"
            "from mkdocs.commands.build import build\n"
            "from mkdocs.config import load_config\n"
            "config = load_config(sys.argv[1], site_dir=sys.argv[2])\n"
            "config.plugins.on_startup(command='build', dirty=False)\n"
            "build(config)\n"
            "plugin = config.plugins['gongkai']\n"
            "print(json.dumps([f.src_uri for f in plugin.files if not f.is_documentation_page() and f._content is not None]))\n"
            "print(json.dumps({f.src_uri: f.page.content is not None for f in plugin.files.documentation_pages() if f.page}))\n"
            "import gc\n"
            "from mkdocs.structure.files import File\n"
            "gc.unfreeze()  # the build froze the model and the history out of the collector's sight\n"
            "gc.collect()\n"
            "print(json.dumps([sum(bool(s) for s in plugin.shells.values()), sum(isinstance(o, File) for o in gc.get_objects()),\n"
            "                  len(plugin.files)]))\n"
            "print(json.dumps([len(plugin.bulk), sum(bool(s.context) for s in plugin.specs.values()), len(plugin.history.entries)]))\n"
            "print(json.dumps([m for m in ('feedgen', 'lxml', 'icalendar', 'xlsxwriter', 'zxingcpp') if m in sys.modules]))\n")
    forking = {"GONGKAI_PARALLEL_FROM": "1"}  # as a county's site is built
    held, kept, (poured, made, known), after, loaded = build_watched(code, site_repo.root / "mkdocs.yml", tmp_path / "site",
                                                                     **forking)[-5:]
    assert after == [0, 0, 0], "once the pages are written, the build lets go of what only they needed"
    assert loaded == [], "the feeds, calendars, workbooks and posters are made in processes of their own, with their libraries"
    assert held == [], "generated files are written into the site folder, not held in memory"
    assert poured > 0 and made == known, "a poured page's File is made as it is poured, and not kept"
    assert kept["about.md"] is True, "a hand-written page is left as MkDocs has it"
    generated = [src for src in kept if src.startswith(("test-xian/", "catalogues/", "domains/"))]
    assert len(generated) >= 3 and not any(kept[src] for src in generated), kept
    assert (tmp_path / "site/test-xian/index.html").read_text(encoding="utf-8").count("最低生活保障") >= 1
    assert json.loads((tmp_path / "site/test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang/history.json").read_text(encoding="utf-8"))


def test_generated_pages_get_their_content_only_when_the_theme_renders_them(site_repo: Repo, tmp_path: Path) -> None:
    """MkDocs reads every page's content before it renders the first into the theme; ours wait for their turn."""
    code = ("import json, sys\n"
            "from mkdocs.commands import build as steps\n"
            "from mkdocs.config import load_config\n"
            "held = {}\n"
            "build_page = steps._build_page\n"
            "def first(page, config, doc_files, *args, **kwargs):\n"
            "    if not held:\n"
            "        held.update({f.src_uri: len(f.page.content or '') for f in doc_files if f.page})\n"
            "    return build_page(page, config, doc_files, *args, **kwargs)\n"
            "steps._build_page = first\n"
            "steps.build(load_config(sys.argv[1], site_dir=sys.argv[2]))\n"
            "print(json.dumps(held))\n")
    held = build_watched(code, site_repo.root / "mkdocs.yml", tmp_path / "site")[-1]
    assert held["about.md"] > 0, "a hand-written page is read as MkDocs reads it"
    generated = [src for src in held if src.startswith(("test-xian/", "catalogues/", "domains/"))]
    assert len(generated) >= 3 and not any(held[src] for src in generated), held
    assert "最低生活保障" in (tmp_path / "site/test-xian/index.html").read_text(encoding="utf-8")
