"""Checks of the built site before it is published: every internal link resolves, and no entry text became markup.

Both read each HTML page once with the standard library's parser, so they run on a plain folder
(whatever built it) and stay fast on thousands of pages: every file name is listed once, every
page's ids are kept from its one parse, and no link costs a file-system call.
External links (http, https, mailto, ...) are not followed here; a separate, non-blocking checker does that.
"""

from __future__ import annotations

import argparse
import html
import os
import posixpath
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .parallel import in_parallel
from .paths import Layout

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
HTML_SUFFIXES = (".html", ".htm")
LINK_ATTRIBUTES = frozenset({"href", "src", "poster", "action"})
"""Attributes whose value is one URL the browser loads or follows (a form's action when it is sent)."""
TOP_FRAGMENTS = frozenset({"", "top"})
"""Fragments every page has: HTML scrolls to the top for them."""

ARTICLE_CLASS = "md-content__inner"
"""mkdocs-material's content area: everything the data and docs/ put on a page lands inside it."""
FORBIDDEN_IN_ARTICLE = frozenset({"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
                                  "base", "link", "meta", "template"})
"""Tags our templates and Markdown never write into the content area; an entry field that became markup would."""
HEAD_TAGS = frozenset({"title", "meta", "link", "script", "style", "base", "noscript", "template"})
"""All that may stand in <head>: anything else there means a title or description broke out of its element."""
SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript"})
"""<script> types a browser runs; others (the theme's application/json configuration) are inert data."""
URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
URL_ATTRIBUTES = LINK_ATTRIBUTES | {"action", "formaction", "srcset", "xlink:href"}
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20]")
"""Browsers drop these inside a scheme: `java\tscript:` runs like `javascript:`."""
_STRING_LITERAL = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")


@dataclass
class PageScan:
    """What one parse of a page yields for both checks."""

    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    markup: list[str] = field(default_factory=list)
    """Chinese descriptions of markup that should not be there (without the page name)."""
    scripts: list[str] = field(default_factory=list)
    """Scripts that are not files of the site: inline ones (string literals blanked, so that the theme's
    relative paths compare equal across pages) and external ones (`src=` and their address)."""
    themed: bool = False
    """The page has the theme's content area: its scripts set what the theme's are. Standalone pages (the
    posters) have none of the theme's scripts, and may carry no inline script at all."""

    def link_list(self) -> list[str]:
        return self.links

    def id_set(self) -> set[str]:
        return self.ids

    def has_id(self, name: str) -> bool:
        return name in self.ids


_SEPARATOR = "\0"


@dataclass(frozen=True, slots=True)
class PackedScan:
    """The links and ids of a page the build wrote itself, as it keeps them for the link check: one string each,
    NUL-separated, and what the page shares with others of its kind (the theme's shell) held once for them all.
    A province's pages are kept this way until the check, and as lists and sets they were most of the build's
    memory at its end."""

    ids: str
    links: str
    shared: PackedScan | PageScan | None = None

    def link_list(self) -> list[str]:
        own = self.links.split(_SEPARATOR) if self.links else []
        return [*self.shared.link_list(), *own] if self.shared else own

    def id_set(self) -> set[str]:
        own = set(self.ids.split(_SEPARATOR)) if self.ids else set()
        return own | self.shared.id_set() if self.shared else own

    def has_id(self, name: str) -> bool:
        """Whether the page has this id, without a set of them all: one for each page that links point into
        was the link check's peak."""
        own = bool(self.ids) and f"{_SEPARATOR}{name}{_SEPARATOR}" in f"{_SEPARATOR}{self.ids}{_SEPARATOR}"
        return own or (self.shared is not None and self.shared.has_id(name))


def is_external(href: str) -> bool:
    """A link to another site (a scheme or a host): the link check does not follow it."""
    parts = urlsplit(href.strip())
    return bool(parts.scheme or parts.netloc or URL_SCHEME.match(href.strip()))


