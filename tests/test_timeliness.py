"""Working days on the official calendar, and the timeliness of entries judged from their own data.

Expected dates are counted by hand from the State Council's holiday notices (国务院办公厅关于部分节假日安排的通知):
2024 春节 2月10日至17日放假，2月4日（星期日）、2月18日（星期日）上班；2024 国庆节 10月1日至7日放假，
9月29日（星期日）、10月12日（星期六）上班；2025 国庆节、中秋节 10月1日至8日放假，9月28日（星期日）、
10月11日（星期六）上班；2024 清明节 4月4日至6日放假（4月1日星期一是工作日）。
"""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.model import BasisItem, Entry, Pending, PublishedLink, TimeClause, TimeLimit
from gongkai.timeliness import STATES, assess
from gongkai.workdays import BeyondCalendar, add_workdays, deadline_after, is_workday, known_years, roll_to_workday

D = dt.date.fromisoformat


def entry(*clauses: TimeClause, published: tuple[PublishedLink, ...] = (), pending: tuple[Pending, ...] = (),
          mode: str = "主动", text: str = "信息形成之日起20个工作日内") -> Entry:
    return Entry(
        catalogue="shili-xian", domain="caizheng-yujuesuan", slug="zhengfu-yusuan",
        path="data/catalogues/shili-xian/caizheng-yujuesuan/zhengfu-yusuan.yml",
        l1="财政预决算", title="政府预算", content="预算报告和报表", basis=(BasisItem("《中华人民共和国预算法》"),),
        time_limit=TimeLimit(text, clauses), subject="县财政局", channels=("政府网站",), audience="全社会",
        mode=mode, level=("县级",), published=published, pending=pending,
    )


def doc(date: str, event: str = "", title: str = "2024年县级预算") -> PublishedLink:
    return PublishedLink(title=title, url="https://www.shilixian.example/zwgk/czj/1.html", date=date, event_date=event)


WORKDAYS_20 = TimeClause("deadline", anchor="信息形成", amount=20, unit="工作日")
WORKDAYS_10 = TimeClause("deadline", anchor="信息形成", amount=10, unit="工作日")
BY_MARCH_31 = TimeClause("periodic", due="03-31")
QUARTERLY = TimeClause("periodic", every="季度")


# --- workdays -------------------------------------------------------------------------------------------------


def test_spring_festival_2024() -> None:
    # 2/2, 2/4 (Sunday worked), 2/5-2/9 = 7; holiday 2/10-2/17; 2/18 (Sunday worked)-2/23 = 13; 2/26-3/1 = 18; 3/4, 3/5 = 20.
    assert add_workdays(D("2024-02-01"), 20) == D("2024-03-05")
    assert is_workday(D("2024-02-04")) and is_workday(D("2024-02-18"))
    assert not is_workday(D("2024-02-12"))  # a Monday in the holiday
    assert is_workday(D("2024-02-09"))  # 除夕 2024 was a working day


def test_national_day_2024() -> None:
    # 9/27, 9/29 (Sunday worked), 9/30 = 3; holiday 10/1-10/7; 10/8-10/11 = 7; 10/12 (Saturday worked) = 8; 10/14, 10/15 = 10.
    assert add_workdays(D("2024-09-26"), 10) == D("2024-10-15")
    assert is_workday(D("2024-10-12"))
    assert not is_workday(D("2024-10-02"))  # a Wednesday in the holiday
    assert not is_workday(D("2024-09-28"))  # an ordinary Saturday


def test_national_day_2025() -> None:
    # 9/26, 9/28 (Sunday worked), 9/29, 9/30 = 4; holiday 10/1-10/8; 10/9, 10/10, 10/11 (Saturday worked) = 7; 10/13-10/15 = 10.
    assert add_workdays(D("2025-09-25"), 10) == D("2025-10-15")
    assert add_workdays(D("2025-09-25"), 5) == D("2025-10-09")
    assert is_workday(D("2025-10-11")) and not is_workday(D("2025-10-08"))


def test_start_day_is_not_counted() -> None:
    assert add_workdays(D("2024-10-14"), 1) == D("2024-10-15")
    assert add_workdays(D("2024-10-14"), 0) == D("2024-10-14")


def test_calendar_periods_roll_off_rest_days() -> None:
    assert roll_to_workday(D("2024-03-31")) == D("2024-04-01")  # Sunday
    assert roll_to_workday(D("2024-10-12")) == D("2024-10-12")  # Saturday worked: not a rest day
    assert roll_to_workday(D("2024-10-01")) == D("2024-10-08")
    assert deadline_after(D("2024-09-24"), 7, "日") == D("2024-10-08")  # 10/1 is National Day
    assert deadline_after(D("2024-09-20"), 7, "日") == D("2024-09-27")
    assert deadline_after(D("2024-01-31"), 1, "月") == D("2024-02-29")  # no 31st: the month's last day (Thursday)
    assert deadline_after(D("2024-08-31"), 1, "月") == D("2024-09-30")  # Monday
    assert deadline_after(D("2023-10-01"), 1, "年") == D("2024-10-08")
    assert deadline_after(D("2024-10-10"), 24, "小时") == D("2024-10-11")
    assert deadline_after(D("2024-10-10"), 48, "小时") == D("2024-10-12")  # Saturday worked
    assert deadline_after(D("2024-10-11"), 72, "小时") == D("2024-10-14")  # Monday 10/14 after Sunday 10/13


