"""The repository cannot be turned against the build: links out of it, LFS pointers, submodules, colliding ids,
oversized pull requests, and a failed build that must leave the previous site untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ENTRY, ENTRY_PATH, Repo, git, mkdocs_build
from gongkai.repocheck import site_links

FOLDER = "data/catalogues/test-xian/shehui-jiuzhu"


def test_a_symlink_under_data_to_a_file_outside_the_repository_is_refused(repo: Repo, gongkai, tmp_path_factory) -> None:
    secret = tmp_path_factory.mktemp("outside") / "secret.yml"
    secret.write_text(ENTRY.replace("最低生活保障", "机密"), encoding="utf-8")
    (repo.root / FOLDER / "jimi.yml").symlink_to(secret)
    result = gongkai(repo.root, "validate")
    assert result.code == 1
    line = next(line for line in result.lines if line.startswith(f"{FOLDER}/jimi.yml:1:1: "))
    assert "符号链接" in line and str(secret) in line
    assert "机密" not in result.out  # never read what it points to


def test_a_symlinked_folder_under_docs_is_refused_and_the_build_fails(site_repo: Repo, tmp_path: Path) -> None:
    outside = tmp_path / "etc"
    outside.mkdir()
    (outside / "passwd.md").write_text("# 不该发布\n", encoding="utf-8")
    (site_repo.root / "docs" / "extra").symlink_to(outside, target_is_directory=True)
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0
    assert "docs/extra:1:1: 字段 （整个文件）: 这是一个符号链接" in proc.stderr
    assert not (tmp_path / "site").exists()


def test_site_links_finds_links_in_a_built_site(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "a" / "leak.html").symlink_to("/etc/hostname")
    (tmp_path / "b").symlink_to(tmp_path / "a", target_is_directory=True)
    assert site_links(tmp_path) == ["a/leak.html", "b"]


def test_git_lfs_pointers_under_data_are_explained(repo: Repo, gongkai) -> None:
    repo.write(f"{FOLDER}/lfs.yml", "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 12345\n")
    result = gongkai(repo.root, "validate")
    assert result.code == 1
    assert any(line.startswith(f"{FOLDER}/lfs.yml:1:1: ") and "Git LFS 指针" in line and "git lfs untrack" in line
               for line in result.lines), result.out


def test_submodules_under_data_are_refused(repo: Repo, gongkai) -> None:
    nested = repo.root / "data/catalogues/test-xian/vendor"
    nested.mkdir()
    (nested / ".git").write_text("gitdir: ../../../.git/modules/vendor\n", encoding="utf-8")
    repo.write(".gitmodules", '[submodule "vendor"]\n\tpath = data/catalogues/test-xian/vendor\n\turl = https://example.invalid/x.git\n')
    result = gongkai(repo.root, "validate")
    assert result.code == 1
    assert any(line.startswith("data/catalogues/test-xian/vendor/.git:1:1: ") and "子模块" in line for line in result.lines), result.out
    assert any(line.startswith(".gitmodules:2:1: ") and "git rm" in line for line in result.lines), result.out


@pytest.mark.parametrize("name", ["Zuidi-shenghuo-baozhang", "ｚｕｉｄｉ-shenghuo-baozhang", "zuidi-shenghuo-baozhang\u200b"])
def test_two_entries_whose_ids_differ_by_case_or_normalisation_are_refused(repo: Repo, gongkai, name: str) -> None:
    repo.write(f"{FOLDER}/{name}.yml", ENTRY.replace("最低生活保障", "另一个"))
    result = gongkai(repo.root, "validate")
    assert result.code == 1
    assert any(line.startswith(f"{FOLDER}/{name}.yml:1:1: ") and "只能用小写英文字母" in line for line in result.lines), result.out


@pytest.mark.parametrize("name", ["con", "aux", "nul", "index", "com1"])
def test_reserved_file_names_are_refused(repo: Repo, gongkai, name: str) -> None:
    repo.write(f"{FOLDER}/{name}.yml", ENTRY.replace("最低生活保障", "保留名"))
    result = gongkai(repo.root, "validate")
    assert result.code == 1
    assert any(line.startswith(f"{FOLDER}/{name}.yml:1:1: ") and "保留" in line for line in result.lines), result.out


@pytest.mark.parametrize("folder", ["jiandu", "changes", "contribute", "search"])
def test_catalogue_folders_named_like_site_sections_are_refused(repo: Repo, gongkai, folder: str) -> None:
    repo.write(f"data/catalogues/{folder}/catalogue.yml", (repo.root / "data/catalogues/test-xian/catalogue.yml").read_text("utf-8"))
    result = gongkai(repo.root, "validate")
    assert result.code == 1
    assert any(line.startswith(f"data/catalogues/{folder}/catalogue.yml:1:1: ") and "保留" in line for line in result.lines)


def test_a_failed_build_leaves_the_previous_site_untouched(site_repo: Repo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", site)
    assert proc.returncode == 0, proc.stderr
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang/index.html" in before

    # fails late, after every page was written: a broken internal link found on the built site
    site_repo.write("docs/about.md", '# 关于\n\n<a href="../nowhere/">坏链接</a>\n')
    site_repo.write(ENTRY_PATH, ENTRY.replace("title: 最低生活保障", "title: 改过的标题"))
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", site)
    assert proc.returncode != 0 and "站内链接失效" in proc.stderr
    assert {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("site.")]

    # fails early, on the data
    site_repo.write(ENTRY_PATH, ENTRY.replace("mode: 主动", "mode: 公开"))
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", site)
    assert proc.returncode != 0 and "数据检查未通过" in proc.stderr
    assert {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before

    site_repo.write("docs/about.md", "# 关于\n")
    site_repo.write(ENTRY_PATH, ENTRY.replace("title: 最低生活保障", "title: 改过的标题"))
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", site)
    assert proc.returncode == 0, proc.stderr
    assert "改过的标题" in (site / "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang/index.html").read_text("utf-8")
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("site.")]


def test_oversized_pull_requests_are_refused(site_repo: Repo, gongkai) -> None:
    root = site_repo.root
    base = git(root, "rev-parse", "HEAD").strip()
    site_repo.write(f"{FOLDER}/linshi.yml", ENTRY.replace("最低生活保障", "临时救助"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "一个事项")
    small = gongkai(root, "check-size", "--base", base)
    assert small.code == 0 and small.out.startswith("修改了 1 个文件")
    (root / "data/big.bin").write_bytes(os.urandom(9 * 1024 * 1024))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "误提交")
    big = gongkai(root, "check-size", "--base", base)
    assert big.code == 1
    assert "这个修改请求太大" in big.err and "data/big.bin（9216 KB）" in big.err and "请拆成几个较小的修改请求" in big.err
    assert gongkai(root, "check-size", "--base", "no-such-commit").code == 2
