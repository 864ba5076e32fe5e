"""周小结、月报告、季通报、年考核: one period's changes, completeness, timeliness and broken links, by department.

The period runs from the first day of the week (Monday), month, quarter or year that contains
`as_of` up to and including `as_of`, in Beijing time, so a report made on any day covers the period
so far and one made on its last day covers all of it. Changes come from the audit trail; the other
figures are the `Supervision` as of `as_of`. A report is data first (`Report`); Markdown and
Excel are two ways of writing the same rows.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Literal

from .clock import CHINA
from .coverage import StandardStatus
from .history import History
from .model import Repository
from .supervision import EntryCheck, Figures, Supervision

PeriodKind = Literal["week", "month", "quarter", "year"]
PERIODS: dict[PeriodKind, tuple[str, str]] = {
    "week": ("周小结", "zhou"), "month": ("月报告", "yue"), "quarter": ("季通报", "ji"), "year": ("年考核", "nian"),
}
"""Each period's name in the seeds' wording (周小结、月报告、季通报、年考核) and its URL name on the site."""

CHANGE_ORDER = ("created", "restored", "modified", "renamed", "removed")
CHANGE_NAMES = {"created": "新增", "restored": "重新发布", "modified": "修改", "renamed": "移动", "removed": "撤销"}


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: dt.date
    end: dt.date

    @property
    def name(self) -> str:
        return PERIODS[self.kind][0]

    @property
    def span(self) -> str:
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def period_of(kind: PeriodKind, as_of: dt.date) -> Period:
    if kind == "week":
        start = as_of - dt.timedelta(days=as_of.weekday())
    elif kind == "month":
        start = as_of.replace(day=1)
    elif kind == "quarter":
        start = dt.date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    else:
        start = dt.date(as_of.year, 1, 1)
    return Period(kind, start, as_of)


@dataclass(frozen=True)
class ChangeLine:
    day: dt.date
    entry_id: str
    title: str
    catalogue: str
    kind: str
    author: str
    fields: tuple[str, ...]
    """The Chinese labels of the fields a modification touched."""

    @property
    def kind_name(self) -> str:
        return CHANGE_NAMES.get(self.kind, self.kind)


@dataclass(frozen=True)
class DepartmentRow:
    department: str
    figures: Figures


@dataclass(frozen=True)
class Report:
    scope: str
    period: Period
    changes: tuple[ChangeLine, ...]
    total: Figures
    departments: tuple[DepartmentRow, ...]
    overdue: tuple[EntryCheck, ...]
    late: tuple[EntryCheck, ...]
    due: tuple[EntryCheck, ...]
    unknown: tuple[EntryCheck, ...]
    broken: tuple[EntryCheck, ...]
    missing: tuple[StandardStatus, ...]
    links_checked: bool

    @property
    def title(self) -> str:
        return f"{self.scope}政务公开{self.period.name}（{self.period.span}）"

    def change_counts(self) -> dict[str, int]:
        return {kind: sum(c.kind == kind for c in self.changes) for kind in CHANGE_ORDER}


def _changes(repo: Repository, history: History, period: Period, catalogue: str | None) -> list[ChangeLine]:
    titles = {e.id: e.title for e in repo.entries}
    lines = []
    for entry_history, change in history.recent():
        if change.commit is None or (catalogue and entry_history.entry_id.split("/")[0] != catalogue):
            continue
        day = change.commit.date.astimezone(CHINA).date()
        if not period.start <= day <= period.end:
            continue
        owner = repo.catalogues.get(entry_history.entry_id.split("/")[0])
        title = titles.get(entry_history.entry_id) or str((entry_history.last_data or {}).get("title") or entry_history.entry_id)
        lines.append(ChangeLine(day, entry_history.entry_id, title, owner.name if owner else "", change.kind,
                                change.commit.author, tuple(f.label for f in change.fields)))
    return sorted(lines, key=lambda c: (c.day, c.entry_id, c.kind))


def build_report(repo: Repository, history: History, supervision: Supervision, kind: PeriodKind, scope: str,
                 catalogue: str | None = None) -> Report:
    """The report for the period of `kind` that ends on the supervision's date (changes of one catalogue, if given)."""
    period = period_of(kind, supervision.as_of)
    rows = tuple(DepartmentRow(d, supervision.select(department=d).figures()) for d in supervision.departments())
    return Report(
        scope=scope, period=period, changes=tuple(_changes(repo, history, period, catalogue)),
        total=supervision.figures(), departments=rows,
        overdue=tuple(supervision.in_state("overdue")), late=tuple(supervision.in_state("late")),
        due=tuple(supervision.in_state("due")), unknown=tuple(supervision.in_state("unknown")),
        broken=tuple(supervision.with_broken_links()), missing=tuple(supervision.standards_in("missing")),
        links_checked=supervision.links_checked,
    )


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


DEPARTMENT_COLUMNS = ("部门", "应编标准事项", "已编入", "缺失", "不适用", "完整率", "事项数", "逾期未公开", "逾期公开", "即将到期",
                      "无法判断", "断链")


