"""The typed model: frozen dataclasses built from validated documents. Raw dicts stop here."""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .loader import SourceDoc


def iso_date(text: str) -> dt.date | None:
    """A YYYY-MM-DD text as a date; None when empty or impossible (validation reports those)."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Guideline:
    title: str
    issuer: str
    year: int
    number: str = ""


@dataclass(frozen=True, slots=True)
class StandardItem:
    l1: str
    l2: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Domain:
    slug: str
    path: str
    name: str
    order: int
    lead_departments: tuple[str, ...]
    guideline: Guideline
    standard_items: tuple[StandardItem, ...]
    variants: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Reviewer:
    name: str
    github: str
    department: str = ""


@dataclass(frozen=True, slots=True)
class Catalogue:
    slug: str
    path: str
    name: str
    government: str
    level: str
    region: str
    kind: str
    reviewers: tuple[Reviewer, ...]
    parent: str = ""
    region_code: str = ""
    description: str = ""
    not_applicable: tuple[NotApplicable, ...] = ()


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """A standard item of a domain's guideline that this government has no duty for, and why."""

    domain: str
    l1: str
    l2: str
    reason: str


@dataclass(frozen=True, slots=True)
class BasisItem:
    title: str
    number: str = ""
    articles: str = ""


@dataclass(frozen=True, slots=True)
class TimeClause:
    kind: str
    anchor: str = ""
    amount: int | None = None
    unit: str = ""
    every: str = ""
    due: str = ""
    applies_to: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class TimeLimit:
    """The wording as written, and its structured reading; no clauses means nobody has read it yet."""

    text: str
    clauses: tuple[TimeClause, ...]
    law_may_override: bool = False


@dataclass(frozen=True, slots=True)
class PublishedLink:
    """Something actually published under an entry: an external document or a page of this site."""

    title: str = ""
    url: str = ""
    date: str = ""
    page: str = ""
    event_date: str = ""

    @property
    def published_on(self) -> dt.date | None:
        return iso_date(self.date)

    @property
    def event_on(self) -> dt.date | None:
        return iso_date(self.event_date)


@dataclass(frozen=True, slots=True)
class Pending:
    """Something that has happened and must be published under the entry's time limit, but is not yet."""

    title: str
    event_date: str

    @property
    def event_on(self) -> dt.date | None:
        return iso_date(self.event_date)


@dataclass(frozen=True, slots=True)
class SitePage:
    """A hand-written page under docs/, with the entries its front matter says it publishes."""

    path: str
    """Relative to docs/, as entries write it in `published: - page: ...`."""
    title: str
    date: str = ""
    publishes: tuple[str, ...] = ()

    @property
    def published_on(self) -> dt.date | None:
        return iso_date(self.date)


@dataclass(frozen=True, slots=True)
class Entry:
    catalogue: str
    domain: str
    slug: str
    path: str
    l1: str
    title: str
    content: str
    basis: tuple[BasisItem, ...]
    time_limit: TimeLimit
    subject: str
    channels: tuple[str, ...]
    audience: str
    mode: str
    level: tuple[str, ...]
    l3: str = ""
    channels_other: tuple[str, ...] = ()
    audience_detail: str = ""
    published: tuple[PublishedLink, ...] = ()
    pending: tuple[Pending, ...] = ()
    note: str = ""

    @property
    def id(self) -> str:
        """Stable across edits: derived from the path, never from the content."""
        return f"{self.catalogue}/{self.domain}/{self.slug}"


def domain_from(doc: SourceDoc) -> Domain:
    d = doc.data
    return Domain(
        slug=doc.place.domain,
        path=doc.path,
        name=d["name"],
        order=d["order"],
        lead_departments=tuple(d["lead_departments"]),
        guideline=Guideline(**d["guideline"]),
        standard_items=tuple(StandardItem(i["l1"], tuple(i["l2"])) for i in d["standard_items"]),
        variants=tuple(d.get("variants", ())),
        description=d.get("description", ""),
    )


def catalogue_from(doc: SourceDoc) -> Catalogue:
    d = doc.data
    return Catalogue(
        slug=doc.place.catalogue,
        path=doc.path,
        name=d["name"],
        government=d["government"],
        level=d["level"],
        region=d["region"],
        kind=d["kind"],
        reviewers=tuple(Reviewer(**r) for r in d["reviewers"]),
        parent=d.get("parent", ""),
        region_code=d.get("region_code", ""),
        description=d.get("description", ""),
        not_applicable=tuple(NotApplicable(**n) for n in d.get("not_applicable", ())),
    )


def _shared(value: Any) -> Any:
    """The value with each of its strings interned: entries repeat their catalogue's, domain's and laws' words,
    and the copies a worker parses are then one object each, pickled once for all the entries it sends back."""
    if type(value) is str:
        return sys.intern(value)
    if isinstance(value, dict):
        return {k: _shared(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shared(v) for v in value]
    return value


def entry_from(doc: SourceDoc) -> Entry:
    d = _shared(doc.data)
    limit = d["time_limit"]
    return Entry(
        catalogue=sys.intern(doc.place.catalogue),
        domain=sys.intern(doc.place.domain),
        slug=doc.place.slug,
        path=doc.path,
        l1=d["l1"],
        title=d["title"],
        content=d["content"],
        basis=tuple(BasisItem(**b) for b in d["basis"]),
        time_limit=TimeLimit(
            text=limit["text"],
            clauses=tuple(TimeClause(**c) for c in limit.get("clauses", ())),
            law_may_override=limit.get("law_may_override", False),
        ),
        subject=d["subject"],
        channels=tuple(d["channels"]),
        audience=d["audience"],
        mode=d["mode"],
        level=tuple(d["level"]),
        l3=d.get("l3", ""),
        channels_other=tuple(d.get("channels_other", ())),
        audience_detail=d.get("audience_detail", ""),
        published=tuple(PublishedLink(**p) for p in d.get("published", ())),
        pending=tuple(Pending(**p) for p in d.get("pending", ())),
        note=d.get("note", ""),
    )


@dataclass(frozen=True, slots=True)
class Repository:
    """Every domain, catalogue and entry, with the indexes pages and reports need."""

    domains: dict[str, Domain]
    catalogues: dict[str, Catalogue]
    entries: tuple[Entry, ...]
    site_pages: dict[str, SitePage] = field(default_factory=dict)
    _by_catalogue_domain: dict[tuple[str, str], tuple[Entry, ...]] = field(default_factory=dict, repr=False)

    def in_catalogue(self, catalogue: str, domain: str) -> tuple[Entry, ...]:
        return self._by_catalogue_domain.get((catalogue, domain), ())

    def children(self, catalogue: str) -> list[Catalogue]:
        return [c for c in self.catalogues.values() if c.parent == catalogue]

    @property
    def domains_in_order(self) -> list[Domain]:
        return sorted(self.domains.values(), key=lambda d: (d.order, d.slug))


def build_repository(
    domains: Iterable[Domain], catalogues: Iterable[Catalogue], entries: Iterable[Entry], site_pages: Iterable[SitePage] = ()
) -> Repository:
    ordered = tuple(sorted(entries, key=lambda e: e.id))
    index: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in ordered:
        index[(entry.catalogue, entry.domain)].append(entry)
    return Repository(
        domains={d.slug: d for d in sorted(domains, key=lambda d: d.slug)},
        catalogues={c.slug: c for c in sorted(catalogues, key=lambda c: c.slug)},
        entries=ordered,
        site_pages={p.path: p for p in sorted(site_pages, key=lambda p: p.path)},
        _by_catalogue_domain={k: tuple(v) for k, v in index.items()},
    )
