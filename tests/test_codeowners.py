"""`gongkai codeowners`: CODEOWNERS generated from the catalogues' reviewers, and the staleness check CI runs."""

from __future__ import annotations

from pathlib import Path

from conftest import CATALOGUE, PROJECT, Repo
from gongkai.codeowners import CODEOWNERS, MAINTAINERS_MARK

MAINTAINER_ONLY = ["/.github/", "/schema/", "/plugins/", "/scripts/", "/mkdocs.yml", "/.gitattributes", "/.github/CODEOWNERS",
                   "/requirements*.txt", "/pyproject.toml", "/tools/", "/docs/", "/data/domains/"]
"""WORKFLOWS.md item 12 and the brief: what only the maintainers may approve."""


def rules(text: str) -> list[tuple[str, list[str]]]:
    """(pattern, owners) per rule line, in order (GitHub applies the last matching one)."""
    return [(line.split()[0], line.split()[1:]) for line in text.splitlines() if line.strip() and not line.startswith("#")]


def owners_of(text: str, pattern: str) -> list[str]:
    return [owners for p, owners in rules(text) if p == pattern][-1]


def generate(gongkai, repo: Repo, *maintainers: str) -> str:
    result = gongkai(repo.root, "codeowners", "--maintainers", *maintainers)
    assert result.code == 0, result.err
    return (repo.root / CODEOWNERS).read_text(encoding="utf-8")


def test_generated_rules(gongkai, repo: Repo) -> None:
    text = generate(gongkai, repo, "@maint", "org/gongkai-team")
    maintainers = ["@maint", "@org/gongkai-team"]
    found = rules(text)
    assert found[0] == ("*", maintainers)
    assert found[-2:] == [("/data/catalogues/test-xian/", ["@test-reviewer"]),
                          ("/data/catalogues/test-xian-donghu/", ["@donghu"])]
    assert ("/data/catalogues/", maintainers) in found
    for pattern in MAINTAINER_ONLY:
        assert owners_of(text, pattern) == maintainers, pattern
    assert f"{MAINTAINERS_MARK} @maint @org/gongkai-team" in text.splitlines()
    assert "gongkai codeowners" in text.splitlines()[0]


def test_reviewers_sorted_and_each_once(gongkai, repo: Repo) -> None:
    repo.write("data/catalogues/test-xian/catalogue.yml", CATALOGUE + "  - name: 县民政局\n    github: Zed-min\n"
               "  - name: 县财政局\n    github: alpha-cz\n  - name: 重复\n    github: test-reviewer\n")
    text = generate(gongkai, repo, "@maint")
    assert owners_of(text, "/data/catalogues/test-xian/") == ["@alpha-cz", "@test-reviewer", "@Zed-min"]


def test_output_is_deterministic(gongkai, repo: Repo) -> None:
    first = generate(gongkai, repo, "@maint")
    assert gongkai(repo.root, "codeowners").code == 0  # maintainers read back from the file
    assert (repo.root / CODEOWNERS).read_text(encoding="utf-8") == first
    assert [p.name for p in (repo.root / ".github").iterdir()] == ["CODEOWNERS"]  # no temporary file left


def test_check_passes_on_fresh_output(gongkai, repo: Repo) -> None:
    generate(gongkai, repo, "@maint")
    result = gongkai(repo.root, "codeowners", "--check")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_check_fails_after_a_reviewer_changes(gongkai, repo: Repo) -> None:
    before = generate(gongkai, repo, "@maint")
    repo.write("data/catalogues/test-xian/catalogue.yml", CATALOGUE.replace("test-reviewer", "new-reviewer"))
    result = gongkai(repo.root, "codeowners", "--check")
    assert result.code == 1
    assert f"{CODEOWNERS} 不是最新的" in result.err
    assert "-/data/catalogues/test-xian/" in result.err and "@new-reviewer" in result.err
    assert "请在仓库根目录运行 gongkai codeowners" in result.err
    assert (repo.root / CODEOWNERS).read_text(encoding="utf-8") == before  # --check writes nothing
    assert gongkai(repo.root, "codeowners").code == 0
    assert gongkai(repo.root, "codeowners", "--check").code == 0


def test_check_without_the_file(gongkai, repo: Repo) -> None:
    result = gongkai(repo.root, "codeowners", "--check")
    assert result.code == 1 and "gongkai codeowners --maintainers" in result.err


def test_maintainers_are_required_and_well_formed(gongkai, repo: Repo) -> None:
    result = gongkai(repo.root, "codeowners")
    assert result.code == 2 and "没有维护者" in result.err
    result = gongkai(repo.root, "codeowners", "--maintainers", "@not a handle!")
    assert result.code == 2 and "维护者账号格式不对" in result.err
    assert not (repo.root / CODEOWNERS).exists()


def test_broken_catalogue_stops_generation(gongkai, repo: Repo) -> None:
    repo.write("data/catalogues/test-xian/catalogue.yml", "name: 只有名字\n")
    result = gongkai(repo.root, "codeowners", "--maintainers", "@maint")
    assert result.code == 2
    assert "data/catalogues/test-xian/catalogue.yml" in result.err and "gongkai validate" in result.err


def test_shipped_codeowners_is_up_to_date(gongkai) -> None:
    result = gongkai(PROJECT, "codeowners", "--check")
    assert result.code == 0, result.err


def test_shipped_codeowners_gives_each_catalogue_to_its_reviewers_alone() -> None:
    text = (PROJECT / CODEOWNERS).read_text(encoding="utf-8")
    maintainers = owners_of(text, "*")
    for pattern in MAINTAINER_ONLY:
        assert owners_of(text, pattern) == maintainers, pattern
    for folder in sorted(Path(PROJECT / "data" / "catalogues").iterdir()):
        owners = owners_of(text, f"/data/catalogues/{folder.name}/")
        assert owners and not set(owners) & set(maintainers)