def test_beyond_the_calendar() -> None:
    first, last = known_years()
    assert first == 2004 and last == 2026
    # 12/28-12/31 are 4 working days; the 5th would be in 2027, whose holidays nobody knows yet.
    with pytest.raises(BeyondCalendar) as caught:
        add_workdays(D("2026-12-25"), 10)
    message = str(caught.value)
    assert caught.value.year == 2027
    assert message.startswith("2027 年的法定节假日和调休安排还没有收录（chinese-calendar ")
    assert "收录 2004—2026 年），无法按工作日计算；升级 chinese-calendar 后重新构建。" in message
    assert add_workdays(D("2026-12-25"), 4) == D("2026-12-31")
    with pytest.raises(BeyondCalendar):
        is_workday(D("2003-12-31"))
    with pytest.raises(BeyondCalendar):
        deadline_after(D("2026-12-30"), 2, "日")


# --- assess: periodic -----------------------------------------------------------------------------------------


def test_yearly_deadline_on_a_sunday_met_on_the_monday() -> None:
    result = assess(entry(BY_MARCH_31, published=(doc("2024-04-01"),)), D("2024-04-10"))
    assert (result.state, result.due, result.subject) == ("on_time", D("2024-04-01"), "2024年县级预算")
    assert result.label == "按时公开"
    assert "2024年4月1日" in result.detail and "《2024年县级预算》" in result.detail


def test_yearly_published_late() -> None:
    result = assess(entry(BY_MARCH_31, published=(doc("2023-03-20", title="2023年"), doc("2024-04-09"))), D("2024-05-01"))
    assert (result.state, result.due) == ("late", D("2024-04-01"))
    assert "2024年4月9日才公开" in result.detail and "逾期 8 天" in result.detail


def test_yearly_never_published_is_overdue() -> None:
    result = assess(entry(BY_MARCH_31), D("2024-05-01"))
    assert (result.state, result.due) == ("overdue", D("2024-04-01"))
    assert "逾期 30 天" in result.detail


def test_yearly_deadline_today_is_due_not_overdue() -> None:
    # 2024-03-31 is a Sunday, so on Monday 4/1 the 2024 deadline has not passed; the 2023 one (Friday 3/31) was met.
    result = assess(entry(BY_MARCH_31, published=(doc("2023-03-30"),)), D("2024-04-01"))
    assert (result.state, result.due) == ("due", D("2024-04-01"))
    assert "今天是最后一天" in result.detail


def test_yearly_due_soon() -> None:
    published = (doc("2024-03-20"),)
    assert assess(entry(BY_MARCH_31, published=published), D("2025-03-10")).due == D("2025-03-31")
    assert assess(entry(BY_MARCH_31, published=published), D("2025-03-10")).state == "due"
    assert assess(entry(BY_MARCH_31, published=published), D("2025-02-01")).state == "on_time"
    assert assess(entry(BY_MARCH_31, published=published), D("2025-02-01"), soon=60).state == "due"


def test_yearly_already_published_for_the_coming_deadline_is_not_due() -> None:
    published = (doc("2024-03-20"), doc("2025-03-05", title="2025年县级预算"))
    result = assess(entry(BY_MARCH_31, published=published), D("2025-03-10"))
    assert (result.state, result.due) == ("on_time", D("2024-04-01"))


def test_quarterly() -> None:
    # Q2 2024 ends on Sunday 6/30: its deadline is Monday 7/1; Q3 ends on Monday 9/30.
    q1 = doc("2024-03-15", title="第一季度")
    on_time = assess(entry(QUARTERLY, published=(q1, doc("2024-07-01", title="第二季度"))), D("2024-07-15"))
    assert (on_time.state, on_time.due, on_time.subject) == ("on_time", D("2024-07-01"), "第二季度")
    late = assess(entry(QUARTERLY, published=(q1, doc("2024-07-05", title="第二季度"))), D("2024-07-15"))
    assert (late.state, late.due) == ("late", D("2024-07-01"))
    assert "逾期 4 天" in late.detail
    overdue = assess(entry(QUARTERLY, published=(q1,)), D("2024-07-15"))
    assert (overdue.state, overdue.due) == ("overdue", D("2024-07-01"))
    assert "《第一季度》" in overdue.detail
    due = assess(entry(QUARTERLY, published=(q1, doc("2024-05-10"))), D("2024-09-10"))
    assert (due.state, due.due) == ("due", D("2024-09-30"))


def test_periodic_with_only_undated_pages_is_unknown() -> None:
    result = assess(entry(BY_MARCH_31, published=(PublishedLink(page="policies/2024-yusuan.md"),)), D("2024-05-01"))
    assert result.state == "unknown"


