"""Supervision: the dashboard's figures, the reports and the calendars, from a real repository with a fixed history."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import icalendar
import openpyxl
import pytest

from conftest import ENTRY, ENTRY_PATH, TOWNSHIP, Repo, git
from gongkai.paths import Layout
from gongkai.supervision import department_slugs
from gongkai.timeliness import assess
from gongkai.urlcheck import UrlResult, write_results
from gongkai.validate import validate

FOLDER = "data/catalogues/test-xian/shehui-jiuzhu"
AS_OF = "2024-03-31"
BUILT = "2024-03-31T20:00:00+08:00"
DEAD_URL = "https://www.shilixian.example/zwgk/2024/tekun-old.html"

# 最低生活保障: published 2024-03-01, clock started 2024-02-20, 10 working days -> 2024-03-05: on time.
DIBAO = ENTRY.replace("    date: 2024-03-01\n", "    date: 2024-03-01\n    event_date: 2024-02-20\n")
# 特困人员救助供养 (县财政局's, to have a second department): 2024-03-11 + 10 working days = 2024-03-25, still pending: overdue.
TEKUN = (ENTRY.replace("title: 最低生活保障", "title: 特困人员救助供养").replace("subject: 县民政局", "subject: 县财政局、各乡镇人民政府")
         .replace("https://www.shilixian.example/zwgk/2024/dibao.html", DEAD_URL)
         .replace("示例县2024年城乡最低生活保障标准", "示例县特困人员供养标准")
         + "pending:\n  - title: 2024年第一季度特困人员名单\n    event_date: 2024-03-11\n")
# 临时救助 (not a standard item of the test domain): 每年3月31日前; 2024-03-31 is a Sunday, so the deadline is Monday 2024-04-01.
LINSHI = (ENTRY.replace("title: 最低生活保障", "title: 临时救助").replace("url: https://www.shilixian.example/zwgk/2024/dibao.html",
                                                                     "url: https://www.shilixian.example/zwgk/2023/linshi.html")
          .replace("date: 2024-03-01", "date: 2023-03-20")
          .replace("  text: 制定或获取信息之日起10个工作日内\n  clauses:\n    - kind: deadline\n      anchor: 制定或获取信息\n"
                   "      amount: 10\n      unit: 工作日\n",
                   "  text: 每年3月31日前\n  clauses:\n    - kind: periodic\n      due: 03-31\n"))
NOT_APPLICABLE = """\
not_applicable:
  - domain: shehui-jiuzhu
    l1: 救助对象认定
    l2: 特困人员救助供养
    reason: 特困人员供养由县民政局统一办理
