"""What an edit changes, for `mkdocs serve`: the pages that show the edited entries, and nothing else.

At 10,000 entries a full build takes half a minute; a department editing one entry wants to see it at
once. When `mkdocs serve --dirty` rebuilds after entry files changed (and nothing else in the data), the
plugin regenerates only the pages `affected` names; the others stay as the last build wrote them.
Search, the link check, feeds and reports wait for the next full build (`mkdocs build`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .dashboard import catalogue_scope_src, department_scope_src, domain_scope_src

if TYPE_CHECKING:
    from .model import Repository
    from .pages import PageSpec

PER_ENTRY_KINDS = frozenset({"entry", "removed", "catalogue", "domain", "supervision_scope", "report", "changes"})
"""Pages of which there is one per entry, catalogue, domain, department or period: regenerated only when they
show an edited entry. The others (home, lists, search, the dashboard's first page) are few and always are."""


def changed_entries(previous: Repository | None, current: Repository) -> set[str] | None:
    """The ids of the entries that differ between two builds' models, or None when more than entries changed
    (a domain, a catalogue, a site page, an entry added or removed): then only a full build is right."""
    if previous is None or (previous.domains, previous.catalogues, previous.site_pages) != (
            current.domains, current.catalogues, current.site_pages):
        return None
    old = {e.id: e for e in previous.entries}
    new = {e.id: e for e in current.entries}
    if old.keys() != new.keys():
        return None
    return {entry_id for entry_id, entry in new.items() if entry != old[entry_id]}


def scope_pages(changed: set[str], repo: Repository, departments: dict[str, str]) -> set[str]:
    """The dashboard's pages of the catalogues, domains and departments of these entries; `departments` maps an
    entry id to its department's page slug."""
    entries = [e for e in repo.entries if e.id in changed]
    return ({catalogue_scope_src(e.catalogue) for e in entries} | {domain_scope_src(e.domain) for e in entries}
            | {department_scope_src(departments[e.id]) for e in entries if e.id in departments})


def affected(specs: list[PageSpec], changed: set[str], repo: Repository, scopes: set[str]) -> list[PageSpec]:
    """The pages to regenerate when these entries changed (`scopes`: their dashboard pages, scope_pages)."""
    entries = [e for e in repo.entries if e.id in changed]
    catalogues = {e.catalogue for e in entries}
    domains = {e.domain for e in entries}

    def shows(spec: PageSpec) -> bool:
        if spec.kind not in PER_ENTRY_KINDS:
            return True
        context = spec.context
        if spec.kind == "entry":
            return context["entry"].id in changed
        if spec.kind == "catalogue":
            return context["catalogue"].slug in catalogues
        if spec.kind == "domain":
            return context["domain"].slug in domains
        if spec.kind == "changes":
            return spec.in_nav  # its first page, in the navigation; the history did not change
        return spec.src_uri in scopes

    return [spec for spec in specs if shows(spec)]


class QuietDirtyWarning(logging.Filter):
    """`mkdocs serve --dirty` warns that a dirty build may leave navigation stale, which fails `--strict`; the
    plugin regenerates every page an edit changes, so the warning does not apply to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "A 'dirty' build is being performed" not in record.getMessage()
