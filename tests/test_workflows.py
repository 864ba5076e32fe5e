"""The GitHub workflows against the checklist (WORKFLOWS.md): zizmor and GitHub's workflow schema offline,
and a reading of the YAML for what those two do not cover."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import PROJECT

WORKFLOWS = PROJECT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.y*ml"))
CHECK = WORKFLOWS / "check.yml"
NIGHTLY = WORKFLOWS / "nightly.yml"
TOOLS = Path(sys.executable).parent

PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<comment>.*)$")
VERSION_COMMENT = re.compile(r"^\s+#\s*v\d+\.\d+\.\d+\s*$")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
TRUSTED_IN_RUN = re.compile(r"^(github\.sha|github\.run_id|runner\.[\w.]+)$")


def load_text(text: str) -> dict[str, Any]:
    data = yaml.safe_load(text)
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def load(path: Path) -> dict[str, Any]:
    return load_text(path.read_text(encoding="utf-8"))


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    tool = TOOLS / name
    assert tool.exists(), f"{tool} is missing: install requirements-dev.txt"
    return subprocess.run([str(tool), *args], capture_output=True, text=True, check=False, env={**os.environ, "NO_COLOR": "1"})


def test_both_workflows_exist() -> None:
    assert {p.name for p in FILES} >= {"check.yml", "nightly.yml"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_zizmor_finds_nothing(path: Path) -> None:
    proc = run_tool("zizmor", "--offline", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_matches_githubs_workflow_schema(path: Path) -> None:
    proc = run_tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_check_catches_a_misspelt_permissions_key(tmp_path: Path) -> None:
    """A misspelt `permisions:` is silently ignored by GitHub, which then grants the broad default token."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: pull_request\npermisions: {}\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: 'true'\n",
                   encoding="utf-8")
    proc = run_tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(bad))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "permisions" in proc.stdout + proc.stderr


def violations(text: str) -> list[str]:
    """The checklist items both workflows share that zizmor and the schema leave to us (1-6)."""
    workflow = load_text(text)
    found: list[str] = []
    if workflow.get("permissions") != {}:
        found.append("permissions: {} at the top")
    if "concurrency" not in workflow and not all("concurrency" in job for job in workflow["jobs"].values()):
        found.append("concurrency")
    for name, job in workflow["jobs"].items():
        if not isinstance(job.get("timeout-minutes"), int):
            found.append(f"{name}: timeout-minutes")
        if not job.get("runs-on") or "latest" in str(job["runs-on"]):
            found.append(f"{name}: an explicit runner label")
        if not isinstance(job.get("permissions"), dict):
            found.append(f"{name}: explicit permissions")
        elif job["permissions"].get("contents") == "write":
            found.append(f"{name}: contents: write")
        job_steps = job.get("steps", [])
        for i, step in enumerate(job_steps):
            if step.get("uses", "").startswith("actions/checkout@"):
                options = step.get("with", {})
                if options.get("persist-credentials") is not False:
                    found.append(f"{name}: checkout with persist-credentials: false")
                if options.get("fetch-depth") != 0:
                    found.append(f"{name}: checkout with fetch-depth: 0")
                if i + 1 >= len(job_steps) or "git rev-parse --is-shallow-repository" not in job_steps[i + 1].get("run", ""):
                    found.append(f"{name}: refuse a shallow clone right after checkout")
            for script in (step.get("run", ""), step.get("with", {}).get("script", "")):
                found += [f"{name}: ${{{{ {e} }}}} inside a script" for e in EXPRESSION.findall(script) if not TRUSTED_IN_RUN.match(e)]
                if re.search(r"\bpip3? install\b", script):
                    found.append(f"{name}: ad-hoc pip install")
                if "gh-deploy" in script:
                    found.append(f"{name}: mkdocs gh-deploy")
    uses_lines = [m for m in map(USES_LINE.match, text.splitlines()) if m]
    if len(uses_lines) != len([s for s in steps(workflow) if "uses" in s]):
        found.append("one `uses:` per line, in block style")
    for match in uses_lines:
        if not PINNED.match(match["ref"]) or not VERSION_COMMENT.match(match["comment"]):
            found.append(f"{match['ref']}: pin to a 40-hex commit with `# vX.Y.Z`")
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_checklist_items_zizmor_and_the_schema_leave_to_us(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8")) == []


GOOD = """\
on: pull_request
permissions: {}
concurrency: {group: x, cancel-in-progress: true}
jobs:
  x:
    runs-on: ubuntu-24.04
    timeout-minutes: 5
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2
        with:
          persist-credentials: false
          fetch-depth: 0
      - run: test "$(git rev-parse --is-shallow-repository)" = false
      - run: echo "${{ github.sha }}"
"""


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("permissions: {}\n", "", "permissions: {} at the top"),
    ("    timeout-minutes: 5\n", "", "x: timeout-minutes"),
    ("ubuntu-24.04", "ubuntu-latest", "x: an explicit runner label"),
    ("      contents: read", "      contents: write", "x: contents: write"),
    ("persist-credentials: false", "persist-credentials: true", "x: checkout with persist-credentials: false"),
    ("fetch-depth: 0", "fetch-depth: 1", "x: checkout with fetch-depth: 0"),
    ("@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2", "@v4", "actions/checkout@v4: pin to a 40-hex commit with `# vX.Y.Z`"),
    ("  # v4.2.2", "", "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683: pin to a 40-hex commit with `# vX.Y.Z`"),
    ("github.sha", "github.event.pull_request.title", "x: ${{ github.event.pull_request.title }} inside a script"),
    ('echo "${{ github.sha }}"', "pip install requests", "x: ad-hoc pip install"),
], ids=["top-permissions", "timeout", "runner", "contents-write", "credentials", "fetch-depth", "unpinned", "no-version",
        "untrusted-expression", "pip-install"])
def test_the_checklist_test_catches_each_mistake(old: str, new: str, expected: str) -> None:
    assert violations(GOOD) == []
    assert GOOD.count(old) == 1
    assert expected in violations(GOOD.replace(old, new))


def test_pull_request_check_is_unprivileged() -> None:
    workflow = load(CHECK)
    text = CHECK.read_text(encoding="utf-8")
    assert set(workflow["on"]) == {"pull_request"}
    assert "secrets." not in text
    for job in workflow["jobs"].values():
        assert job["permissions"] == {"contents": "read"}
    runs = "\n".join(s.get("run", "") for s in steps(workflow))
    assert "mkdocs build --strict" in runs and "./scripts/test" in runs
    assert "gongkai check-links site" in runs and "gongkai codeowners --check" in runs
    assert "deploy" not in " ".join(s.get("uses", "") for s in steps(workflow))


def test_pull_request_check_writes_the_review_summary_from_env() -> None:
    step = next(s for s in steps(load(CHECK)) if "gongkai review" in s.get("run", ""))
    assert step["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}",
                           "HEAD_SHA": "${{ github.event.pull_request.head.sha }}"}
    assert '--base "$BASE_SHA" --head "$HEAD_SHA"' in step["run"] and '"$GITHUB_STEP_SUMMARY"' in step["run"]


def test_caches_flow_only_from_the_nightly_to_pull_requests() -> None:
    """Item 13: the pull-request check restores and never saves; the nightly saves the download caches and
    restores only its own link-check results, which no pull request can write (the check runs on pull_request only)."""
    check_uses = [s["uses"] for s in steps(load(CHECK)) if "uses" in s and "cache" in s["uses"]]
    assert check_uses and all(u.startswith("actions/cache/restore@") for u in check_uses)
    assert set(load(CHECK)["on"]) == {"pull_request"}
    restored = []
    for step in steps(load(NIGHTLY)):
        uses = step.get("uses", "")
        assert not uses.startswith("actions/cache@")
        assert not uses.startswith("actions/setup-")  # their cache option restores
        if uses.startswith("actions/cache/restore@") and not step["with"].get("lookup-only"):
            restored.append(step["with"])
    assert restored == [{"path": ".cache/gongkai", "key": "urls-${{ github.run_id }}", "restore-keys": "urls-"}]
    downloads = [s["with"]["key"] for s in steps(load(CHECK)) if s.get("uses", "").startswith("actions/cache/restore@")]
    assert downloads and not any(key.startswith("urls-") for key in downloads)


def test_the_nightly_checks_external_links_without_blocking_on_them() -> None:
    build = load(NIGHTLY)["jobs"]["build"]["steps"]
    check = next(s for s in build if "gongkai check-urls" in s.get("run", ""))
    assert check["continue-on-error"] is True
    names = [s.get("id") for s in build]
    assert names.index("check-urls") < names.index("build-site")


def test_nightly_builds_then_deploys_separately() -> None:
    workflow = load(NIGHTLY)
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert workflow["on"]["schedule"]
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"].get("contents") == "read"
    assert set(build["permissions"].values()) == {"read"}
    assert deploy["needs"] in ("build", ["build"])
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    environment = deploy["environment"]
    assert (environment if isinstance(environment, str) else environment["name"]) == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    for name, job in workflow["jobs"].items():
        if name != "deploy":
            assert not {"pages", "id-token"} & {k for k, v in job["permissions"].items() if v == "write"}


def test_nightly_checks_everything_before_the_upload() -> None:
    build = load(NIGHTLY)["jobs"]["build"]
    order = [s.get("run", "") + s.get("uses", "") for s in build["steps"]]
    upload = next(i for i, s in enumerate(order) if s.startswith("actions/upload-pages-artifact@"))
    for needed in ("gongkai validate", "mkdocs build --strict", "gongkai check-links site", "gongkai check-markup site",
                   "find site -type l", "./scripts/test"):
        found = [i for i, s in enumerate(order) if needed in s]
        assert found and found[0] < upload, f"{needed} before the upload"
    build_step = next(s for s in build["steps"] if "mkdocs build --strict" in s.get("run", ""))
    assert "GONGKAI_BUILD_TIME" in build_step["env"]


def test_nightly_reports_failures_in_an_issue() -> None:
    jobs = load(NIGHTLY)["jobs"]
    writers = [name for name, job in jobs.items() if job["permissions"].get("issues") == "write"]
    assert len(writers) == 1
    report = jobs[writers[0]]
    assert set(report["needs"]) == {"build", "deploy"} and "always()" in report["if"]
    assert report["permissions"] == {"issues": "write"}
    script = report["steps"][0]["run"]
    assert "gh issue create" in script and "gh issue close" in script and "gh issue comment" in script
    assert "FAILED_STEP" in report["steps"][0]["env"]


def test_nightly_warns_before_the_schedule_is_disabled() -> None:
    runs = "\n".join(s.get("run", "") for s in load(NIGHTLY)["jobs"]["build"]["steps"])
    assert "git log -1 --format=%ct" in runs and "-ge 50" in runs and "::warning" in runs
