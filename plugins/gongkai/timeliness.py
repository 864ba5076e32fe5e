"""Was an entry published on time? One entry judged on one day, from its own data: no I/O, no clock.

Published links to site pages carry no date of their own; a caller that knows the page's date should
put it on the link (dataclasses.replace) before asking, or the link counts as undated.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .model import Entry, PublishedLink, TimeClause
from .workdays import BeyondCalendar, deadline_after, roll_to_workday

__all__ = ["STATES", "Timeliness", "assess"]

STATES = {
    "overdue": "逾期未公开",
    "late": "逾期公开",
    "due": "即将到期",
    "unknown": "无法判断",
    "unpublished": "尚未公开",
    "on_time": "按时公开",
    "no_deadline": "无固定时限",
    "on_request": "依申请公开",
}
"""State -> label, worst first as the supervision page lists them."""

_COMPUTABLE = ("deadline", "periodic", "on_request")
_PERIOD_MONTHS = {"月": 1, "季度": 3, "半年": 6, "年": 12}


@dataclass(frozen=True)
class Timeliness:
    state: str
    due: dt.date | None
    """The deadline the state is about (due, overdue, late, on_time); None otherwise."""
    detail: str
    """One sentence a supervisor can read: the dates and the document or pending item concerned."""
    subject: str = ""
    """Title of the published document or pending item concerned, if any."""

    @property
    def label(self) -> str:
        return STATES[self.state]


def assess(entry: Entry, as_of: dt.date, *, soon: int = 30) -> Timeliness:
    """The entry's timeliness on `as_of`; `soon` days before a deadline an unmet one counts as due.

    The first clause that has a computable deadline (deadline, periodic, on_request) decides. A date in a year
    the holiday calendar does not know makes the answer unknown rather than guessed.
    """
    limit = entry.time_limit
    clause = next((c for c in limit.clauses if c.kind in _COMPUTABLE), None)
    if entry.mode == "依申请" or (clause is not None and clause.kind == "on_request"):
        return Timeliness("on_request", None, "依申请公开：从收到每一份申请之日起计算答复期限（《政府信息公开条例》第三十三条），没有统一的公开截止日期。")
    if not limit.clauses:
        return Timeliness("unknown", None, f"公开时限“{limit.text}”还没有结构化读法，无法计算截止日期。")
    if clause is None:
        if entry.published:
            return Timeliness("no_deadline", None, f"公开时限“{limit.text}”没有固定的截止日期；已登记 {len(entry.published)} 条已公开内容。")
        return Timeliness("unpublished", None, f"公开时限“{limit.text}”没有固定的截止日期，还没有登记已公开内容。")
    try:
        if clause.kind == "periodic":
            return _periodic(entry, clause, as_of, soon)
        return _deadline(entry, clause, as_of, soon)
    except BeyondCalendar as exc:
        return Timeliness("unknown", None, str(exc))


def _periodic(entry: Entry, clause: TimeClause, as_of: dt.date, soon: int) -> Timeliness:
    """Judge the last cycle whose deadline has passed: a document dated in (previous deadline, deadline] meets it."""
    end, index = _cycles(clause, as_of)
    while end(index) >= as_of:
        index -= 1
    if roll_to_workday(end(index)) >= as_of:  # the deadline moved off rest days onto today or later: not passed yet
        index -= 1
    deadline, previous = roll_to_workday(end(index)), roll_to_workday(end(index - 1))
    dated = sorted((link for link in entry.published if link.published_on and link.published_on <= as_of), key=_published_on)
    if entry.published and not dated:
        return Timeliness("unknown", None, "已公开内容没有发布日期，无法判断是否按时")
    inside = [link for link in dated if previous < _published_on(link) <= deadline]
    after = [link for link in dated if _published_on(link) > deadline]
    lead = f"截止日期为{_day(deadline)}的一期"
    if inside:
        link = inside[-1]
        result = Timeliness("on_time", deadline, f"{lead}，《{_title(link)}》已于{_day(_published_on(link))}公开，按时。", _title(link))
    elif after:
        link, published = after[0], _published_on(after[0])
        return Timeliness("late", deadline, f"{lead}，《{_title(link)}》{_day(published)}才公开，逾期 {(published - deadline).days} 天。", _title(link))
    else:
        last = f"最近一次公开的是《{_title(dated[-1])}》（{_day(_published_on(dated[-1]))}）" if dated else "从未登记公开内容"
        return Timeliness("overdue", deadline, f"{lead}，截至{_day(as_of)}还没有公开，已逾期 {(as_of - deadline).days} 天；{last}。")
    if not after and (end(index + 1) - as_of).days <= soon:  # `after` holds what was published for the next cycle
        upcoming = roll_to_workday(end(index + 1))
        left = (upcoming - as_of).days
        if left <= soon:
            return Timeliness("due", upcoming, f"下一期的截止日期是{_day(upcoming)}，{_left(left)}，还没有公开；上一期按时公开。")
    return result


def _cycles(clause: TimeClause, as_of: dt.date) -> tuple[Callable[[int], dt.date], int]:
    """The last day (before moving off rest days) of cycle i, increasing with i, and the cycle of `as_of`.

    With `due` a cycle is a year and ends on that date; with `every` cycle i is the i-th month, quarter,
    half-year or year counted from year 0, and ends on its last day.
    """
    if clause.due:
        month, day = int(clause.due[:2]), int(clause.due[3:])
        return (lambda year: dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))), as_of.year
    months = _PERIOD_MONTHS[clause.every]

    def period_end(i: int) -> dt.date:
        year, month = divmod((i + 1) * months - 1, 12)
        return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])

    return period_end, (as_of.year * 12 + as_of.month - 1) // months


def _deadline(entry: Entry, clause: TimeClause, as_of: dt.date, soon: int) -> Timeliness:
    """Deadlines counted from event dates: pending items may be overdue or due; the latest published document late or on time."""
    amount, unit = clause.amount, clause.unit
    if amount is None or not unit:
        return Timeliness("unknown", None, f"公开时限“{entry.time_limit.text}”的结构化读法缺少期限数量或单位，无法计算截止日期。")
    overdue, due, waiting = [], [], []
    for item in entry.pending:
        if (event := item.event_on) is not None:
            end = deadline_after(event, amount, unit)
            lead = f"《{item.title}》的起算日期是{_day(event)}，公开截止日期是{_day(end)}"
            (overdue if as_of > end else due if (end - as_of).days <= soon else waiting).append((end, lead, item.title))
    judged = [(link.published_on, link.event_on, link) for link in entry.published if link.event_on and link.published_on]
    verdict = None
    if judged:
        published, event, link = max(judged, key=lambda row: row[0])
        end = deadline_after(event, amount, unit)
        lead = f"《{_title(link)}》的起算日期是{_day(event)}，公开截止日期是{_day(end)}"
        if published > end:
            verdict = Timeliness("late", end, f"{lead}，{_day(published)}才公开，逾期 {(published - end).days} 天。", _title(link))
        else:
            verdict = Timeliness("on_time", end, f"{lead}，已于{_day(published)}公开，按时。", _title(link))
    if overdue:
        end, lead, title = min(overdue)
        more = f"另有 {len(overdue) - 1} 项待公开信息也已逾期。" if len(overdue) > 1 else ""
        return Timeliness("overdue", end, f"{lead}，截至{_day(as_of)}还没有公开，已逾期 {(as_of - end).days} 天。{more}", title)
    if verdict is not None and verdict.state == "late":
        return verdict
    if due:
        end, lead, title = min(due)
        return Timeliness("due", end, f"{lead}，{_left((end - as_of).days)}，还没有公开。", title)
    if verdict is not None:
        return verdict
    if entry.published:
        return Timeliness("unknown", None, "已公开内容没有起算日期，无法判断是否按时")
    if waiting:
        end, lead, title = min(waiting)
        return Timeliness("unpublished", None, f"{lead}，{_left((end - as_of).days)}，还没有公开。", title)
    return Timeliness("unpublished", None, "还没有登记已公开内容，也没有登记待公开信息及其起算日期。")


def _published_on(link: PublishedLink) -> dt.date:
    return link.published_on or dt.date.min


def _title(link: PublishedLink) -> str:
    return link.title or link.page or link.url


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _left(days: int) -> str:
    return "今天是最后一天" if days == 0 else f"还有 {days} 天"
