"""The audit trail: every change to every entry, read from git in one pass.

One `git log` over the main line (first parents, so a merged pull request counts as one
change by its author, with its number), with raw diffs and rename detection, lists every
blob an entry file ever had; one `git cat-file --batch` streams the contents needed for
field-level diffs. Uncommitted edits in the working tree show as 未提交.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from .collector import collector_paused
from .diff import FieldChange, field_changes
from .loader import parse_text
from .paths import Place, place_of
from .schema import Schema

ChangeKind = Literal["created", "modified", "renamed", "removed", "restored", "uncommitted"]
KIND_LABELS: dict[str, str] = {
    "created": "首次发布", "modified": "修改", "renamed": "移动", "removed": "撤销", "restored": "重新发布",
    "uncommitted": "未提交",
}
_PR_MERGE = re.compile(r"^Merge pull request #(\d+)")
_PR_SQUASH = re.compile(r"\(#(\d+)\)\s*$")
_ZERO = "0" * 40


class HistoryError(RuntimeError):
    """The repository cannot give a complete history (no git, shallow clone, git failed)."""


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.datetime
    author: str
    subject: str
    pr: int | None = None

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    commit: Commit | None
    """None for uncommitted changes in the working tree."""
    path: str
    previous_path: str = ""
    fields: tuple[FieldChange, ...] = ()

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class EntryHistory:
    entry_id: str
    path: str
    changes: tuple[Change, ...]
    """Oldest first."""
    last_data: dict[str, Any] | None = None
    """The content of the last version, kept for removed entries."""

    @property
    def removed(self) -> bool:
        return bool(self.changes) and self.changes[-1].kind == "removed"

    @property
    def created(self) -> dt.datetime | None:
        dated = [c.commit.date for c in self.changes if c.commit]
        return dated[0] if dated else None

    @property
    def updated(self) -> dt.datetime | None:
        dated = [c.commit.date for c in self.changes if c.commit]
        return dated[-1] if dated else None


@dataclass(frozen=True)
class History:
    available: bool
    reason: str = ""
    entries: dict[str, EntryHistory] = field(default_factory=dict)

    def of(self, entry_id: str) -> EntryHistory | None:
        return self.entries.get(entry_id)

    def removed(self) -> list[EntryHistory]:
        return sorted((h for h in self.entries.values() if h.removed), key=lambda h: h.entry_id)

    def recent(self) -> list[tuple[EntryHistory, Change]]:
        """Every change, newest first (uncommitted ones on top)."""
        return self._recent

    @cached_property
    def _recent(self) -> list[tuple[EntryHistory, Change]]:
        """Worked out once: the pages and every report read it, and a province's history has 700,000 changes."""
        pairs = [(h, c) for h in self.entries.values() for c in h.changes]
        far_future = dt.datetime.max.replace(tzinfo=dt.UTC)
        return sorted(pairs, key=lambda p: (p[1].commit.date if p[1].commit else far_future, p[0].entry_id), reverse=True)


def unavailable(reason: str) -> History:
    return History(False, reason)