def pack(scan: PageScan, shared: PackedScan | PageScan | None = None) -> PackedScan | PageScan:
    """`scan` packed, with only the links the check follows (an entry's own links to other sites, its edit page,
    pull requests and commits, were most of what a page kept), or as it is when a link or id holds the separator
    (it would not split back the same)."""
    if any(_SEPARATOR in item for item in (*scan.links, *scan.ids)):
        return scan if shared is None else PageScan(ids=scan.ids | shared.id_set(), links=shared.link_list() + scan.links)
    return PackedScan(_SEPARATOR.join(sorted(scan.ids)), _SEPARATOR.join(h for h in scan.links if not is_external(h)), shared)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._in_head = False
        self._article_depth = 0
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        scan = self.scan
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            scan.ids.add(values["id"])
        if tag == "a" and "name" in values:
            scan.ids.add(values["name"])
        for name, value in values.items():
            if name in LINK_ATTRIBUTES:
                scan.links.append(value)
            elif name == "srcset":
                scan.links.extend(part.split()[0] for part in value.split(",") if part.strip())
            if name.startswith("on"):
                scan.markup.append(f"<{tag}> 带有事件处理属性 {name}")
            elif name in URL_ATTRIBUTES:
                compact = _CONTROL_OR_SPACE.sub("", value)
                if compact.lower().startswith(DANGEROUS_SCHEMES):
                    scan.markup.append(f"<{tag}> 的 {name} 属性是可执行的链接（{compact[:20]}…）")

        if tag == "head":
            self._in_head = True
        elif self._in_head and tag not in HEAD_TAGS:
            scan.markup.append(f"<head> 中出现了 <{tag}> 标签（标题或描述中的文字可能变成了网页代码）")
        if self._article_depth:
            if tag == "article":
                self._article_depth += 1
            if tag in FORBIDDEN_IN_ARTICLE and not (tag == "script" and values.get("src")):
                scan.markup.append(f"正文中出现了 <{tag}> 标签")
        elif tag == "article" and ARTICLE_CLASS in values.get("class", "").split():
            self._article_depth = 1
            scan.themed = True
        if tag == "script" and values.get("type", "").strip().lower() in SCRIPT_TYPES:
            source = values.get("src")
            if source is None:
                self._script = []
            elif URL_SCHEME.match(source.strip()) or source.strip().startswith("//"):
                scan.scripts.append(f"src={source.strip()}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        elif tag == "article" and self._article_depth:
            self._article_depth -= 1
        elif tag == "script" and self._script is not None:
            self.scan.scripts.append(_STRING_LITERAL.sub('""', "".join(self._script)).strip())
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)


def scan_page(path: Path) -> PageScan:
    scanner = _Scanner()
    scanner.feed(path.read_text(encoding="utf-8", errors="replace"))
    scanner.close()
    return scanner.scan


_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)(\s[^<>]*?)?/?>")
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_SKIPPED = re.compile(r"<!--.*?-->|(<(script|style|textarea|title)\b[^>]*>).*?</\2\s*>", re.S | re.I)
"""Comments, and the text of elements whose content the HTML parser reads as text, not tags."""
_WANTED = re.compile(r"href|src|id=|name=|poster|action")
"""What a tag's attributes must contain to hold a link or an id: one search instead of a test per word."""


def scan_links(path: Path) -> PageScan:
    """Only the links and ids of a page, with regular expressions: several times faster than the parser,
    for the check every build runs. It reads tags as the HTML parser does for what our pages contain;
    scan_page stays the reference for the markup check (and the test that compares the two)."""
    return scan_links_text(path.read_text(encoding="utf-8", errors="replace"))


def scan_links_text(text: str) -> PageScan:
    text = _SKIPPED.sub(lambda m: m.group(1) or "", text)
    scan = PageScan()
    for tag in _TAG.finditer(text):
        attributes = tag.group(2)
        if not attributes or not _WANTED.search(attributes):
            continue
        name_is_id = tag.group(1).lower() == "a"
        for match in _ATTRIBUTE.finditer(attributes):
            name = match.group(1).lower()
            value = next((v for v in match.group(2, 3, 4) if v is not None), "")
            if "&" in value:
                value = html.unescape(value)
            if name in LINK_ATTRIBUTES:
                scan.links.append(value)
            elif name == "srcset":
                scan.links.extend(part.split()[0] for part in value.split(",") if part.strip())
            elif name == "id" or (name == "name" and name_is_id):
                scan.ids.add(value)
    return scan


