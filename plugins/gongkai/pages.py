"""Repository -> the pages the site generates, as plain specs. Pure: no MkDocs here.

URLs are stable and readable, and depend only on paths, never on titles:
`/` home, `/domains/<domain>/`, `/<catalogue>/`, `/<catalogue>/<domain>/<entry>/`, `/search/`.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from .history import Change, EntryHistory, History
from .model import Catalogue, Domain, Entry, Repository, SitePage

PageKind = Literal["home", "domain", "catalogue", "entry", "search", "removed", "changes", "form", "fields", "supervision",
                   "supervision_scope", "report", "catalogue_list", "domain_list"]
CHANGES_PER_PAGE = 50
RECENT_ON_HOME = 10
NO_HISTORY = History(False, "构建时已在 mkdocs.yml 中关闭变更记录（history: false）")


@dataclass(frozen=True)
class PageSpec:
    src_uri: str
    title: str
    kind: PageKind
    context: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def template(self) -> str:
        return f"pages/{self.kind}.html"

    @property
    def in_nav(self) -> bool:
        """Entries (thousands of them), the later pages of 最近更新 and the pages behind 监督 stay out of the navigation."""
        if self.kind == "changes":
            return self.src_uri == changes_src(1)
        return self.kind not in ("entry", "removed", "supervision_scope", "report")


@dataclass(frozen=True)
class PublishedItem:
    """One thing published under an entry, external or on this site, as the entry page lists it."""

    title: str
    href: str
    """An external URL, or a docs/ path (made relative to the page when rendered)."""
    date: dt.date | None
    external: bool


def entry_src(entry: Entry) -> str:
    return f"{entry.catalogue}/{entry.domain}/{entry.slug}.md"


def pager(number: int, total: int, near: int = 3) -> list[int | None]:
    """The page numbers a pager links to: the first, the last and those near this one, None for a gap (a
    province's history runs to thousands of pages, each would otherwise link to all the others)."""
    shown = sorted({1, total, *range(max(1, number - near), min(total, number + near) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def catalogue_src(slug: str) -> str:
    return f"{slug}/index.md"


def domain_src(slug: str) -> str:
    return f"domains/{slug}.md"


def entry_id_src(entry_id: str) -> str:
    return f"{entry_id}.md"


def beside_entry(entry_id: str, name: str, directory_urls: bool = True) -> str:
    """A file that goes with an entry's page (its history.json, its poster): in the page's folder, or beside the
    page as `<entry>.<name>` when pages are files (entry slugs have no dots, so no page can be called that)."""
    return f"{entry_id}/{name}" if directory_urls else f"{entry_id}.{name}"


def changes_src(page: int) -> str:
    return "changes/index.md" if page == 1 else f"changes/{page}.md"


HOME_SRC, SEARCH_SRC = "index.md", "search.md"
CATALOGUES_SRC, DOMAINS_SRC = "mulu.md", "domains/index.md"
"""One page listing the catalogues, one the domains: the navigation links to these instead of to all of them,
because material renders the whole navigation into every page, thousands of times."""
FORM_SRC, FIELDS_SRC = "contribute/form.md", "contribute/fields.md"


@dataclass(frozen=True)
class ChangeRow:
    """A change as the 最近更新 page and the feeds list it."""

    entry_id: str
    title: str
    catalogue: str
    change: Change

    @property
    def src(self) -> str:
        return entry_id_src(self.entry_id)


def change_rows(repo: Repository, history: History) -> list[ChangeRow]:
    """Every change, newest first, with the title the entry has now (or had when removed)."""
    titles = {e.id: e.title for e in repo.entries}
    rows = []
    for entry_history, change in history.recent():
        last = entry_history.last_data or {}
        title = titles.get(entry_history.entry_id) or str(last.get("title") or entry_history.entry_id)
        catalogue = repo.catalogues.get(entry_history.entry_id.split("/")[0])
        rows.append(ChangeRow(entry_history.entry_id, title, catalogue.name if catalogue else "", change))
    return rows


def url_of(src_uri: str, directory_urls: bool = True) -> str:
    """The site-relative URL MkDocs gives a Markdown source path."""
    stem = src_uri.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def relative_url(target: str, base: str) -> str:
    """`target` as seen from page URL `base`; both site-relative, directory URLs ending in '/'.

    Worked out on the segments, as posixpath.relpath would (every generated page has a dozen links, and
    relpath makes both paths absolute first); relpath itself where a segment is "." or ".." or a path starts at "/".
    """
    base_dir = base if base.endswith("/") or not base else posixpath.dirname(base)
    to = [part for part in target.split("/") if part]
    start = [part for part in base_dir.split("/") if part]
    if "." in to or ".." in to or "." in start or ".." in start or target[:1] == "/" or base_dir[:1] == "/":
        rel = posixpath.relpath(target or ".", base_dir or ".")
    else:
        common = 0
        for mine, theirs in zip(to, start, strict=False):
            if mine != theirs:
                break
            common += 1
        rel = "/".join([".."] * (len(start) - common) + to[common:]) or "."
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return "./" if rel == "./" or rel == "." else rel


def catalogues_in_order(repo: Repository) -> list[Catalogue]:
    """Counties, each followed by its townships; then any catalogue whose parent is not here."""
    children: dict[str, list[Catalogue]] = defaultdict(list)
    for catalogue in repo.catalogues.values():
        if catalogue.parent:
            children[catalogue.parent].append(catalogue)
    ordered: list[Catalogue] = []
    for county in (c for c in repo.catalogues.values() if not c.parent):
        ordered.append(county)
        ordered.extend(children[county.slug])
    placed = {c.slug for c in ordered}
    ordered.extend(c for c in repo.catalogues.values() if c.slug not in placed)
    return ordered


def published_items(entry: Entry, repo: Repository, referencing: list[SitePage]) -> list[PublishedItem]:
    """External documents and site pages published under `entry`, newest first (undated last)."""
    items: dict[str, PublishedItem] = {}
    for link in entry.published:
        if link.url:
            items[link.url] = PublishedItem(link.title, link.url, link.published_on, True)
        else:
            page = repo.site_pages.get(link.page)
            title = link.title or (page.title if page else link.page)
            day = link.published_on or (page.published_on if page else None)
            items[link.page] = PublishedItem(title, link.page, day, False)
    for page in referencing:
        items.setdefault(page.path, PublishedItem(page.title, page.path, page.published_on, False))
    return sorted(items.values(), key=lambda i: (i.date is None, -(i.date.toordinal() if i.date else 0), i.title))


def references(repo: Repository) -> dict[str, list[SitePage]]:
    """Entry id -> the site pages that declare in their front matter that they publish it."""
    by_entry: dict[str, list[SitePage]] = defaultdict(list)
    for page in repo.site_pages.values():
        for entry_id in page.publishes:
            by_entry[entry_id].append(page)
    return by_entry


def build_pages(repo: Repository, history: History = NO_HISTORY, entries: set[str] | None = None) -> list[PageSpec]:
    """Every generated page: home, search, changes, one per catalogue, domain, entry and removed entry; with
    `entries`, the pages of those entries only and none of removed ones (a quick `mkdocs serve` rebuild)."""
    catalogues = catalogues_in_order(repo)
    domains = repo.domains_in_order
    counts: dict[str, int] = defaultdict(int)
    for entry in repo.entries:
        counts[entry.domain] += 1
    refs = references(repo)
    live = {e.id for e in repo.entries}
    removed = [h for h in history.removed() if h.entry_id not in live]
    rows = change_rows(repo, history)
    trail = {"history_available": history.available, "history_reason": history.reason}

    pages = [
        PageSpec(HOME_SRC, "首页", "home", {"domains": domains, "counts": counts, "catalogues": catalogues,
                                           "recent": rows[:RECENT_ON_HOME], **trail}),
        PageSpec(SEARCH_SRC, "搜索", "search", {"domains": domains, "catalogues": catalogues}),
        PageSpec(CATALOGUES_SRC, "目录一览", "catalogue_list", {"catalogues": catalogues, "repo": repo}),
        PageSpec(DOMAINS_SRC, "领域一览", "domain_list", {"domains": domains, "counts": counts}),
        PageSpec(FORM_SRC, "在线填写事项", "form", {"domains": domains, "catalogues": catalogues}),
        PageSpec(FIELDS_SRC, "字段说明", "fields", {}),
    ]
    total = max(1, -(-len(rows) // CHANGES_PER_PAGE))
    sources = [changes_src(n) for n in range(1, total + 1)]
    for number in range(1, total + 1):
        pages.append(PageSpec(changes_src(number), "最近更新" if number == 1 else f"最近更新（第 {number} 页）", "changes", {
            "rows": rows[(number - 1) * CHANGES_PER_PAGE : number * CHANGES_PER_PAGE],
            "number": number, "total": total, "pages": sources, "pager": pager(number, total), **trail,
        }))
    for catalogue in catalogues:
        sections = [(d, repo.in_catalogue(catalogue.slug, d.slug)) for d in domains]
        pages.append(PageSpec(catalogue_src(catalogue.slug), catalogue.name, "catalogue", {
            "catalogue": catalogue,
            "parent": repo.catalogues.get(catalogue.parent),
            "children": repo.children(catalogue.slug),
            "sections": [(d, entries) for d, entries in sections if entries],
            "count": sum(len(entries) for _, entries in sections),
            "removed": [(h, _title(h)) for h in removed if h.entry_id.split("/")[0] == catalogue.slug],
            **trail,
        }))
    for domain in domains:
        groups = _domain_groups(domain, catalogues, repo)
        pages.append(PageSpec(domain_src(domain.slug), domain.name, "domain", {
            "domain": domain, "groups": groups, "count": counts[domain.slug],
        }))
    for entry in repo.entries:
        if entries is not None and entry.id not in entries:
            continue
        pages.append(PageSpec(entry_src(entry), entry.title, "entry", {
            "entry": entry,
            "catalogue": repo.catalogues[entry.catalogue],
            "domain": repo.domains[entry.domain],
            "published": published_items(entry, repo, refs.get(entry.id, [])),
            "referenced_by": refs.get(entry.id, []),
            "history": history.of(entry.id),
            **trail,
        }))
    for entry_history in removed if entries is None else ():
        catalogue_slug, domain_slug, _ = entry_history.entry_id.split("/")
        pages.append(PageSpec(entry_id_src(entry_history.entry_id), f"{_title(entry_history)}（已撤销）", "removed", {
            "history": entry_history,
            "title": _title(entry_history),
            "catalogue": repo.catalogues.get(catalogue_slug),
            "domain": repo.domains.get(domain_slug),
            "fields": _fields(entry_history.last_data or {}),
            **trail,
        }))
    return pages


def _title(entry_history: EntryHistory) -> str:
    return str((entry_history.last_data or {}).get("title") or entry_history.entry_id.split("/")[-1])


def _fields(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """A removed entry's last content as (field name, value) pairs, for a page that labels them from the schema."""
    return [(name, value) for name, value in data.items() if value not in (None, "", [])]


def _domain_groups(domain: Domain, catalogues: list[Catalogue], repo: Repository) -> list[tuple[str, list[tuple[Catalogue, tuple[Entry, ...]]]]]:
    """(level, [(catalogue, entries)]) for the levels that have entries in `domain`, county level first."""
    groups = []
    for level in ("县级", "乡级"):
        members = [(c, repo.in_catalogue(c.slug, domain.slug)) for c in catalogues if c.level == level]
        members = [(c, entries) for c, entries in members if entries]
        if members:
            groups.append((level, members))
    return groups


def site_page_entries(repo: Repository) -> dict[str, list[Entry]]:
    """docs/ path -> the entries it publishes, for the back-links shown on hand-written pages."""
    by_id = {e.id: e for e in repo.entries}
    linked: dict[str, list[Entry]] = defaultdict(list)
    for page in repo.site_pages.values():
        linked[page.path].extend(by_id[i] for i in page.publishes if i in by_id)
    for entry in repo.entries:
        for link in entry.published:
            if link.page and entry not in linked[link.page]:
                linked[link.page].append(entry)
    return dict(linked)
