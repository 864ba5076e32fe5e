"""The review summary of a pull request: every entry it adds, changes, moves or removes, field by field.

Written as Markdown for the job summary, with the same diff code as the audit trail. Every
value is department text, so it is escaped (no links, images or HTML can come through), and
what looks like an ID-card or mobile number is masked before it reaches a public log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .diff import FieldChange, field_changes
from .history import BlobReader, git_output
from .loader import parse_text
from .paths import Place, place_of
from .privacy import mask_personal
from .schema import SchemaSet
from .textrules import visible

KINDS = {"A": "新增", "M": "修改", "R": "移动", "D": "撤销"}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask(text: str) -> str:
    """Hide personal numbers (privacy.py finds them in every spelling), then anything merely shaped like one:
    the summary is a public log, so it masks more than validation rejects."""
    return _MOBILE.sub(r"\1****\2", _ID_CARD.sub(r"\1********\2", mask_personal(text)))


def md(text: str) -> str:
    """Department text as inert Markdown: escaped, masked, hidden characters shown as [U+XXXX], on one line."""
    flat = " ".join(visible(mask(text)).split())
    return _MARKDOWN.sub(r"\\\1", flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


@dataclass(frozen=True)
class ReviewItem:
    kind: str
    path: str
    previous_path: str
    place: Place | None
    title: str
    fields: tuple[FieldChange, ...]


def review_items(root: Path, base: str, head: str, schemas: SchemaSet) -> list[ReviewItem]:
    """What changed under data/ between two commits, in one `git diff` and one `git cat-file` call."""
    top = Path(git_output(root, "rev-parse", "--show-toplevel").decode().strip())
    prefix = Path(root).resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    raw = git_output(top, "diff", "--name-status", "-M80%", "-z", base, head, "--", prefix + "data").decode("utf-8", "replace")
    tokens = raw.split("\0")
    rows: list[tuple[str, str, str]] = []
    index = 0
    while index < len(tokens) - 1:
        status = tokens[index]
        if status[:1] in "RC":
            rows.append((status[0], tokens[index + 1], tokens[index + 2]))
            index += 3
        else:
            rows.append((status[:1], tokens[index + 1], tokens[index + 1]))
            index += 2
    names = {f"{base}:{old}" for s, old, _ in rows if s != "A"} | {f"{head}:{new}" for s, _, new in rows if s != "D"}
    contents = BlobReader(top).read(names)
    items = []
    for status, old, new in rows:
        before = _data(contents.get(f"{base}:{old}"), old) if status != "A" else {}
        after = _data(contents.get(f"{head}:{new}"), new) if status != "D" else {}
        rel_new, rel_old = new.removeprefix(prefix), old.removeprefix(prefix)
        place = place_of(rel_new)
        kind_place = place if isinstance(place, Place) else None
        schema = schemas[kind_place.kind] if kind_place else schemas["entry"]
        title = str(after.get("title") or after.get("name") or before.get("title") or before.get("name") or Path(rel_new).stem)
        items.append(ReviewItem(KINDS.get(status, "修改"), rel_new, rel_old if status == "R" else "", kind_place, title,
                                field_changes(before, after, schema)))
    return items


def _data(text: str | None, path: str) -> dict:
    if text is None:
        return {}
    data, _, _ = parse_text(text, path)
    return data or {}


def summary(items: list[ReviewItem], catalogue_names: dict[str, str], domain_names: dict[str, str]) -> str:
    """The Markdown a reviewer reads first."""
    lines = ["## 目录修改审核摘要", ""]
    if not items:
        return "\n".join([*lines, "本次修改没有改动 data/ 下的数据文件。", ""])
    counts = {k: sum(i.kind == k for i in items) for k in KINDS.values()}
    lines += ["共 " + str(len(items)) + " 个数据文件：" + "，".join(f"{k} {n}" for k, n in counts.items() if n) + "。", ""]
    for item in items:
        what = {"entry": "事项", "catalogue": "目录", "domain": "领域"}.get(item.place.kind, "文件") if item.place else "文件"
        lines.append(f"### {item.kind}{what}：{md(item.title)}")
        lines.append("")
        if item.place and item.place.kind == "entry":
            lines.append(f"- 目录：{md(catalogue_names.get(item.place.catalogue, item.place.catalogue))}；"
                         f"领域：{md(domain_names.get(item.place.domain, item.place.domain))}")
        lines.append(f"- 文件：`{item.path}`" + (f"（原为 `{item.previous_path}`）" if item.previous_path else ""))
        if item.fields:
            lines += ["", "| 字段 | 修改前 | 修改后 |", "| --- | --- | --- |"]
            for change in item.fields:
                if change.is_list:
                    removed = "；".join(md(x) for x in change.removed) or "—"
                    added = "；".join(md(x) for x in change.added) or "—"
                    lines.append(f"| {md(change.label)} | 删除：{removed} | 增加：{added} |")
                else:
                    lines.append(f"| {md(change.label)} | {md(change.before) or '（无）'} | {md(change.after) or '（无）'} |")
        elif item.kind == "修改":
            lines.append("- 内容没有实质变化（例如只调整了格式或注释）。")
        lines.append("")
    return "\n".join(lines)


def display_names(data_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Catalogue and domain names as the files give them now, even when the pull request has errors."""
    catalogues, domains = {}, {}
    for file in sorted(data_dir.glob("catalogues/*/catalogue.yml")):
        data, _, _ = parse_text(file.read_text(encoding="utf-8", errors="replace"), file.name)
        catalogues[file.parent.name] = str((data or {}).get("name") or file.parent.name)
    for file in sorted(data_dir.glob("domains/*.yml")):
        data, _, _ = parse_text(file.read_text(encoding="utf-8", errors="replace"), file.name)
        domains[file.stem] = str((data or {}).get("name") or file.stem)
    return catalogues, domains