# --- assess: deadlines from event dates -----------------------------------------------------------------------


def test_pending_due_and_overdue() -> None:
    pending = (Pending("2024年县级预算批复", "2024-02-01"),)  # deadline 2024-03-05
    due = assess(entry(WORKDAYS_20, pending=pending), D("2024-02-20"))
    assert (due.state, due.due, due.subject) == ("due", D("2024-03-05"), "2024年县级预算批复")
    assert "还有 14 天" in due.detail
    assert assess(entry(WORKDAYS_20, pending=pending), D("2024-03-05")).state == "due"
    overdue = assess(entry(WORKDAYS_20, pending=pending), D("2024-03-06"))
    assert (overdue.state, overdue.due) == ("overdue", D("2024-03-05"))
    assert overdue.label == "逾期未公开" and "逾期 1 天" in overdue.detail
    waiting = assess(entry(WORKDAYS_20, pending=pending), D("2024-02-01"), soon=10)
    assert (waiting.state, waiting.due) == ("unpublished", None)


def test_published_on_time_and_late() -> None:
    # Event 2024-09-26: 10 working days end on 2024-10-15.
    on_time = assess(entry(WORKDAYS_10, published=(doc("2024-10-15", event="2024-09-26"),)), D("2024-11-01"))
    assert (on_time.state, on_time.due) == ("on_time", D("2024-10-15"))
    late = assess(entry(WORKDAYS_10, published=(doc("2024-10-16", event="2024-09-26"),)), D("2024-11-01"))
    assert (late.state, late.due, late.label) == ("late", D("2024-10-15"), "逾期公开")
    assert "逾期 1 天" in late.detail
    # Only the latest publication counts for late or on time.
    both = (doc("2024-10-16", event="2024-09-26"), doc("2025-10-15", event="2025-09-25"))
    assert assess(entry(WORKDAYS_10, published=both), D("2025-11-01")).state == "on_time"


def test_worst_state_wins() -> None:
    late = doc("2024-10-16", event="2024-09-26")
    pending_due = Pending("第二份", "2024-10-20")  # Sunday; 10 working days end on Friday 11/1
    assert assess(entry(WORKDAYS_10, published=(late,), pending=(pending_due,)), D("2024-10-25")).state == "late"
    on_time = doc("2024-10-15", event="2024-09-26")
    result = assess(entry(WORKDAYS_10, published=(on_time,), pending=(pending_due,)), D("2024-10-25"))
    assert (result.state, result.due) == ("due", D("2024-11-01"))
    result = assess(entry(WORKDAYS_10, published=(late,), pending=(pending_due,)), D("2024-11-04"))
    assert (result.state, result.due, result.subject) == ("overdue", D("2024-11-01"), "第二份")


def test_published_without_event_dates() -> None:
    result = assess(entry(WORKDAYS_20, published=(doc("2024-03-01"),)), D("2024-05-01"))
    assert (result.state, result.detail) == ("unknown", "已公开内容没有起算日期，无法判断是否按时")
    assert assess(entry(WORKDAYS_20), D("2024-05-01")).state == "unpublished"


def test_beyond_the_calendar_is_unknown() -> None:
    result = assess(entry(WORKDAYS_10, pending=(Pending("年底的文件", "2026-12-25"),)), D("2026-12-28"))
    assert (result.state, result.due) == ("unknown", None)
    assert result.detail.startswith("2027 年的法定节假日和调休安排还没有收录")
    # A deadline inside the known years is still computed when today is not: 11/3-11/6 and Monday 11/9.
    five = TimeClause("deadline", anchor="信息形成", amount=5, unit="工作日")
    result = assess(entry(five, pending=(Pending("十一月的文件", "2026-11-02"),)), D("2027-01-05"))
    assert (result.state, result.due) == ("overdue", D("2026-11-09"))


# --- assess: no computable deadline ---------------------------------------------------------------------------


def test_on_request() -> None:
    answer = TimeClause("on_request", anchor="收到申请", amount=20, unit="工作日")
    assert assess(entry(answer), D("2024-05-01")).state == "on_request"
    assert assess(entry(WORKDAYS_20, mode="依申请"), D("2024-05-01")).label == "依申请公开"
    assert assess(entry(TimeClause("standing"), answer), D("2024-05-01")).state == "on_request"


def test_no_clauses() -> None:
    result = assess(entry(text="按上级要求"), D("2024-05-01"))
    assert (result.state, result.due) == ("unknown", None)
    assert "按上级要求" in result.detail


def test_standing_and_realtime() -> None:
    assert assess(entry(TimeClause("standing")), D("2024-05-01")).state == "unpublished"
    result = assess(entry(TimeClause("realtime"), TimeClause("min_display", amount=7, unit="日"), published=(doc("2024-03-01"),)),
                    D("2024-05-01"))
    assert (result.state, result.due, result.label) == ("no_deadline", None, "无固定时限")


def test_states_are_the_agreed_ones() -> None:
    assert list(STATES) == ["overdue", "late", "due", "unknown", "unpublished", "on_time", "no_deadline", "on_request"]
