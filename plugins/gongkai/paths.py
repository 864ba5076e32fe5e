"""Repository layout: where each kind of file lives, and what a path says about a file.

An entry's identity is its path, `data/catalogues/<catalogue>/<domain>/<slug>.yml`;
its id `<catalogue>/<domain>/<slug>` is therefore stable across edits of its content.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Kind = Literal["domain", "catalogue", "entry"]

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATA_SUFFIX = ".yml"
CATALOGUE_FILE = "catalogue.yml"
RESERVED_SLUGS = frozenset({"domains", "search", "assets", "pagefind", "search-index", "404", "changes", "contribute", "jiandu",
                            "feed", "history", "sitemap", "index", "mulu"})
"""Top-level URL segments the site uses itself; a catalogue folder cannot be named like them."""
DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))})
"""Names Windows cannot check out as files or folders; and `index`, which would stand for its folder's page."""


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def domains(self) -> Path:
        return self.data / "domains"

    @property
    def catalogues(self) -> Path:
        return self.data / "catalogues"

    @property
    def schema(self) -> Path:
        return self.root / "schema"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def relative(self, path: Path) -> str:
        """The path as the user should see it: relative to the repository, with forward slashes."""
        root = os.path.abspath(self.root)
        absolute = os.path.abspath(path)
        if absolute == root:
            return "."
        if absolute.startswith(root + os.sep):
            return absolute[len(root) + 1 :].replace(os.sep, "/")
        return path.as_posix()


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds `schema/entry.schema.json` and `data/`."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / "schema" / "entry.schema.json").is_file() and (folder / "data").is_dir():
            return folder
    return None


@dataclass(frozen=True)
class Place:
    """What a data file's path says it is."""

    kind: Kind
    catalogue: str = ""
    domain: str = ""
    slug: str = ""

    @property
    def entry_id(self) -> str:
        return f"{self.catalogue}/{self.domain}/{self.slug}"


def place_of(rel: str) -> Place | str:
    """Classify a repository-relative path, or say in Chinese why it is in the wrong place."""
    parts = rel.split("/")
    name = parts[-1]
    stem, dot, suffix = name.rpartition(".")
    if f".{suffix}" != DATA_SUFFIX or not dot:
        if suffix == "yaml":
            return f"扩展名应为 .yml 而不是 .yaml，请把文件改名为 {stem}.yml。"
        return "data/ 下只能放 .yml 数据文件；请把其他文件移出 data/ 文件夹。"
    if parts[:2] == ["data", "domains"] and len(parts) == 3:
        if not SLUG_RE.match(stem):
            return _bad_slug(stem, "领域文件名")
        if stem in DEVICE_NAMES or stem == "index":
            return _reserved(stem, "领域文件名")
        return Place("domain", domain=stem)
    if parts[:2] == ["data", "catalogues"]:
        if len(parts) == 4 and name == CATALOGUE_FILE:
            if not SLUG_RE.match(parts[2]):
                return _bad_slug(parts[2], "目录文件夹名")
            if parts[2] in DEVICE_NAMES:
                return _reserved(parts[2], "目录文件夹名")
            if parts[2] in RESERVED_SLUGS:
                return f"目录文件夹名“{parts[2]}”是网站保留的网址，不能使用（保留的有：{'、'.join(sorted(RESERVED_SLUGS))}）。请换一个名字。"
            return Place("catalogue", catalogue=parts[2])
        if len(parts) == 5:
            for value, what in ((parts[2], "目录文件夹名"), (parts[3], "领域文件夹名"), (stem, "事项文件名")):
                if not SLUG_RE.match(value):
                    return _bad_slug(value, what)
                if value in DEVICE_NAMES or value == "index":
                    return _reserved(value, what)
            return Place("entry", catalogue=parts[2], domain=parts[3], slug=stem)
        if len(parts) == 4:
            return (
                "事项文件应放在“data/catalogues/<目录>/<领域>/<事项>.yml”，这里少了一层领域文件夹；"
                "目录文件夹里只能直接放 catalogue.yml。"
            )
    return (
        "文件位置不对：领域放在 data/domains/<领域>.yml，目录放在 data/catalogues/<目录>/catalogue.yml，"
        "事项放在 data/catalogues/<目录>/<领域>/<事项>.yml。"
    )


def _reserved(value: str, what: str) -> str:
    return f"{what}“{value}”是保留的名字（Windows 的设备名，或网站用来表示文件夹首页的 index），不能使用。请换一个名字。"


def _bad_slug(value: str, what: str) -> str:
    return (
        f"{what}“{value}”不合规：只能用小写英文字母、数字和连字符“-”（例如 zuidi-shenghuo-baozhang），"
        "因为它会成为网址的一部分。请改名。"
    )


MAX_SLUG = 60


def slugify(title: str, taken: Collection[str] = ()) -> str:
    """A URL-safe file name from a Chinese title (pinyin syllables joined by '-'), unique among `taken`."""
    from .pinyin import syllables

    return slug_of(syllables([title])[0], taken)


def slug_of(words: list[str], taken: Collection[str] = ()) -> str:
    """The slug `slugify` makes of a title's pinyin syllables `words`."""
    words = [re.sub(r"[^a-z0-9]+", "-", w.lower()).strip("-") for w in words]
    slug = ""
    for word in filter(None, "-".join(words).split("-")):
        if len(slug) + len(word) + 1 > MAX_SLUG:
            break
        slug = f"{slug}-{word}" if slug else word
    slug = slug or "shixiang"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate
