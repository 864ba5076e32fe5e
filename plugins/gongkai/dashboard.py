"""Supervision -> the dashboard pages, calendars and reports of the site. Pure: no MkDocs here.

`/jiandu/` has every catalogue and department with its figures; `/jiandu/<catalogue>/` and
`/jiandu/bumen/<department>/` list the entries and standard items behind each figure, under the
anchors the figures link to; `/jiandu/baogao/<period>/` are the current reports, with .xlsx copies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .calendars import Deadline, ics_feed, upcoming_deadlines
from .history import History
from .model import Entry, Repository
from .pages import PageSpec, catalogues_in_order, entry_src, url_of
from .report import PERIODS, Report, build_report, report_xlsx, sections
from .supervision import Figures, Supervision, department_slugs

INDEX_SRC = "jiandu/index.md"
LIST_LIMIT = 300
"""Entries a domain's or department's page lists per state: at province scale they have tens of thousands,
which each catalogue's page (linked from the table above the lists) lists in full."""
REPORT_ROWS_SHOWN = 200
"""Rows of a section a report page shows; a province's yearly report has tens of thousands, the .xlsx has them all."""
ANCHORS = {"missing": "queshi", "not_applicable": "bushiyong", "overdue": "yuqi", "late": "yuqi-gongkai", "due": "jijiang",
           "unknown": "wufa-panduan", "broken": "duanlian"}
"""Where each list stands on a scope page; the figures link there."""


def catalogue_scope_src(slug: str) -> str:
    return f"jiandu/{slug}.md"


def domain_scope_src(slug: str) -> str:
    return f"jiandu/lingyu/{slug}.md"


def department_scope_src(slug: str) -> str:
    return f"jiandu/bumen/{slug}.md"


def report_src(kind: str) -> str:
    return f"jiandu/baogao/{PERIODS[kind][1]}.md"  # type: ignore[index]


def report_file(kind: str, as_of: dt.date) -> str:
    return f"jiandu/baogao/{PERIODS[kind][1]}-{as_of.isoformat()}.xlsx"  # type: ignore[index]


def ics_path(src: str) -> str:
    return src.removesuffix(".md") + ".ics"


@dataclass(frozen=True)
class ScopeRow:
    """One line of a figures table: what it is, where its lists are, and its figures."""

    name: str
    src: str
    figures: Figures


def _catalogue_rows(repo: Repository, supervision: Supervision) -> list[ScopeRow]:
    return [ScopeRow(c.name, catalogue_scope_src(c.slug), supervision.select(catalogue=c.slug).figures())
            for c in catalogues_in_order(repo)]


def _department_rows(supervision: Supervision, slugs: dict[str, str]) -> list[ScopeRow]:
    return [ScopeRow(d, department_scope_src(slugs[d]), supervision.select(department=d).figures())
            for d in supervision.departments()]


def build_reports(repo: Repository, supervision: Supervision, history: History, scope: str) -> dict[str, Report]:
    """The week's, month's, quarter's and year's reports so far, as of the supervision's date."""
    return {kind: build_report(repo, history, supervision, kind, scope) for kind in PERIODS}


def dashboard_pages(repo: Repository, supervision: Supervision, reports: dict[str, Report],
                    wanted: Callable[[str], bool] | None = None) -> list[PageSpec]:
    """The dashboard's pages; `wanted` (src -> bool) leaves out the scope pages a quick rebuild keeps as they were."""
    slugs = department_slugs(supervision.departments())
    common = {"as_of": supervision.as_of, "links_checked": supervision.links_checked, "anchors": ANCHORS}
    pages = [PageSpec(INDEX_SRC, "监督", "supervision", {
        **common,
        "figures": supervision.figures(),
        "catalogue_rows": _catalogue_rows(repo, supervision),
        "department_rows": _department_rows(supervision, slugs),
        "domain_rows": [ScopeRow(d.name, domain_scope_src(d.slug), supervision.select(domain=d.slug).figures())
                        for d in repo.domains_in_order],
        "reports": [(kind, PERIODS[kind][0], report_src(kind)) for kind in PERIODS],
    })]
    ordered = catalogues_in_order(repo)
    for catalogue in ordered:
        if wanted and not wanted(catalogue_scope_src(catalogue.slug)):
            continue
        view = supervision.select(catalogue=catalogue.slug)
        domains = view.present("domain")
        rows = [ScopeRow(d.name, "", view.select(domain=d.slug).figures()) for d in repo.domains_in_order if d.slug in domains]
        src = catalogue_scope_src(catalogue.slug)
        pages.append(PageSpec(src, f"{catalogue.name}：监督", "supervision_scope", {
            **common, "scope": catalogue.name, "view": view, "rows": rows, "row_kind": "领域",
            "ics": ics_path(src), "catalogue": catalogue, "catalogues": repo.catalogues, "list_limit": None,
        }))
    for domain in repo.domains_in_order:
        if wanted and not wanted(domain_scope_src(domain.slug)):
            continue
        view = supervision.select(domain=domain.slug)
        present = view.present("catalogue")
        rows = [ScopeRow(c.name, catalogue_scope_src(c.slug), view.select(catalogue=c.slug).figures())
                for c in ordered if c.slug in present]
        pages.append(PageSpec(domain_scope_src(domain.slug), f"{domain.name}：监督", "supervision_scope", {
            **common, "scope": f"{domain.name}领域", "view": view, "rows": rows, "row_kind": "目录", "ics": "",
            "catalogue": None, "catalogues": repo.catalogues, "list_limit": LIST_LIMIT,
        }))
    for department, slug in slugs.items():
        if wanted and not wanted(department_scope_src(slug)):
            continue
        view = supervision.select(department=department)
        present = view.present("catalogue")
        rows = [ScopeRow(c.name, catalogue_scope_src(c.slug), view.select(catalogue=c.slug).figures())
                for c in ordered if c.slug in present]
        src = department_scope_src(slug)
        pages.append(PageSpec(src, f"{department}：监督", "supervision_scope", {
            **common, "scope": department, "view": view, "rows": rows, "row_kind": "目录",
            "ics": ics_path(src), "catalogue": None, "catalogues": repo.catalogues, "list_limit": LIST_LIMIT,
        }))
    for kind, report in reports.items():
        pages.append(PageSpec(report_src(kind), report.title, "report", {
            **common, "report": report, "sections": sections(report), "xlsx": report_file(kind, supervision.as_of),
            "shown": REPORT_ROWS_SHOWN,
        }))
    return pages


def dashboard_files(repo: Repository, supervision: Supervision, reports: dict[str, Report], *, site_url: str,
                    directory_urls: bool, stamp: dt.datetime) -> dict[str, bytes]:
    """The calendars (one per catalogue and department) and the reports' .xlsx copies, by site path."""
    base = site_url.rstrip("/") + "/"

    def url(entry: Entry) -> str:
        return base + url_of(entry_src(entry), directory_urls)

    names = {c.slug: c.name for c in repo.catalogues.values()}
    by_catalogue: dict[str, list[Deadline]] = {slug: [] for slug in repo.catalogues}
    by_department: dict[str, list[Deadline]] = {}
    for check in supervision.checks:  # grouped once: a province has 700 catalogues and as many departments
        for deadline in upcoming_deadlines(check.entry, supervision.as_of):
            by_catalogue[check.entry.catalogue].append(deadline)
            by_department.setdefault(check.department, []).append(deadline)
    outputs: dict[str, bytes] = {}

    def feed(src: str, title: str, deadlines: list[Deadline]) -> None:
        outputs[ics_path(src)] = ics_feed(title, deadlines, url_of=url, stamp=stamp, catalogue_names=names)

    for catalogue in repo.catalogues.values():
        feed(catalogue_scope_src(catalogue.slug), f"{catalogue.name}公开截止日期", by_catalogue[catalogue.slug])
    for department, slug in department_slugs(supervision.departments()).items():
        feed(department_scope_src(slug), f"{department}公开截止日期", by_department.get(department, []))
    for kind, report in reports.items():
        outputs[report_file(kind, supervision.as_of)] = report_xlsx(report)
    return outputs


