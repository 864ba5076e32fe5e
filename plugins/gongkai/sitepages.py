"""Hand-written pages under docs/ that publish catalogue entries.

A policy document, an interpretation or an annual report says in its front matter
which entries it publishes:

    ---
    title: 示例县2024年政府预算公开
    date: 2024-02-10
    publishes:
      - shili-xian/caizheng-yujuesuan/zhengfu-yusuan
    ---

The site then links the page and each entry both ways.
"""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import re
from typing import Any
from urllib.parse import unquote

from .loader import parse_text
from .model import SitePage
from .paths import Layout
from .positions import Positions
from .problems import JsonPath, Problem

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_TOKEN = re.compile(r"[^\s()\[\]<>\"'`]+")


def read_site_pages(layout: Layout, entry_ids: set[str]) -> tuple[list[SitePage], list[Problem]]:
    """Every page under docs/, with what its front matter says it publishes; problems for references that do not resolve."""
    pages: list[SitePage] = []
    problems: list[Problem] = []
    if not layout.docs.is_dir():
        return pages, problems
    for file in sorted(layout.docs.rglob("*.md")):
        rel = layout.relative(file)
        text = file.read_text(encoding="utf-8", errors="replace")
        match = _FRONT_MATTER.match(text)
        meta: dict[str, Any] = {}
        if match and "publishes" in (match.group(1) or ""):
            front = "\n" + (match.group(1) or "")  # keeps line numbers: the opening --- is line 1
            data, found, _ = parse_text(front, rel)
            problems.extend(found)
            meta = data or {}
            problems.extend(_check_meta(meta, rel, Positions(front), entry_ids))
        heading = _HEADING.search(text, match.end() if match else 0)
        title, date, publishes = meta.get("title"), meta.get("date"), meta.get("publishes")
        pages.append(SitePage(
            path=file.relative_to(layout.docs).as_posix(),
            title=title if isinstance(title, str) else heading.group(1) if heading else file.stem,
            date=date if isinstance(date, str) else "",
            publishes=tuple(p for p in publishes if isinstance(p, str)) if isinstance(publishes, list) else (),
        ))
    return pages, problems


def _check_meta(meta: dict[str, Any], rel: str, positions: Positions, entry_ids: set[str]) -> list[Problem]:
    problems = []

    def report(path: JsonPath, field: str, message: str) -> None:
        problems.append(Problem(rel, *positions.at(path), field, message))

    publishes = meta.get("publishes")
    if not isinstance(publishes, list) or not all(isinstance(p, str) for p in publishes):
        report(("publishes",), "publishes（公开的事项）",
               "publishes 应为事项编号的列表，每行一个，例如“- shili-xian/caizheng-yujuesuan/zhengfu-yusuan”。")
    else:
        for index, ref in enumerate(publishes):
            if ref not in entry_ids:
                close = difflib.get_close_matches(ref, sorted(entry_ids), n=1, cutoff=0.6)
                tip = f"你是不是想写“{close[0]}”？" if close else ""
                report(("publishes", index), f"publishes[{index}]（公开的事项）",
                       f"事项“{ref}”不存在：找不到 data/catalogues/{ref}.yml。{tip}"
                       "事项编号是事项文件的路径（目录/领域/文件名，不含 .yml）。")
    date = meta.get("date")
    if date is not None:
        try:
            dt.date.fromisoformat(str(date))
        except ValueError:
            report(("date",), "date（发布日期）", f"“{date}”不是有效日期，请写成 YYYY-MM-DD，例如 2024-03-01。")
    return problems


def link_targets(texts: dict[str, str]) -> set[str]:
    """Every docs/-relative path the Markdown of these pages (docs/-relative path -> text) could link to, read
    loosely: any run of characters a link's target is made of, resolved against the page's folder. A generated
    file not among them is left out of MkDocs' files, as no page's link needs MkDocs to know it."""
    found: set[str] = set()
    for src, text in texts.items():
        folder = posixpath.dirname(src)
        for token in _TOKEN.findall(text):
            target = unquote(token.split("#", 1)[0].split("?", 1)[0])
            if target:
                found.add(posixpath.normpath(target[1:] if target.startswith("/") else posixpath.join(folder, target)))
    return found
