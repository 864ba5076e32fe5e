"""What superiors monitor, as of one date: completeness, timeliness and broken links, by catalogue and department.

One pass over the model gives a `Supervision`; the dashboard pages, the calendars and the reports
all read their figures from it, so that a number on one of them is the same number on the others.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from .coverage import StandardStatus, department_of, standard_statuses
from .model import Entry, Repository
from .paths import slug_of
from .pinyin import in_new_process
from .timeliness import Timeliness, assess
from .urlcheck import BrokenLink, UrlResult, broken_links


@dataclass(frozen=True)
class EntryCheck:
    entry: Entry
    department: str
    timeliness: Timeliness
    broken: tuple[BrokenLink, ...] = ()


@dataclass(frozen=True)
class Figures:
    present: int
    missing: int
    not_applicable: int
    entries: int
    overdue: int
    late: int
    due: int
    unknown: int
    broken: int

    @property
    def expected(self) -> int:
        return self.present + self.missing

    @property
    def coverage(self) -> float | None:
        return self.present / self.expected if self.expected else None


@dataclass(frozen=True)
class Supervision:
    as_of: dt.date
    standards: tuple[StandardStatus, ...]
    checks: tuple[EntryCheck, ...]
    links_checked: bool
    """Whether link results were at hand; without them the broken-link figures say nothing."""

    @cached_property
    def _groups(self) -> dict[tuple[str, str], tuple[list[StandardStatus], list[EntryCheck]]]:
        """Standards and checks by (criterion, value), in their order: the dashboard selects once per
        catalogue, department and domain, and a scan of everything for each would be quadratic."""
        groups: dict[tuple[str, str], tuple[list[StandardStatus], list[EntryCheck]]] = defaultdict(lambda: ([], []))
        for s in self.standards:
            for key in (("catalogue", s.catalogue.slug), ("department", s.department), ("domain", s.domain.slug)):
                groups[key][0].append(s)
        for c in self.checks:
            for key in (("catalogue", c.entry.catalogue), ("department", c.department), ("domain", c.entry.domain)):
                groups[key][1].append(c)
        return dict(groups)

    def present(self, name: str) -> set[str]:
        """The catalogues, departments or domains (`name`) that have a standard item or an entry in this view."""
        return {value for criterion, value in self._groups if criterion == name}

    def select(self, *, catalogue: str | None = None, department: str | None = None, domain: str | None = None) -> Supervision:
        """The same view narrowed to one catalogue, department or domain (or several at once)."""
        wanted = [(name, value) for name, value in (("catalogue", catalogue), ("department", department), ("domain", domain))
                  if value is not None]
        if not wanted:
            return self
        standards, checks = self._groups.get(wanted[0], ([], []))
        for name, value in wanted[1:]:
            standards = [s for s in standards if _standard_key(s, name) == value]
            checks = [c for c in checks if _check_key(c, name) == value]
        return replace(self, standards=tuple(standards), checks=tuple(checks))

    def in_state(self, state: str) -> list[EntryCheck]:
        return [c for c in self.checks if c.timeliness.state == state]

    def with_broken_links(self) -> list[EntryCheck]:
        return [c for c in self.checks if c.broken]

    def standards_in(self, state: str) -> list[StandardStatus]:
        return [s for s in self.standards if s.state == state]

    def figures(self) -> Figures:
        return Figures(
            present=len(self.standards_in("present")),
            missing=len(self.standards_in("missing")),
            not_applicable=len(self.standards_in("not_applicable")),
            entries=len(self.checks),
            overdue=len(self.in_state("overdue")),
            late=len(self.in_state("late")),
            due=len(self.in_state("due")),
            unknown=len(self.in_state("unknown")),
            broken=sum(len(c.broken) for c in self.checks),
        )

    def departments(self) -> list[str]:
        """Everyone who answers for an entry or a standard item, in a stable order."""
        return sorted({c.department for c in self.checks} | {s.department for s in self.standards})

    def by_entry(self) -> dict[str, EntryCheck]:
        return {c.entry.id: c for c in self.checks}


def _standard_key(status: StandardStatus, name: str) -> str:
    return {"catalogue": status.catalogue.slug, "department": status.department, "domain": status.domain.slug}[name]


def _check_key(check: EntryCheck, name: str) -> str:
    return {"catalogue": check.entry.catalogue, "department": check.department, "domain": check.entry.domain}[name]


def department_slugs(departments: list[str]) -> dict[str, str]:
    """A URL-safe name per department, stable for a given set of names."""
    return dict(_slugs(tuple(sorted(departments))))


@lru_cache(maxsize=8)
def _slugs(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Kept for the same names: a build asks three times, and each asking starts a Python of its own (0.3 s)."""
    slugs: dict[str, str] = {}
    for name, words in zip(names, in_new_process(names), strict=True):
        slugs[name] = slug_of(words, set(slugs.values()))
    return tuple(slugs.items())


def supervise(repo: Repository, as_of: dt.date, results: Mapping[str, UrlResult] | None = None,
              previous: Supervision | None = None) -> Supervision:
    """Every entry's check as of a day. `previous` (the last build's, same site pages: a quick `mkdocs serve`
    rebuild) lends the checks of the entries that did not change."""
    broken_by_entry: dict[str, list[BrokenLink]] = {}
    for link in broken_links(repo, dict(results or {})):
        broken_by_entry.setdefault(link.entry_id, []).append(link)
    earlier = {c.entry.id: c for c in previous.checks} if previous is not None and previous.as_of == as_of else {}

    def check(entry: Entry) -> EntryCheck:
        broken = tuple(broken_by_entry.get(entry.id, ()))
        old = earlier.get(entry.id)
        if old is not None and old.broken == broken and old.entry == entry:
            return old
        return EntryCheck(entry, department_of(entry.subject), assess(_dated(entry, repo), as_of), broken)

    checks = tuple(check(entry) for entry in repo.entries)
    return Supervision(as_of, tuple(standard_statuses(repo)), checks, links_checked=bool(results))


def _dated(entry: Entry, repo: Repository) -> Entry:
    """A link to a page of this site is published when the page says it was (its front matter `date`)."""
    if not any(link.page and not link.date for link in entry.published):
        return entry
    published = tuple(
        replace(link, date=repo.site_pages[link.page].date) if link.page and not link.date and link.page in repo.site_pages else link
        for link in entry.published
    )
    return replace(entry, published=published)
