"""The command line: output formats, targets, exit codes, never a traceback, never a write."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ENTRY, ENTRY_PATH, Repo


def _break(repo: Repo) -> None:
    repo.write(ENTRY_PATH, ENTRY.replace("mode: 主动", "mode: 主动公开"))
    repo.write("data/catalogues/test-xian/shehui-jiuzhu/other.yml", ENTRY.replace("最低生活保障", "特困").replace("subject: 县民政局\n", ""))


def test_valid_repository_exits_0_silently(repo: Repo, gongkai) -> None:
    result = gongkai(repo.root, "validate")
    assert (result.code, result.out) == (0, "")


def test_github_format_prints_workflow_annotations(repo: Repo, gongkai) -> None:
    _break(repo)
    result = gongkai(repo.root, "validate", "--format", "github")
    assert result.code == 1
    assert any(line.startswith(f"::error file={ENTRY_PATH},line=21,col=1,title=字段 mode（公开方式）::") for line in result.lines)
    assert all(line.startswith("::error file=") for line in result.lines)


def test_json_format_is_versioned_and_complete(repo: Repo, gongkai) -> None:
    _break(repo)
    result = gongkai(repo.root, "validate", "--format", "json")
    data = json.loads(result.out)
    assert data["version"] == 1
    fields = {(p["path"], p["line"], p["field"].split("（")[0]) for p in data["problems"]}
    assert (ENTRY_PATH, 21, "mode") in fields
    assert ("data/catalogues/test-xian/shehui-jiuzhu/other.yml", 1, "subject") in fields
    assert all(p["severity"] == "error" and p["message"] for p in data["problems"])


def test_targets_limit_what_is_reported(repo: Repo, gongkai) -> None:
    _break(repo)
    only = gongkai(repo.root, "validate", ENTRY_PATH)
    assert only.code == 1
    assert {line.split(":")[0] for line in only.lines[:-1]} == {ENTRY_PATH}
    folder = gongkai(repo.root, "validate", "data/catalogues/test-xian/")
    assert len(folder.lines) == 3
    domains = gongkai(repo.root, "validate", "data/domains")
    assert (domains.code, domains.out) == (0, "")


def test_missing_target_is_a_usage_error(repo: Repo, gongkai) -> None:
    result = gongkai(repo.root, "validate", "data/nope.yml")
    assert result.code == 2
    assert "找不到文件或文件夹" in result.err


def test_validation_never_writes(repo: Repo, gongkai) -> None:
    _break(repo)
    repo.write_bytes("data/catalogues/test-xian/shehui-jiuzhu/gbk.yml", ENTRY.encode("gbk"))
    repo.write_bytes("data/catalogues/test-xian/shehui-jiuzhu/bom.yml", b"\xef\xbb\xbf" + ENTRY.encode())

    def snapshot():
        return {
            p: (p.stat().st_mtime_ns, p.read_bytes())
            for p in repo.root.rglob("*")
            if p.is_file()
        }

    before = snapshot()
    gongkai(repo.root, "validate")
    assert snapshot() == before


def test_installed_command_runs_without_traceback(repo: Repo) -> None:
    repo.write_bytes(ENTRY_PATH, ENTRY.encode("gbk"))
    repo.write("data/catalogues/test-xian/shehui-jiuzhu/x.yml", "a: [\n")
    script = "import sys; from gongkai.cli import main; sys.exit(main())"
    proc = subprocess.run([sys.executable, "-c", script, "validate"], cwd=repo.root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "GBK" in proc.stdout and "x.yml:2:1" in proc.stdout


def test_outside_a_repository(tmp_path, gongkai) -> None:
    result = gongkai(tmp_path, "validate")
    assert result.code == 2
    assert "找不到仓库" in result.err
