"""Working days and period ends on China's official calendar (法定节假日 and 调休), for 公开时限.

Only the years chinese-calendar has the State Council's arrangements for are counted: any other year
raises BeyondCalendar. A guess from weekends alone would be wrong around every holiday, and a wrong
deadline would be published as fact.
"""

from __future__ import annotations

import calendar
import datetime as dt
from importlib.metadata import version

import chinese_calendar

__all__ = ["BeyondCalendar", "add_workdays", "deadline_after", "is_workday", "known_years", "roll_to_workday"]

_FIRST_YEAR = min(chinese_calendar.holidays).year
_LAST_YEAR = max(chinese_calendar.holidays).year


def known_years() -> tuple[int, int]:
    """The first and last year whose holidays and 调休 the installed chinese-calendar knows."""
    return _FIRST_YEAR, _LAST_YEAR


class BeyondCalendar(Exception):
    """A date in a year the calendar does not know: the holidays of that year cannot be assumed."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.first, self.last = known_years()
        known = f"chinese-calendar {version('chinese-calendar')} 收录 {self.first}—{self.last} 年"
        if year > self.last:
            message = f"{year} 年的法定节假日和调休安排还没有收录（{known}），无法按工作日计算；升级 chinese-calendar 后重新构建。"
        else:
            message = f"{year} 年的法定节假日和调休安排没有收录（{known}），无法按工作日计算。"
        super().__init__(message)


def is_workday(day: dt.date) -> bool:
    """True on a working day: weekdays that are not holidays, and the weekend days worked in 调休."""
    if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
        raise BeyondCalendar(day.year)
    return chinese_calendar.is_workday(day)


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start`, which is not counted (自…之日起N个工作日内: the day of the event is day 0)."""
    if n < 0:
        raise ValueError(f"working days must not be negative: {n}")
    day = start
    while n:
        day += dt.timedelta(days=1)
        if is_workday(day):
            n -= 1
    return day


def roll_to_workday(day: dt.date) -> dt.date:
    """`day`, or the working day after the rest days it falls in: 《民法典》第二百零三条."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day number `months` later, or that month's last day when it has none (《民法典》第二百零二条)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def deadline_after(start: dt.date, amount: int, unit: str) -> dt.date:
    """The last day allowed for a period of `amount` `unit` from the event on `start` (the event day is not counted).

    工作日 count working days only. 日, 月 and 年 are calendar periods (《民法典》第二百零一、二百零二条) whose last day,
    if a rest day, moves to the next working day (第二百零三条). 小时: the catalogues give no time of day, so a period
    of h hours is read as ceil(h/24) calendar days -- the latest day it can end on whatever the hour of the event --
    then moved off rest days like 日; reading 24 hours as the same day would call a next-day publication late.
    """
    if unit == "工作日":
        return add_workdays(start, amount)
    if unit == "日":
        return roll_to_workday(start + dt.timedelta(days=amount))
    if unit == "月":
        return roll_to_workday(_add_months(start, amount))
    if unit == "年":
        return roll_to_workday(_add_months(start, 12 * amount))
    if unit == "小时":
        return roll_to_workday(start + dt.timedelta(days=-(-amount // 24)))
    raise ValueError(f"unknown unit of a time limit: {unit!r}")