"""


@pytest.fixture
def supervised(site_repo: Repo) -> Repo:
    """The small repository's history: the first entry in January, then in March two more, a clock date, a township."""
    root = site_repo.root
    assert LINSHI != ENTRY and "periodic" in LINSHI
    site_repo.write(ENTRY_PATH, DIBAO)
    site_repo.write(f"{FOLDER}/tekun.yml", TEKUN)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "新增特困人员救助供养（#12）", date="2024-03-15T10:00:00+08:00", author="县民政局 李四")
    site_repo.write(f"{FOLDER}/linshi.yml", LINSHI)
    site_repo.write("data/catalogues/test-xian-donghu/catalogue.yml", TOWNSHIP + NOT_APPLICABLE)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "新增临时救助", date="2024-03-20T10:00:00+08:00", author="县民政局 王五")
    now = dt.datetime(2024, 3, 31, 19, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    write_results(root / ".cache/gongkai/urls.json", {
        DEAD_URL: UrlResult(DEAD_URL, "broken", 404, "网页不存在（404）", (DEAD_URL,), now.isoformat()),
        "https://www.shilixian.example/zwgk/2024/dibao.html": UrlResult(
            "https://www.shilixian.example/zwgk/2024/dibao.html", "ok", 200, "可以打开", (), now.isoformat()),
    })
    return site_repo


def build(repo: Repo, site: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GONGKAI_BUILD_TIME": BUILT}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(repo.root / "mkdocs.yml"), "-d", str(site)],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def table_rows(html: str, caption: str) -> dict[str, list[str]]:
    """A figures table as {first cell: [the other cells as text]}."""
    table = html.split(f"<caption>{caption}")[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_dashboard_figures_are_the_entries_figures(supervised: Repo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(supervised, site)
    repo = validate(Layout(supervised.root)).repository
    assert repo is not None
    as_of = dt.date.fromisoformat(AS_OF)
    html = page(site, "jiandu")

    by_catalogue = table_rows(html, "各目录的完整率、时效和断链")
    for catalogue in repo.catalogues.values():
        entries = [e for e in repo.entries if e.catalogue == catalogue.slug]
        states = [assess(e, as_of).state for e in entries]
        domain = repo.domains["shehui-jiuzhu"]
        standard = [(s.l1, l2) for s in domain.standard_items for l2 in s.l2]
        marked = {(n.l1, n.l2) for n in catalogue.not_applicable}
        counted = [item for item in standard if item not in marked] if entries or marked else []
        present = [item for item in counted if any((e.l1, e.title) == item for e in entries)]
        broken = sum(p.url == DEAD_URL for e in entries for p in e.published)
        share = f"{100 * len(present) / len(counted):.1f}%" if counted else "—"
        assert by_catalogue[catalogue.name] == [
            share, f"{len(present)} / {len(counted)}", str(len(counted) - len(present)), str(len(marked & set(standard))),
            str(len(entries)), str(states.count("overdue")), str(states.count("late")), str(states.count("due")), str(broken),
        ], catalogue.name

    assert by_catalogue == {
        "测试县政务公开事项标准目录": ["100.0%", "2 / 2", "0", "0", "3", "1", "0", "1", "1"],
        "测试县东湖镇政务公开事项标准目录": ["0.0%", "0 / 1", "1", "1", "0", "0", "0", "0", "0"],
    }
    by_department = table_rows(html, "各部门的完整率、时效和断链")
    assert by_department == {
        "东湖镇人民政府": ["0.0%", "0 / 1", "1", "1", "0", "0", "0", "0", "0"],
        "县民政局": ["100.0%", "1 / 1", "0", "0", "2", "0", "0", "1", "0"],
        "县财政局": ["100.0%", "1 / 1", "0", "0", "1", "1", "0", "0", "1"],
    }
    assert table_rows(html, "各领域的完整率、时效和断链") == {"社会救助": ["66.7%", "2 / 3", "1", "1", "3", "1", "0", "1", "1"]}
    assert '<a href="lingyu/shehui-jiuzhu/#yuqi">1</a>' in html
    assert "标准事项完整率 <strong>66.7%</strong>（2 / 3，缺失 1，不适用 1）" in html


def test_every_figure_links_to_the_entries_behind_it(supervised: Repo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(supervised, site)
    html = page(site, "jiandu")
    assert '<a href="test-xian/#yuqi">1</a>' in html
    assert '<a href="test-xian/#duanlian">1</a>' in html
    assert '<a href="test-xian-donghu/#queshi">1</a>' in html
    county = page(site, "jiandu/test-xian")
    overdue = county.split('id="yuqi"')[1].split("</section>")[0]
    assert 'href="../../test-xian/shehui-jiuzhu/tekun/"' in overdue and "截止 2024-03-25" in overdue
    due = county.split('id="jijiang"')[1].split("</section>")[0]
    assert 'href="../../test-xian/shehui-jiuzhu/linshi/"' in due and "截止 2024-04-01" in due
    broken = county.split('id="duanlian"')[1].split("</section>")[0]
    assert DEAD_URL in broken and "网页不存在（404）" in broken
    township = page(site, "jiandu/test-xian-donghu")
    assert "救助对象认定 / 最低生活保障" in township.split('id="queshi"')[1].split("</section>")[0]
    assert "特困人员供养由县民政局统一办理" in township.split('id="bushiyong"')[1]
    svg = re.search(r'<figure class="gk-chart" tabindex="0">\s*(<svg.*?</svg>)', html, re.S)
    assert svg and 'role="img"' in svg.group(1) and "测试县政务公开事项标准目录 100.0%" in svg.group(1)


def test_entry_pages_warn_of_broken_links_and_say_how_timely_they_are(supervised: Repo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(supervised, site)
    tekun = page(site, "test-xian/shehui-jiuzhu/tekun")
    assert "链接可能已失效：网页不存在（404）" in tekun
    assert "公开时效：逾期未公开</strong>（截止 2024-03-25）" in tekun
    assert "2024年第一季度特困人员名单" in tekun
    dibao = page(site, "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang")
    assert "公开时效：按时公开</strong>（截止 2024-03-05）" in dibao
    assert "链接可能已失效" not in dibao


def test_a_build_without_link_results_says_links_were_not_checked(supervised: Repo, tmp_path: Path) -> None:
    (supervised.root / ".cache/gongkai/urls.json").unlink()
    site = tmp_path / "site"
    build(supervised, site)
    html = page(site, "jiandu")
    assert "本次构建没有外部链接检查结果" in html
    assert table_rows(html, "各目录的完整率、时效和断链")["测试县政务公开事项标准目录"][-1] == "未检查"


MONTH_SHEETS = {
    "概况": [["项目", "数值"], ["标准事项完整率", "66.7%"], ["应编标准事项", 3], ["缺失", 1], ["不适用", 1], ["事项数", 3],
           ["逾期未公开", 1], ["逾期公开", 0], ["即将到期", 1], ["无法判断", 0], ["断链", 1], ["本期新增", 2],
           ["本期重新发布", 0], ["本期修改", 1], ["本期移动", 0], ["本期撤销", 0]],
    "各部门情况": [["部门", "应编标准事项", "已编入", "缺失", "不适用", "完整率", "事项数", "逾期未公开", "逾期公开", "即将到期", "无法判断", "断链"],
              ["东湖镇人民政府", 1, 0, 1, 1, "0.0%", 0, 0, 0, 0, 0, 0],
              ["县民政局", 1, 1, 0, 0, "100.0%", 2, 0, 0, 1, 0, 0],
              ["县财政局", 1, 1, 0, 0, "100.0%", 1, 1, 0, 0, 0, 1]],
    "本期变更": [["日期", "事项", "事项编号", "目录", "变更", "提交人", "修改的字段"],
             ["2024-03-15", "特困人员救助供养", "test-xian/shehui-jiuzhu/tekun", "测试县政务公开事项标准目录", "新增", "县民政局 李四", ""],
             ["2024-03-15", "最低生活保障", "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang", "测试县政务公开事项标准目录", "修改", "县民政局 李四", "已公开内容"],
             ["2024-03-20", "临时救助", "test-xian/shehui-jiuzhu/linshi", "测试县政务公开事项标准目录", "新增", "县民政局 王五", ""]],
    "逾期未公开": [["部门", "事项", "事项编号", "状态", "截止日期", "说明"],
              ["县财政局", "特困人员救助供养", "test-xian/shehui-jiuzhu/tekun", "逾期未公开", "2024-03-25",
               "《2024年第一季度特困人员名单》的起算日期是2024年3月11日，公开截止日期是2024年3月25日，截至2024年3月31日还没有公开，已逾期 6 天。"]],
    "逾期公开": [["部门", "事项", "事项编号", "状态", "截止日期", "说明"], ["没有逾期公开的事项。"]],
    "即将到期": [["部门", "事项", "事项编号", "状态", "截止日期", "说明"],
             ["县民政局", "临时救助", "test-xian/shehui-jiuzhu/linshi", "即将到期", "2024-04-01",
              "下一期的截止日期是2024年4月1日，还有 1 天，还没有公开；上一期按时公开。"]],
    "无法判断时效": [["部门", "事项", "事项编号", "状态", "截止日期", "说明"], ["没有无法判断的事项。"]],
    "断链": [["部门", "事项", "事项编号", "链接标题", "网址", "原因"],
           ["县财政局", "特困人员救助供养", "test-xian/shehui-jiuzhu/tekun", "示例县特困人员供养标准", DEAD_URL, "网页不存在（404）"]],
    "缺失的标准事项": [["部门", "目录", "领域", "一级事项", "二级事项"],
                ["东湖镇人民政府", "测试县东湖镇政务公开事项标准目录", "社会救助", "救助对象认定", "最低生活保障"]],
}
"""The month's report as of 2024-03-31, every cell (an empty cell reads back from Excel as None)."""


def test_the_monthly_report_cell_by_cell(supervised: Repo, gongkai, tmp_path: Path) -> None:
    out = tmp_path / "月报.xlsx"
    result = gongkai(supervised.root, "report", "--period", "month", "--as-of", AS_OF, "-o", str(out))
    assert result.code == 0, result.err
    assert result.out.strip() == f"已写入 {out}：测试县人民政府政务公开月报告（2024-03-01 至 2024-03-31）"
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == list(MONTH_SHEETS)
    for name, expected in MONTH_SHEETS.items():
        got = [[cell for cell in row if cell is not None] for row in book[name].iter_rows(values_only=True)]
        assert got == [[cell for cell in row if cell != ""] for row in expected], name
    markdown = gongkai(supervised.root, "report", "--period", "month", "--as-of", AS_OF).out
    for name, expected in MONTH_SHEETS.items():
        if len(expected) > 1 and len(expected[1]) > 1:
            assert "| " + " | ".join(str(cell) for cell in expected[1]) + " |" in markdown, name


def test_the_weekly_report_counts_only_its_week(supervised: Repo, gongkai) -> None:
    result = gongkai(supervised.root, "report", "--period", "week", "--as-of", "2024-03-17")
    assert result.code == 0, result.err
    md = result.out
    assert md.startswith("# 测试县人民政府政务公开周小结（2024-03-11 至 2024-03-17）")
    changes = md.split("## 本期变更")[1].split("## ")[0]
    assert "特困人员救助供养" in changes and "临时救助" not in changes
    assert "| 县财政局 | 特困人员救助供养 | test-xian/shehui-jiuzhu/tekun | 示例县特困人员供养标准 |" in md


def test_report_usage_errors_are_chinese(supervised: Repo, gongkai, capsys: pytest.CaptureFixture[str]) -> None:
    assert gongkai(supervised.root, "report", "--period", "month", "--catalogue", "test-xain").code == 2
    with pytest.raises(SystemExit):
        gongkai(supervised.root, "report", "--period", "month", "--as-of", "2024-02-30")
    assert "不是有效的日期" in capsys.readouterr().err
    assert gongkai(supervised.root, "report", "--period", "year", "-o", "报告.pdf").code == 2


def test_the_site_has_the_current_reports(supervised: Repo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(supervised, site)
    quarter = page(site, "jiandu/baogao/ji")
    assert "<h1>测试县人民政府政务公开季通报（2024-01-01 至 2024-03-31）</h1>" in quarter
    book = openpyxl.load_workbook(site / "jiandu/baogao/ji-2024-03-31.xlsx")
    assert book["概况"].cell(2, 2).value == "66.7%"
    assert [r[1] for r in book["本期变更"].iter_rows(min_row=2, values_only=True)] == ["最低生活保障", "特困人员救助供养", "最低生活保障", "临时救助"]


def test_calendars_parse_back_with_the_coming_deadlines(supervised: Repo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(supervised, site)
    county = icalendar.Calendar.from_ical((site / "jiandu/test-xian.ics").read_bytes())
    assert str(county["X-WR-CALNAME"]) == "测试县政务公开事项标准目录公开截止日期"
    events = sorted(county.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [(e.decoded("dtstart"), str(e["summary"])) for e in events] == [
        (dt.date(2024, 4, 1), "公开截止：2024年临时救助（临时救助）"),
    ]
    event = events[0]
    assert event.decoded("dtend") == dt.date(2024, 4, 2)
    assert str(event["url"]).endswith("/test-xian/shehui-jiuzhu/linshi/")
    assert "公开时限：每年3月31日前" in str(event["description"])
    assert "2025" not in str(event["summary"])
    department = site / "jiandu/bumen/xian-min-zheng-ju.ics"
    assert [str(e["summary"]) for e in icalendar.Calendar.from_ical(department.read_bytes()).walk("VEVENT")] == [
        "公开截止：2024年临时救助（临时救助）"]
    assert (site / "jiandu/bumen/xian-cai-zheng-ju.ics").is_file()


def test_domain_and_department_pages_cap_their_lists_and_catalogue_pages_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """At province scale a domain's or department's lists run to tens of thousands; its page lists the first
    LIST_LIMIT of each state and says where the rest are, while each catalogue's page lists all of its own."""
    from conftest import PROJECT
    from gongkai import dashboard
    from gongkai.render import render
    from gongkai.schema import load_schemas
    from gongkai.supervision import supervise

    layout = Layout(PROJECT)
    repo = validate(layout).repository
    supervision = supervise(repo, dt.date(2024, 6, 30))
    monkeypatch.setattr(dashboard, "LIST_LIMIT", 2)
    specs = dashboard.dashboard_pages(repo, supervision, {})
    schemas = load_schemas(layout.schema)

    def shown(spec, state: str) -> tuple[int, str]:
        html = render(spec, page_url="jiandu/x/", schemas=schemas, edit_url=None, repo_url="", new_file_url="",
                      today=supervision.as_of, check=None)
        section = html.split(f'id="{dashboard.ANCHORS[state]}"', 1)[1].split("</section>", 1)[0]
        return section.count("<li>"), section

    capped = [s for s in specs if s.kind == "supervision_scope" and s.context["list_limit"]]
    full = [s for s in specs if s.kind == "supervision_scope" and not s.context["list_limit"]]
    checked = 0
    for spec in capped + full:
        for state in ("overdue", "due", "unknown"):
            total = len(spec.context["view"].in_state(state))
            count, section = shown(spec, state)
            if spec in capped and total > 2:
                assert count == 2 and f"这里列出前 2 个，共 {total} 个" in section
                checked += 1
            else:
                assert count == total and "这里列出前" not in section
    assert checked, "no domain or department page of the sample data has more than two entries in a state"


def test_department_slugs_are_worked_out_once_for_the_same_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """A build asks three times and each `mkdocs serve` rebuild again: pypinyin is asked only for new names."""
    from gongkai import supervision

    names = ["测试县缓存民政局", "测试县缓存财政局"]
    first = department_slugs(names)
    assert sorted(first) == sorted(names) and len(set(first.values())) == 2
    monkeypatch.setattr(supervision, "in_new_process", lambda texts: pytest.fail(f"pinyin asked again for {texts}"))
    again = department_slugs(list(reversed(names)))
    assert again == first
    again[names[0]] = "changed"
    assert department_slugs(names) == first, "each caller gets a copy of its own"