PARALLEL_FROM = 200
"""Pages from which parsing is spread over processes: the pure-Python parser reads about 5 MB/s on one core."""


def _scan_some(paths: list[Path], scan: Callable[[Path], PageScan], packed: bool) -> list[PageScan | PackedScan]:
    return [pack(scan(path)) if packed else scan(path) for path in paths]


def _scan_all(paths: list[Path], scan: Callable[[Path], PageScan] = scan_page,
              packed: bool = False) -> list[PageScan | PackedScan]:
    """Scan pages, on every core when there are many; `packed`, the scans come back as two strings each
    instead of a string object and a list or set slot per link and id."""
    return in_parallel(_scan_some, paths, scan, packed, minimum=PARALLEL_FROM)


@dataclass
class Site:
    """A built site: its files (site-relative, forward slashes) and one scan per HTML page."""

    root: Path
    files: set[str]
    folders: set[str]
    pages: dict[str, PageScan | PackedScan]
    base_path: str = "/"

    @classmethod
    def read(cls, root: Path, base_path: str | None = None, *, links_only: bool = False,
             known: dict[str, PageScan | PackedScan] | None = None) -> Site:
        """The site's files and pages; `links_only` reads just links and ids (fast, packed), enough for broken_links;
        `known` holds scans the caller already has (pages it wrote itself), which are not read again."""
        files: set[str] = set()
        folders: set[str] = {""}
        for current, dirs, names in os.walk(root):
            rel = Path(current).relative_to(root).as_posix()
            prefix = "" if rel == "." else rel + "/"
            folders.update(prefix + d for d in dirs)
            files.update(prefix + n for n in names)
        known = known or {}
        documents = sorted(rel for rel in files if rel.endswith(HTML_SUFFIXES) and rel not in known)
        scans = _scan_all([root / rel for rel in documents], scan_links if links_only else scan_page, packed=links_only)
        pages = {**dict(zip(documents, scans, strict=True)), **{rel: scan for rel, scan in known.items() if rel in files}}
        return cls(root, files, folders, pages, _normal_base(base_path) if base_path else infer_base_path(root))

    def resolve(self, page: str, href: str) -> tuple[str, str] | None:
        """The file `href` on `page` points at and its fragment; None for external links."""
        if is_external(href):
            return None
        parts = urlsplit(href.strip())
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        if not path:
            return page, fragment
        if path.startswith("/"):
            if not (path + "/").startswith(self.base_path):
                return path, fragment  # outside the folder the site is served from
            joined = path[len(self.base_path):]
        else:
            joined = posixpath.join(posixpath.dirname(page), path)
        target = posixpath.normpath(joined) if joined else ""
        if target in (".", ""):
            target = ""
        elif target.startswith("../") or target == "..":
            return "/" + target, fragment  # above the site's root
        if target in self.folders:
            return posixpath.join(target, "index.html"), fragment
        if path.endswith("/"):
            target += "/"
        return target, fragment


