"""The audit trail, from real git repositories: create, edit a field, edit a list, rename, delete, re-add."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ENTRY, ENTRY_PATH, Repo, git, mkdocs_build
from gongkai.feeds import history_path, write_histories
from gongkai.history import read_history
from gongkai.schema import load_schemas

FOLDER = "data/catalogues/test-xian/shehui-jiuzhu"
ATOM = "{http://www.w3.org/2005/Atom}"


def other(title: str) -> str:
    return ENTRY.replace("最低生活保障", title)


@pytest.fixture
def history_repo(site_repo: Repo) -> Repo:
    """Six months of a department's work on its catalogue, committed as it would be."""
    root = site_repo.root
    git(root, "commit", "-q", "--amend", "-m", "初始目录", "--date", "2024-01-10T09:00:00+08:00")

    site_repo.write(ENTRY_PATH, ENTRY.replace("10个工作日内", "5个工作日内").replace("amount: 10", "amount: 5"))
    git(root, "commit", "-q", "-am", "缩短低保公开时限 (#3)", date="2024-02-01T10:00:00+08:00")

    git(root, "checkout", "-q", "-b", "channels")
    site_repo.write(ENTRY_PATH, (root / ENTRY_PATH).read_text(encoding="utf-8").replace("  - 公开查阅点", "  - 便民服务站"))
    git(root, "commit", "-q", "-am", "渠道", date="2024-02-28T16:00:00+08:00", author="县民政局 李四")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "channels", "-m", "Merge pull request #5 from minzheng/channels", "-m", "调整低保公开渠道",
        date="2024-03-01T09:30:00+08:00", author="县政务公开办 王五")

    git(root, "mv", ENTRY_PATH, f"{FOLDER}/dibao.yml")
    git(root, "commit", "-q", "-m", "事项文件改名", date="2024-04-01T09:00:00+08:00")

    site_repo.write(f"{FOLDER}/tekun.yml", other("特困人员救助供养"))
    site_repo.write(f"{FOLDER}/linshi.yml", other("临时救助"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "新增两个事项", date="2024-04-15T09:00:00+08:00")

    git(root, "rm", "-q", f"{FOLDER}/tekun.yml", f"{FOLDER}/linshi.yml")
    git(root, "commit", "-q", "-m", "撤销特困和临时救助事项", date="2024-05-01T09:00:00+08:00")

    site_repo.write(f"{FOLDER}/tekun.yml", other("特困人员救助供养"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "恢复特困事项", date="2024-06-01T09:00:00+08:00")
    return site_repo


def build(repo: Repo, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    proc = mkdocs_build(repo.root / "mkdocs.yml", site)
    assert proc.returncode == 0, proc.stderr
    return site


def text_of(site: Path, url: str) -> str:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def history_block(site: Path, url: str) -> str:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    block = html.split('id="gk-history-title"')[1].split("</section>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", block))


def test_entry_page_shows_every_change_newest_first_with_field_diffs(history_repo: Repo, tmp_path: Path) -> None:
    site = build(history_repo, tmp_path)
    block = history_block(site, "test-xian/shehui-jiuzhu/dibao")
    assert re.search(r"首次发布：2024-01-10；最近更新：2024-04-01（距今 \d+ 天）", block)
    order = [block.index(word) for word in ("移动", "调整低保公开渠道", "缩短低保公开时限", "首次发布 2024-01-10")]
    assert order == sorted(order), block
    assert "从 data/catalogues/test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang.yml 移到 data/catalogues/test-xian/shehui-jiuzhu/dibao.yml" in block
    assert "公开时限：制定或获取信息之日起10个工作日内 → 制定或获取信息之日起5个工作日内" in block
    assert "公开渠道和载体：增加“便民服务站”；删除“公开查阅点”" in block
    assert "县民政局 李四 · 调整低保公开渠道 · #5" in block, "a merged pull request is credited to its author, with its number"
    assert "缩短低保公开时限 · #3" in block
    assert "2024-02-01 10:00" in block


def test_only_removed_entries_keep_their_last_content(history_repo: Repo) -> None:
    """The entries still there have their content in the model; a second copy per entry would double it."""
    history = read_history(history_repo.root, load_schemas(history_repo.root / "schema")["entry"])
    removed = history.of("test-xian/shehui-jiuzhu/linshi")
    assert removed is not None and removed.removed and removed.last_data and removed.last_data["title"] == "临时救助"
    for kept in ("dibao", "tekun"):
        entry_history = history.of(f"test-xian/shehui-jiuzhu/{kept}")
        assert entry_history is not None and len(entry_history.changes) > 1 and entry_history.last_data is None


def test_deleted_and_readded_entry_keeps_one_history(history_repo: Repo, tmp_path: Path) -> None:
    site = build(history_repo, tmp_path)
    changes = history_block(site, "test-xian/shehui-jiuzhu/tekun").split("（JSON）")[1]
    assert re.findall(r"(重新发布|撤销|首次发布) \d{4}-\d{2}-\d{2}", changes) == ["重新发布", "撤销", "首次发布"]


def test_removed_entry_keeps_its_page_history_and_is_listed_but_not_searched(history_repo: Repo, tmp_path: Path) -> None:
    site = build(history_repo, tmp_path)
    page = (site / "test-xian/shehui-jiuzhu/linshi/index.html").read_text(encoding="utf-8")
    assert "临时救助<span class=\"gk-removed-mark\">（已撤销）</span>" in page
    assert "撤销特困和临时救助事项" in page and "2024-05-01" in page
    assert "制定或获取信息之日起10个工作日内" in page, "the last content stays readable"
    assert "data-pagefind-body" not in page
    catalogue = (site / "test-xian/index.html").read_text(encoding="utf-8")
    table_part, removed_part = catalogue.split('id="gk-removed"')
    assert "临时救助" not in table_part
    assert 'href="shehui-jiuzhu/linshi/"' in removed_part
    assert not (site / "pagefind").exists() or "linshi" not in (site / "pagefind" / "pagefind-entry.json").read_text()


def test_history_json_next_to_each_entry_page(history_repo: Repo, tmp_path: Path) -> None:
    site = build(history_repo, tmp_path)
    data = json.loads((site / "test-xian/shehui-jiuzhu/dibao/history.json").read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["entry"] == "test-xian/shehui-jiuzhu/dibao" and not data["removed"]
    assert [c["kind"] for c in data["changes"]] == ["renamed", "modified", "modified", "created"]
    assert data["changes"][1]["pull_request"] == 5
    assert data["changes"][2]["fields"][0]["label"] == "公开时限"
    removed = json.loads((site / "test-xian/shehui-jiuzhu/linshi/history.json").read_text(encoding="utf-8"))
    assert removed["removed"] is True


def test_versions_read_a_few_at_a_time_give_the_history_read_at_once(history_repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai import history as module

    schema = load_schemas(history_repo.root / "schema")["entry"]
    at_once = read_history(history_repo.root, schema)
    monkeypatch.setattr(module, "BLOBS_AT_ONCE", 1)
    batched = read_history(history_repo.root, schema)
    assert list(batched.entries) == list(at_once.entries) and len(at_once.entries) >= 3
    assert [module.as_data(h) for h in batched.entries.values()] == [module.as_data(h) for h in at_once.entries.values()]
    assert any(change.fields for h in at_once.entries.values() for change in h.changes), "field changes are compared"


@pytest.mark.parametrize("directory_urls", [True, False])
def test_history_files_written_by_workers_are_those_written_here(history_repo: Repo, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch, directory_urls: bool) -> None:
    history = read_history(history_repo.root, load_schemas(history_repo.root / "schema")["entry"])
    written = {}
    for parallel_from in ("1", "1000000"):
        monkeypatch.setenv("GONGKAI_PARALLEL_FROM", parallel_from)
        site = tmp_path / parallel_from
        paths = write_histories(history, site, directory_urls)
        assert paths == [history_path(entry_id, directory_urls) for entry_id in sorted(history.entries)]
        written[parallel_from] = {path: (site / path).read_bytes() for path in paths}
    assert written["1"] == written["1000000"] and len(written["1"]) == len(history.entries) >= 3
    assert json.loads(written["1"][history_path("test-xian/shehui-jiuzhu/dibao", directory_urls)])["entry"] == \
        "test-xian/shehui-jiuzhu/dibao"


def test_recent_changes_page_and_home(history_repo: Repo, tmp_path: Path) -> None:
    site = build(history_repo, tmp_path)
    changes = text_of(site, "changes")
    order = [changes.index(w) for w in ("恢复特困事项", "撤销特困和临时救助事项", "新增两个事项", "事项文件改名", "初始目录")]
    assert order == sorted(order)
    assert "最近更新" in text_of(site, "")


def test_atom_feeds_are_valid(history_repo: Repo, tmp_path: Path) -> None:
    site = build(history_repo, tmp_path)
    for path in ("feed.xml", "test-xian/feed.xml", "test-xian-donghu/feed.xml"):
        feed = ET.parse(site / path).getroot()
        assert feed.tag == f"{ATOM}feed"
        for name in ("id", "title", "updated"):
            assert feed.find(f"{ATOM}{name}") is not None and feed.find(f"{ATOM}{name}").text, (path, name)
        assert feed.find(f"{ATOM}link[@rel='self']") is not None
        entries = feed.findall(f"{ATOM}entry")
        has_feed_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
        ids = set()
        for entry in entries:
            for name in ("id", "title", "updated"):
                assert entry.find(f"{ATOM}{name}").text, (path, name)
            assert has_feed_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
            link = entry.find(f"{ATOM}link")
            assert link.get("rel", "alternate") == "alternate" and link.get("href").startswith("https://")
            assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$", entry.find(f"{ATOM}updated").text)
            ids.add(entry.find(f"{ATOM}id").text)
        assert len(ids) == len(entries), "entry ids are unique"
    site_feed = ET.parse(site / "feed.xml").getroot().findall(f"{ATOM}entry")
    assert len(site_feed) == 9  # dibao 4, tekun 3, linshi 2
    assert site_feed[0].find(f"{ATOM}title").text == "重新发布：特困人员救助供养"


def test_uncommitted_changes_show_as_uncommitted(history_repo: Repo, tmp_path: Path) -> None:
    path = history_repo.root / FOLDER / "dibao.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("subject: 县民政局", "subject: 县民政局社会救助股"), encoding="utf-8")
    site = build(history_repo, tmp_path)
    block = history_block(site, "test-xian/shehui-jiuzhu/dibao")
    assert block.index("未提交") < block.index("移动")
    assert "公开主体：县民政局 → 县民政局社会救助股" in block
    assert "最近更新：2024-04-01" in block, "an uncommitted edit is not credited to the last commit"


def test_shallow_clone_fails_the_build_with_how_to_fix(history_repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{history_repo.root}", str(clone))
    shutil.copytree(history_repo.root / "schema", clone / "schema", dirs_exist_ok=True)
    proc = mkdocs_build(clone / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0
    assert "浅克隆" in proc.stderr and "fetch-depth: 0" in proc.stderr


def test_copy_without_git_fails_unless_history_is_switched_off(history_repo: Repo, tmp_path_factory) -> None:
    tmp_path = tmp_path_factory.mktemp("elsewhere")  # outside the repository, which lives in tmp_path
    copy = tmp_path / "copy"
    shutil.copytree(history_repo.root, copy, ignore=shutil.ignore_patterns(".git"))
    proc = mkdocs_build(copy / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0
    assert "不是 git 仓库" in proc.stderr and "history: false" in proc.stderr

    config = copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - gongkai\n", "  - gongkai:\n      history: false\n"),
                      encoding="utf-8")
    site = tmp_path / "site2"
    proc = mkdocs_build(config, site)
    assert proc.returncode == 0, proc.stderr
    assert "变更记录不可用" in history_block(site, "test-xian/shehui-jiuzhu/dibao")


def test_gongkai_history_prints_the_same_history(history_repo: Repo, gongkai) -> None:
    result = gongkai(history_repo.root, "history", "test-xian/shehui-jiuzhu/dibao")
    assert result.code == 0
    lines = result.lines
    assert lines[0].startswith("事项 test-xian/shehui-jiuzhu/dibao")
    assert lines[1].startswith("2024-04-01 09:00  移动  县民政局 张三  事项文件改名")
    assert any(line.strip() == "公开渠道和载体：增加“便民服务站”；删除“公开查阅点”" for line in lines)
    as_json = json.loads(gongkai(history_repo.root, "history", f"{FOLDER}/dibao.yml", "--format", "json").out)
    assert as_json["changes"][-1]["kind"] == "created"
    missing = gongkai(history_repo.root, "history", "test-xian/shehui-jiuzhu/dibo")
    assert missing.code == 1 and "你是不是想查“test-xian/shehui-jiuzhu/dibao”" in missing.err
