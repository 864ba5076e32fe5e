"""iCalendar feeds of the coming publication deadlines, for the calendar staff already use.

A deadline is known from the data in two ways: a periodic time limit (每年3月31日前, 每季度) gives
the next date by itself; a 待公开 item gives its event date, and the time limit counts from it.
Where the holiday arrangements of a year are not yet published the date is not moved to a working
day, and the event says so instead of pretending.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import Entry, TimeClause
from .workdays import BeyondCalendar, deadline_after, roll_to_workday

_PERIOD_MONTHS = {"月": 1, "季度": 3, "半年": 6, "年": 12}


@dataclass(frozen=True)
class Deadline:
    day: dt.date
    entry: Entry
    what: str
    note: str = ""


def _rolled(day: dt.date) -> tuple[dt.date, str]:
    try:
        return roll_to_workday(day), ""
    except BeyondCalendar as exc:
        return day, f"如遇节假日按规定顺延：{exc}"


def _period_end(day: dt.date, months: int) -> dt.date:
    first_month = (day.month - 1) // months * months + 1
    after = dt.date(day.year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return after - dt.timedelta(days=1)


def _periodic(entry: Entry, clause: TimeClause, as_of: dt.date) -> Iterable[Deadline]:
    if clause.due:
        month, day = (int(part) for part in clause.due.split("-"))
        for year in (as_of.year, as_of.year + 1):
            try:
                fixed = dt.date(year, month, day)
            except ValueError:  # 02-29 in a common year: the last day of February
                fixed = dt.date(year, 3, 1) - dt.timedelta(days=1)
            due, note = _rolled(fixed)
            if due >= as_of:
                yield Deadline(due, entry, f"{year}年{clause.applies_to or entry.title}", note)
                return
    elif clause.every in _PERIOD_MONTHS:
        end = _period_end(as_of, _PERIOD_MONTHS[clause.every])
        due, note = _rolled(end)
        yield Deadline(due, entry, f"本{clause.every}{clause.applies_to or entry.title}", note)


def upcoming_deadlines(entry: Entry, as_of: dt.date) -> list[Deadline]:
    """The next deadline of each periodic time limit and of each 待公开 item, from `as_of` on; none for 依申请 entries."""
    if entry.mode == "依申请":
        return []
    found: list[Deadline] = []
    for clause in entry.time_limit.clauses:
        if clause.kind == "periodic":
            found.extend(_periodic(entry, clause, as_of))
        elif clause.kind == "deadline" and clause.amount and clause.unit:
            for pending in entry.pending:
                event = pending.event_on
                if event is None:
                    continue
                try:
                    due = deadline_after(event, clause.amount, clause.unit)
                except BeyondCalendar:
                    continue  # the dashboard lists it as 无法判断, with the reason
                if due >= as_of:
                    found.append(Deadline(due, entry, pending.title))
            break  # the first counted time limit is the one a pending item runs under
    return sorted(found, key=lambda d: (d.day, d.what))


def ics_feed(name: str, deadlines: Iterable[Deadline], *, url_of: Callable[[Entry], str], stamp: dt.datetime,
             catalogue_names: dict[str, str]) -> bytes:
    """One all-day event per deadline; UIDs come from the entry and the date, so calendars update in place."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//gongkai//政务公开事项目录//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for deadline in deadlines:
        entry = deadline.entry
        event = Event()
        event.add("uid", f"{entry.id}/{deadline.day.isoformat()}/{zlib.crc32(deadline.what.encode()):08x}@gongkai")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.day)
        event.add("dtend", deadline.day + dt.timedelta(days=1))
        event.add("summary", f"公开截止：{deadline.what}（{entry.title}）")
        lines = [f"目录：{catalogue_names.get(entry.catalogue, entry.catalogue)}", f"公开主体：{entry.subject}",
                 f"公开时限：{entry.time_limit.text}"]
        if deadline.note:
            lines.append(deadline.note)
        link = url_of(entry)
        lines.append(f"事项页面：{link}")
        event.add("description", "\n".join(lines))
        event.add("url", link)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