def git_output(top: Path, *args: str, input: bytes | None = None) -> bytes:
    proc = subprocess.run(["git", "-C", str(top), "-c", "core.quotepath=off", *args],
                          input=input, capture_output=True, check=False)
    if proc.returncode != 0:
        raise HistoryError(f"git {args[0]} 失败：{proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout


def head_commit(root: Path) -> str:
    """The commit checked out, or '' outside git: `mkdocs serve` reads the history again only when it moved."""
    try:
        return git_output(root, "rev-parse", "--verify", "--quiet", "HEAD").decode().strip()
    except (HistoryError, FileNotFoundError):
        return ""


def repository_top(root: Path) -> Path:
    """The git work tree holding `root`; raises HistoryError with what to do when there is none or it is shallow."""
    try:
        top = Path(git_output(root, "rev-parse", "--show-toplevel").decode().strip())
    except (HistoryError, FileNotFoundError) as exc:
        raise HistoryError(
            f"{root} 不是 git 仓库（或没有安装 git），无法生成变更记录。请在 git clone 得到的完整仓库中构建；"
            "如确实不需要变更记录，请在 mkdocs.yml 的 gongkai 插件配置中写 history: false。"
        ) from exc
    if git_output(top, "rev-parse", "--is-shallow-repository").decode().strip() == "true":
        raise HistoryError(
            "这是浅克隆（shallow clone），只有部分 git 历史，变更记录会不完整。请运行 git fetch --unshallow，"
            "或在 GitHub Actions 的 actions/checkout 中设置 fetch-depth: 0；"
            "如确实不需要变更记录，请在 mkdocs.yml 的 gongkai 插件配置中写 history: false。"
        )
    return top


def read_history(root: Path, schema: Schema) -> History:
    """The history of every entry under root/data/catalogues, from git. Raises HistoryError."""
    with collector_paused():  # a province's 700,000 changes are trees of plain values: nothing to collect
        return _read_history(root, schema)


def _read_history(root: Path, schema: Schema) -> History:
    top = repository_top(root)
    prefix = Path(root).resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    if not git_output(top, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").strip():
        return History(True)
    commits, diffs = _log(top, prefix + "data/catalogues")
    blobs = BlobReader(top)
    tracks: dict[str, _Track] = {}
    by_path: dict[str, _Track] = {}
    for commit, rows in zip(commits, diffs, strict=True):
        for status, old_blob, new_blob, old_path, new_path in rows:
            _apply(status, commit, old_blob, new_blob, old_path.removeprefix(prefix), new_path.removeprefix(prefix),
                   tracks, by_path)
    _uncommitted(top, prefix, by_path, tracks, blobs)
    entries: dict[str, EntryHistory] = {}
    for batch in _batches(list(tracks.values())):
        parsed = _Parsed(blobs.read({sha for t in batch for sha in t.blobs_needed()}))
        entries.update((t.entry_id, t.finish(parsed, schema)) for t in batch)
    return History(True, entries=entries)


BLOBS_AT_ONCE = 1000
"""Versions read and parsed at a time: all of them at once (10,000 entries, 2,000 commits) were 58 MB for a
moment, and what they left behind stayed in the build's memory."""


def _batches(tracks: list[_Track]) -> Iterator[list[_Track]]:
    batch: list[_Track] = []
    blobs = 0
    for track in tracks:
        batch.append(track)
        blobs += sum(1 for _ in track.blobs_needed())
        if blobs >= BLOBS_AT_ONCE:
            yield batch
            batch, blobs = [], 0
    if batch:
        yield batch


_HEADER = "%x1e%H%x1f%P%x1f%an%x1f%cI%x1f%s%x1f%b%x1d"


def _log(top: Path, path: str) -> tuple[list[Commit], list[list[tuple[str, str, str, str, str]]]]:
    raw = git_output(top, "log", "--first-parent", "--diff-merges=first-parent", "--raw", "-M80%", "--no-abbrev",
               "--reverse", "-z", f"--format={_HEADER}", "--", path).decode("utf-8", "replace")
    records = []
    second_parents: dict[str, str] = {}
    for chunk in raw.split("\x1e")[1:]:
        header, _, body = chunk.partition("\x1d")
        sha, parents, author, date, subject, message = header.split("\x1f")
        rows = []
        tokens = body.strip("\0\n").split("\0")
        index = 0
        while index < len(tokens):
            meta = tokens[index].lstrip("\n").split()
            if len(meta) < 5:
                index += 1
                continue
            status = meta[4]
            if status[0] in "RC":
                rows.append((status[0], meta[2], meta[3], tokens[index + 1], tokens[index + 2]))
                index += 3
            else:
                rows.append((status[0], meta[2], meta[3], tokens[index + 1], tokens[index + 1]))
                index += 2
        parent_list = parents.split()
        pr_match = _PR_MERGE.match(subject) or _PR_SQUASH.search(subject)
        title = _PR_SQUASH.sub("", subject).strip() or subject
        if _PR_MERGE.match(subject) and message.strip():
            title = message.strip().splitlines()[0]
        if len(parent_list) > 1:
            second_parents[sha] = parent_list[1]
        records.append((Commit(sha, dt.datetime.fromisoformat(date), author, title, int(pr_match.group(1)) if pr_match else None), rows))
    if second_parents:
        authors = _authors(top, set(second_parents.values()))
        records = [
            (Commit(c.sha, c.date, authors.get(second_parents.get(c.sha, ""), c.author), c.subject, c.pr), rows)
            for c, rows in records
        ]
    return [c for c, _ in records], [rows for _, rows in records]


def _authors(top: Path, shas: set[str]) -> dict[str, str]:
    """The authors of pull-request heads, so a merge is credited to whoever wrote the change."""
    out = git_output(top, "log", "--no-walk", "--stdin", "--format=%H%x1f%an", input="\n".join(sorted(shas)).encode())
    return dict(line.split("\x1f", 1) for line in out.decode("utf-8", "replace").splitlines() if "\x1f" in line)


@dataclass
class _Version:
    change: Change
    blob: str


@dataclass
class _Track:
    """One entry's life, followed across renames."""

    entry_id: str
    path: str
    versions: list[_Version] = field(default_factory=list)

    def blobs_needed(self) -> Iterable[str]:
        if len(self.versions) == 1:
            return ()  # created and never changed: nothing to compare
        return (v.blob for v in self.versions if v.blob != _ZERO)

    def finish(self, parsed: _Parsed, schema: Schema) -> EntryHistory:
        if len(self.versions) == 1:
            return EntryHistory(self.entry_id, self.path, (self.versions[0].change,))
        changes: list[Change] = []
        previous: dict[str, Any] | None = None
        for version in self.versions:
            data = parsed.get(version.blob, self.path)
            change = version.change
            if change.kind in ("modified", "renamed", "uncommitted") and previous is not None and data is not None:
                change = Change(change.kind, change.commit, change.path, change.previous_path,
                                field_changes(previous, data, schema))
            changes.append(change)
            if data is not None:
                previous = data
        removed = changes[-1].kind == "removed"  # the others' content is the model's: a copy here would double it
        return EntryHistory(self.entry_id, self.path, tuple(changes), previous if removed else None)


@dataclass
class _Parsed:
    """Blob contents parsed once each: many files share a blob (copies, reverts)."""

    contents: dict[str, str]
    cache: dict[str, dict[str, Any] | None] = field(default_factory=dict)

    def get(self, blob: str, path: str) -> dict[str, Any] | None:
        if blob not in self.cache:
            text = self.contents.get(blob)
            self.cache[blob] = parse_text(text, path)[0] if text is not None else None
        return self.cache[blob]


def _entry_place(path: str) -> Place | None:
    place = place_of(path)
    return place if isinstance(place, Place) and place.kind == "entry" else None


def _apply(status: str, commit: Commit, old_blob: str, new_blob: str, old_path: str, new_path: str,
           tracks: dict[str, _Track], by_path: dict[str, _Track]) -> None:
    if status == "R":
        track = by_path.pop(old_path, None)
        place = _entry_place(new_path)
        target = tracks.get(place.entry_id) if place else None
        if track is not None and (place is None or (target is not None and target is not track)):
            track.versions.append(_Version(Change("removed", commit, old_path), _ZERO))
            track = None
        if place is None:
            return
        if track is None:
            _apply("A", commit, old_blob, new_blob, new_path, new_path, tracks, by_path)
            return
        del tracks[track.entry_id]
        track.entry_id, track.path = place.entry_id, new_path
        tracks[place.entry_id] = track
        by_path[new_path] = track
        track.versions.append(_Version(Change("renamed", commit, new_path, old_path), new_blob))
        return
    place = _entry_place(new_path)
    if place is None:
        return
    track = by_path.get(new_path) or tracks.get(place.entry_id)
    if status in ("A", "C"):
        if track is None:
            track = _Track(place.entry_id, new_path)
            tracks[place.entry_id] = track
            kind: ChangeKind = "created"
        else:
            kind = "restored"
        by_path[new_path] = track
        track.versions.append(_Version(Change(kind, commit, new_path), new_blob))
    elif status == "D" and track is not None:
        by_path.pop(new_path, None)
        track.versions.append(_Version(Change("removed", commit, new_path), _ZERO))
    elif status in ("M", "T") and track is not None:
        track.versions.append(_Version(Change("modified", commit, new_path), new_blob))


def _uncommitted(top: Path, prefix: str, by_path: dict[str, _Track], tracks: dict[str, _Track], blobs: BlobReader) -> None:
    """Working-tree edits under data/catalogues, so `mkdocs serve` never credits them to the last commit."""
    out = git_output(top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", prefix + "data/catalogues")
    for item in out.decode("utf-8", "replace").split("\0"):
        if len(item) < 4:
            continue
        path = item[3:].removeprefix(prefix)
        place = _entry_place(path)
        if place is None:
            continue
        file = top / prefix / path
        text = file.read_text(encoding="utf-8", errors="replace") if file.is_file() else None
        track = by_path.get(path)
        if track is None:
            track = tracks.setdefault(place.entry_id, _Track(place.entry_id, path))
            by_path[path] = track
        sha = blobs.stage(text) if text is not None else _ZERO
        kind: ChangeKind = "uncommitted" if text is not None else "removed"
        track.versions.append(_Version(Change(kind, None, path), sha))


class BlobReader:
    """Streams blob contents with one `git cat-file --batch`; working-tree texts join under pseudo ids."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.staged: dict[str, str] = {}

    def stage(self, text: str) -> str:
        key = f"worktree:{len(self.staged)}"
        self.staged[key] = text
        return key

    def read(self, shas: set[str]) -> dict[str, str]:
        wanted = sorted(s for s in shas if s not in self.staged)
        contents = {k: v for k, v in self.staged.items() if k in shas}
        if not wanted:
            return contents
        out = git_output(self.top, "cat-file", "--batch", input=("\n".join(wanted) + "\n").encode())
        offset = 0
        for sha in wanted:
            end = out.index(b"\n", offset)
            header = out[offset:end].split()
            if len(header) < 3 or header[1] != b"blob":
                offset = end + 1
                continue
            size = int(header[2])
            contents[sha] = out[end + 1 : end + 1 + size].decode("utf-8", "replace")
            offset = end + 1 + size + 1
        return contents


def as_data(history: EntryHistory) -> dict[str, Any]:
    """The history as JSON-ready data (version 1), for `gongkai history` and the history.json files."""
    def when(moment: dt.datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "version": 1,
        "entry": history.entry_id,
        "path": history.path,
        "removed": history.removed,
        "created": when(history.created),
        "updated": when(history.updated),
        "changes": [
            {
                "kind": c.kind,
                "label": c.label,
                "date": when(c.commit.date) if c.commit else None,
                "author": c.commit.author if c.commit else None,
                "subject": c.commit.subject if c.commit else None,
                "pull_request": c.commit.pr if c.commit else None,
                "commit": c.commit.sha if c.commit else None,
                "path": c.path,
                "previous_path": c.previous_path or None,
                "fields": [
                    {"field": f.field, "label": f.label, "before": f.before, "after": f.after,
                     "added": list(f.added), "removed": list(f.removed), "text": f.text()}
                    for f in c.fields
                ],
            }
            for c in reversed(history.changes)
        ],
    }