def infer_base_path(root: Path) -> str:
    """The URL path the site is served under (`/gongkai-data/` on a project page), read from sitemap.xml.

    MkDocs writes site-absolute links (the 404 page's) under site_url's path; the sitemap lists every page
    under it, so the longest common folder of its addresses is that path. Without a sitemap: `/`.
    """
    sitemap = root / "sitemap.xml"
    if not sitemap.is_file():
        return "/"
    paths = [urlsplit(loc).path for loc in re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", sitemap.read_text(encoding="utf-8"))]
    if not paths:
        return "/"
    return _normal_base(posixpath.commonpath(paths))


def _normal_base(path: str) -> str:
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


@dataclass(frozen=True, order=True)
class BrokenLink:
    page: str
    href: str
    target: str

    def text(self) -> str:
        return f"{self.page}: 链接 {self.href} 指向的 {self.target} 不存在"


def broken_links(site: Site) -> list[BrokenLink]:
    """Every internal link or resource whose file, or whose #fragment on an HTML page, is missing."""
    broken: set[BrokenLink] = set()
    for page, scan in site.pages.items():
        for href in scan.link_list():
            resolved = site.resolve(page, href)
            if resolved is None:
                continue
            target, fragment = resolved
            if target not in site.files:
                broken.add(BrokenLink(page, href, target or "/"))
            elif fragment not in TOP_FRAGMENTS and target in site.pages and not site.pages[target].has_id(fragment):
                broken.add(BrokenLink(page, href, f"{target}#{fragment}"))
    return sorted(broken)


@dataclass(frozen=True, order=True)
class MarkupProblem:
    page: str
    message: str

    def text(self) -> str:
        return f"{self.page}: {self.message}"


def markup_problems(site: Site) -> list[MarkupProblem]:
    """Markup no template writes: the sign that some entry text reached the page unescaped.

    Inline and external scripts are the theme's when every page of the theme carries them; one found on some
    pages only came from those pages' content. Scripts that are files of the site are ours.
    """
    problems = {MarkupProblem(page, message) for page, scan in site.pages.items() for message in scan.markup}
    if site.pages:
        themed = [set(scan.scripts) for scan in site.pages.values() if scan.themed]
        common = set.intersection(*themed) if themed else set()
        for page, scan in site.pages.items():
            for script in scan.scripts:
                if script not in common:
                    excerpt = " ".join(script.split())[:40]
                    problems.add(MarkupProblem(page, f"出现了不属于网站主题的脚本（开头：{excerpt}）"))
    return sorted(problems)


def _report(lines: Iterable[str], summary: str) -> int:
    found = list(lines)
    for line in found:
        print(line)
    if found:
        print(summary.format(n=len(found)), file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def _read_site(folder: Path, base_path: str | None, *, links_only: bool = False) -> Site | None:
    if not folder.is_dir():
        print(f"找不到网站文件夹 {folder}。请先运行 mkdocs build --strict 构建网站。", file=sys.stderr)
        return None
    return Site.read(folder, base_path, links_only=links_only)


def _add_site_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", type=Path, help="构建好的网站文件夹，例如 site")
    parser.add_argument("--base-path", help="网站发布在哪个网址路径下，例如 /gongkai-data/（默认从 sitemap.xml 推断）")


def configure_links(commands: Any) -> None:
    parser = commands.add_parser("check-links", help="检查构建好的网站中站内链接和资源是否都存在",
                                 description="检查网站中每个站内链接、图片、脚本和样式（含 #锚点）是否指向存在的文件；"
                                             "站外链接（http、https、mailto）不在这里检查。")
    _add_site_arguments(parser)


def run_links(args: argparse.Namespace, layout: Layout) -> int:
    site = _read_site(args.site, args.base_path, links_only=True)
    if site is None:
        return EXIT_USAGE
    return _report((b.text() for b in broken_links(site)),
                   "共 {n} 个站内链接失效。请修改链接，或补上它指向的页面、文件或锚点，然后重新构建。")


def configure_markup(commands: Any) -> None:
    parser = commands.add_parser("check-markup", help="检查构建好的网站中是否有事项文字变成了网页代码",
                                 description="检查网站每个页面：正文中不应有脚本、样式、内嵌框架等标签，不应有事件处理属性"
                                             "和 javascript: 链接，也不应有网站主题之外的脚本。")
    _add_site_arguments(parser)


def run_markup(args: argparse.Namespace, layout: Layout) -> int:
    site = _read_site(args.site, args.base_path)
    if site is None:
        return EXIT_USAGE
    return _report((p.text() for p in markup_problems(site)),
                   "共 {n} 处可疑的网页代码：某些文字没有被转义就写进了页面。请检查相应事项或页面的内容和模板，不要发布这个网站。")
