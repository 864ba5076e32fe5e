"""Completeness: which standard items of each domain's guideline a catalogue has, lacks, or has no duty for.

A catalogue covers a standard item when it has an entry in that domain with the same 一级事项 and
二级事项 (compared without blanks and with full-width forms folded, as departments type them).
An item the catalogue marks `not_applicable` (with a reason) is neither present nor missing.
Each item belongs to a department: the subject of the entry that covers it, or else the domain's
lead department (county catalogues) or the township government (township catalogues), since that
is who has to add it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .model import Catalogue, Domain, Entry, Repository

CoverageState = Literal["present", "missing", "not_applicable"]
COVERAGE_LABELS: dict[CoverageState, str] = {"present": "已编入", "missing": "缺失", "not_applicable": "不适用"}

_SEPARATORS = re.compile(r"[、，,；;/\s]+")
_TRAILER = re.compile(r"[（(][^）)]*[）)]$|等[^、]*部门$")
"""“县公安局（各派出所）” and “县发展和改革局等相关审批部门” answer as 县公安局 and 县发展和改革局."""


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def department_of(subject: str) -> str:
    """The first body named in a 公开主体 such as “县民政局、各乡镇人民政府”: the one that answers for the entry."""
    first = _SEPARATORS.split(subject.strip(), maxsplit=1)[0]
    first = _TRAILER.sub("", first).strip()
    return first or subject.strip()


@dataclass(frozen=True)
class StandardStatus:
    catalogue: Catalogue
    domain: Domain
    l1: str
    l2: str
    state: CoverageState
    department: str
    entries: tuple[Entry, ...] = ()
    reason: str = ""

    @property
    def label(self) -> str:
        return COVERAGE_LABELS[self.state]


def responsible(catalogue: Catalogue, domain: Domain) -> str:
    """Who must add a missing standard item to this catalogue."""
    if catalogue.level == "乡级" or not domain.lead_departments:
        return catalogue.government
    return domain.lead_departments[0]


def standard_statuses(repo: Repository, catalogues: Iterable[Catalogue] | None = None) -> list[StandardStatus]:
    """Every (catalogue, standard item) pair in the domains the catalogue has entries in or marks, in a stable order.

    A catalogue is measured only against the domains it takes part in: a township with no 户籍管理
    duties has no 户籍管理 entries, and counting all 26 domains against it would say nothing.
    """
    statuses: list[StandardStatus] = []
    for catalogue in catalogues if catalogues is not None else repo.catalogues.values():
        marked = {(n.domain, _key(n.l1), _key(n.l2)): n.reason for n in catalogue.not_applicable}
        taking_part = {d for d, _, _ in marked}
        for domain in repo.domains_in_order:
            entries = repo.in_catalogue(catalogue.slug, domain.slug)
            if not entries and domain.slug not in taking_part:
                continue
            by_item: dict[tuple[str, str], list[Entry]] = {}
            for entry in entries:
                by_item.setdefault((_key(entry.l1), _key(entry.title)), []).append(entry)
            for item in domain.standard_items:
                for l2 in item.l2:
                    key = (_key(item.l1), _key(l2))
                    found = tuple(by_item.get(key, ()))
                    reason = marked.get((domain.slug, *key), "")
                    if found:
                        state: CoverageState = "present"
                        department = department_of(found[0].subject)
                    elif reason:
                        state, department = "not_applicable", responsible(catalogue, domain)
                    else:
                        state, department = "missing", responsible(catalogue, domain)
                    statuses.append(StandardStatus(catalogue, domain, item.l1, l2, state, department, found, reason))
    return statuses