def department_cells(row: DepartmentRow) -> list[str | int]:
    f = row.figures
    return [row.department, f.expected, f.present, f.missing, f.not_applicable, percent(f.coverage), f.entries, f.overdue,
            f.late, f.due, f.unknown, f.broken]


def _check_cells(check: EntryCheck) -> list[str]:
    t = check.timeliness
    return [check.department, check.entry.title, check.entry.id, t.label, t.due.isoformat() if t.due else "", t.detail]


def _broken_rows(report: Report) -> list[list[str | int]]:
    return [[c.department, c.entry.title, c.entry.id, b.title, b.url, b.reason] for c in report.broken for b in c.broken]


def _missing_cells(s: StandardStatus) -> list[str]:
    return [s.department, s.catalogue.name, s.domain.name, s.l1, s.l2]


def sections(report: Report) -> list[tuple[str, tuple[str, ...], list[list[str | int]], str]]:
    """(heading, columns, rows, what to say when empty): the tables both writers lay out."""
    counts = report.change_counts()
    summary = [["标准事项完整率", percent(report.total.coverage)], ["应编标准事项", report.total.expected],
               ["缺失", report.total.missing], ["不适用", report.total.not_applicable], ["事项数", report.total.entries],
               ["逾期未公开", report.total.overdue], ["逾期公开", report.total.late], ["即将到期", report.total.due],
               ["无法判断", report.total.unknown],
               ["断链", report.total.broken if report.links_checked else "未检查"],
               *[[f"本期{CHANGE_NAMES[k]}", counts[k]] for k in CHANGE_ORDER]]
    return [
        ("概况", ("项目", "数值"), summary, ""),
        ("各部门情况", DEPARTMENT_COLUMNS, [department_cells(r) for r in report.departments], "没有部门。"),
        ("本期变更", ("日期", "事项", "事项编号", "目录", "变更", "提交人", "修改的字段"),
         [[c.day.isoformat(), c.title, c.entry_id, c.catalogue, c.kind_name, c.author, "、".join(c.fields)] for c in report.changes],
         "本期没有变更。"),
        ("逾期未公开", ("部门", "事项", "事项编号", "状态", "截止日期", "说明"), [_check_cells(c) for c in report.overdue], "没有逾期未公开的事项。"),
        ("逾期公开", ("部门", "事项", "事项编号", "状态", "截止日期", "说明"), [_check_cells(c) for c in report.late], "没有逾期公开的事项。"),
        ("即将到期", ("部门", "事项", "事项编号", "状态", "截止日期", "说明"), [_check_cells(c) for c in report.due], "没有即将到期的事项。"),
        ("无法判断时效", ("部门", "事项", "事项编号", "状态", "截止日期", "说明"), [_check_cells(c) for c in report.unknown],
         "没有无法判断的事项。"),
        ("断链", ("部门", "事项", "事项编号", "链接标题", "网址", "原因"), _broken_rows(report),
         "没有断链。" if report.links_checked else "本次没有检查外部链接（运行 gongkai check-urls 后重新生成）。"),
        ("缺失的标准事项", ("部门", "目录", "领域", "一级事项", "二级事项"), [_missing_cells(s) for s in report.missing],
         "标准事项都已编入目录。"),
    ]


def _md_cell(value: object) -> str:
    """Department text in a Markdown table cell: no pipes, no line breaks, no markup."""
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for mark in "*_`[]<>#":
        text = text.replace(mark, "\\" + mark)
    return text


def report_markdown(report: Report) -> str:
    out = [f"# {_md_cell(report.title)}", "", f"统计日期：{report.period.end.isoformat()}（北京时间）", ""]
    for heading, columns, rows, empty in sections(report):
        out += [f"## {heading}", ""]
        if not rows:
            out += [empty, ""]
            continue
        out.append("| " + " | ".join(columns) + " |")
        out.append("|" + " --- |" * len(columns))
        out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
        out.append("")
    return "\n".join(out)


def report_xlsx(report: Report) -> bytes:
    """One sheet per section, header row frozen, text stored as text (a cell never becomes a formula).

    Written by XlsxWriter row by row (constant memory): the yearly report of a province has tens of thousands
    of rows.
    """
    import xlsxwriter

    from .excel import XLSX_OPTIONS, write_cell

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {**XLSX_OPTIONS, "constant_memory": True})
    bold, quoted = book.add_format({"bold": True}), book.add_format({"quote_prefix": True})
    for heading, columns, rows, empty in sections(report):
        sheet = book.add_worksheet(heading[:31])
        sheet.freeze_panes(1, 0)
        for index, column in enumerate(columns):
            sheet.set_column(index, index, max(10, min(40, 2 * len(column) + 4)))
            sheet.write_string(0, index, column, bold)
        for number, row in enumerate(rows or [[empty]], 1):
            for index, value in enumerate(row):
                write_cell(sheet, number, index, value, quoted=quoted)
    book.set_properties({"title": report.title})
    book.close()
    return buffer.getvalue()
