"""Catalogue sheets in and out: `gongkai import-xlsx` reads real county layouts, `gongkai export` round-trips."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import ENTRY, ENTRY_PATH, PROJECT, Repo
from gongkai.excel import format_basis, read_basis, read_channel_text
from gongkai.loader import parse_text
from gongkai.paths import Layout
from gongkai.validate import validate

FOLDER = "data/catalogues/test-xian/shehui-jiuzhu"
ALL_CHANNELS = ["政府网站", "政府公报", "两微一端", "发布会/听证会", "广播电视", "纸质媒体", "公开查阅点", "政务服务中心",
                "便民服务站", "入户/现场", "社区/企事业单位/村公示栏(电子屏)", "精准推送", "其他"]


def checkboxes(ticked: list[str], *, on: str = "■", off: str = "□", sep: str = "", other: str = "") -> str:
    """A channel cell as county sheets write it: every channel of the template, ticked or not."""
    parts = []
    for name in ALL_CHANNELS:
        label = f"{name}：{other}" if name == "其他" and other else name
        parts.append((on if name in ticked or (name == "其他" and other) else off) + label)
    return sep.join(parts)


def write_book(path: Path, sheet: str, rows: list[list[Any]], merges: list[str]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for merged in merges:
        ws.merge_cells(merged)
    book.save(path)
    return path


HEADER_TOP = ["序号", "公开事项", None, "公开内容（要素）", "公开依据", "公开时限", "公开主体",
              "公开渠道和载体\n（“■”表示必选项，“□”表示可选项）", "公开对象", None, "公开方式", None, "公开层级", None]
HEADER_SUB = [None, "一级事项", "二级事项", None, None, None, None, None, "全社会", "特定群体", "主动", "依申请", "县级", "乡级"]
HEADER_MERGES = ["A1:N1", "A2:A3", "B2:C2", "D2:D3", "E2:E3", "F2:F3", "G2:G3", "H2:H3", "I2:J2", "K2:L2", "M2:N2"]

GOOD_ROWS: list[list[Any]] = [
    [1, "救助对象认定", "特困人员救助供养", "1.特困人员认定条件；\n2.办理流程；\n3.救助供养标准。",
     "1.《社会救助暂行办法》（国务院令第649号）第十四条\n2.《国务院关于进一步健全特困人员救助供养制度的意见》（国发〔2016〕14号）",
     "制定或获取信息之日起10个工作日内", "县民政局",
     checkboxes(["政府网站", "两微一端", "公开查阅点", "社区/企事业单位/村公示栏(电子屏)"]),
     "√", None, "√", None, "√", "√"],
    [2, None, "临时救助", "1.临时救助对象范围；\n2.救助标准。", "《社会救助暂行办法》、《中华人民共和国政府信息公开条例》",
     "同上", "县民政局\n各乡镇人民政府", checkboxes(["政府网站", "两微一端"], off="口", other="12345政务服务热线"),
     "√", None, "√", None, "√", "√"],
    [3, None, "最低生活保障审核审批信息", "1.申请人姓名；\n2.保障金额。", "《社会救助暂行办法》",
     "制定或获取信息之日起10个工作日内，公示7个工作日", "县民政局", checkboxes(["社区/企事业单位/村公示栏(电子屏)"], sep=" "),
     None, "申请人", "√", None, "√", "√"],
    [4, "综合业务", "监督检查", "社会救助投诉举报电话。", "《中华人民共和国政府信息公开条例》（国务院令第711号）",
     "根据上级部署适时公开", "县民政局", checkboxes(["政府网站"]), "√", None, "√", None, "√", None],
]
BAD_ROWS: list[list[Any]] = [
    [5, "综合业务", None, "社会救助政策文件。", "《社会救助暂行办法》", "制定或获取信息之日起10个工作日内", "县民政局",
     checkboxes(["政府网站"]), "√", None, "√", None, "√", None],
    [6, "综合业务", "政策法规文件", "社会救助政策法规。", "《社会救助暂行办法》", "制定或获取信息之日起10个工作日内", "县民政局",
     checkboxes(["政府网站"]), "√", None, None, None, "√", None],
]


def county_sheet(path: Path, rows: list[list[Any]]) -> Path:
    """Like a real county's 社会救助 sheet: title row, two header rows with group headers, 一级事项 merged down."""
    title = ["测试县社会救助领域基层政务公开标准目录", *[None] * 13]
    return write_book(path, "Sheet1", [title, HEADER_TOP, HEADER_SUB, *rows], [*HEADER_MERGES, "B4:B6"])


def entries_by_title(root: Path, folder: str = FOLDER) -> dict[str, tuple[Path, dict[str, Any]]]:
    found = {}
    for path in sorted((root / folder).glob("*.yml")):
        found[read(path)["title"]] = (path, read(path))
    return found


def read(path: Path) -> dict[str, Any]:
    """An entry file as the validator reads it (dates stay text)."""
    data, problems, _ = parse_text(path.read_text(encoding="utf-8"), path.name)
    assert data is not None and not problems, problems
    return data


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in (root / "data").rglob("*") if p.is_file()}


def test_row_errors_are_reported_by_excel_row_and_nothing_is_written(repo: Repo, gongkai) -> None:
    sheet = county_sheet(repo.root / "救助.xlsx", GOOD_ROWS + BAD_ROWS)
    before = snapshot(repo.root)
    result = gongkai(repo.root, "import-xlsx", "救助.xlsx", "--catalogue", "test-xian")
    assert result.code == 1, result.out
    lines = result.lines
    assert any(line.startswith("救助.xlsx:8:3: 字段 title（二级事项）: C8 单元格：") and "二级事项" in line for line in lines)
    assert any(line.startswith("救助.xlsx:9:11: 字段 mode（公开方式）: K9 单元格：") and "都没有打勾" in line for line in lines)
    unread = [line for line in lines if line.startswith("救助.xlsx:7:6: 字段 time_limit（公开时限）: 警告：F7 单元格：")]
    assert len(unread) == 1 and "根据上级部署适时公开" in unread[0] and "time_limit.clauses" in unread[0]
    assert lines[-1].startswith("未写入任何文件：0 新增，0 更新，0 未改变，2 行有错误，1 个警告。")
    assert snapshot(repo.root) == before
    assert sheet.is_file()


def test_write_good_rows_writes_valid_entries(repo: Repo, gongkai) -> None:
    county_sheet(repo.root / "救助.xlsx", GOOD_ROWS + BAD_ROWS)
    result = gongkai(repo.root, "import-xlsx", "救助.xlsx", "--catalogue", "test-xian", "--write-good-rows")
    assert result.code == 1
    assert result.lines[-1] == "导入完成：4 新增，0 更新，0 未改变，2 行有错误，1 个警告。"
    assert gongkai(repo.root, "validate").code == 0
    entries = entries_by_title(repo.root)
    assert set(entries) == {"最低生活保障", "特困人员救助供养", "临时救助", "最低生活保障审核审批信息", "监督检查"}

    path, tekun = entries["特困人员救助供养"]
    assert path.stem == "te-kun-ren-yuan-jiu-zhu-gong-yang"
    assert tekun == {
        "l1": "救助对象认定",
        "title": "特困人员救助供养",
        "content": "1.特困人员认定条件；\n2.办理流程；\n3.救助供养标准。\n",
        "basis": [
            {"title": "《社会救助暂行办法》", "number": "国务院令第649号", "articles": "第十四条"},
            {"title": "《国务院关于进一步健全特困人员救助供养制度的意见》", "number": "国发〔2016〕14号"},
        ],
        "time_limit": {"text": "制定或获取信息之日起10个工作日内",
                       "clauses": [{"kind": "deadline", "anchor": "制定或获取", "amount": 10, "unit": "工作日"}]},
        "subject": "县民政局",
        "channels": ["政府网站", "两微一端", "公开查阅点", "社区/企事业单位/村公示栏（电子屏）"],
        "audience": "全社会",
        "mode": "主动",
        "level": ["县级", "乡级"],
    }
    text = path.read_text(encoding="utf-8")
    assert list(tekun) == ["l1", "title", "content", "basis", "time_limit", "subject", "channels", "audience", "mode", "level"]
    assert "content: |\n  1.特困人员认定条件；\n" in text and "&" not in text

    linshi = entries["临时救助"][1]
    assert linshi["l1"] == "救助对象认定"  # from the merged cell
    assert linshi["time_limit"] == tekun["time_limit"]  # 同上
    assert linshi["subject"] == "县民政局、各乡镇人民政府"
    assert linshi["channels"] == ["政府网站", "两微一端", "其他"] and linshi["channels_other"] == ["12345政务服务热线"]
    assert [b["title"] for b in linshi["basis"]] == ["《社会救助暂行办法》", "《中华人民共和国政府信息公开条例》"]

    shenpi = entries["最低生活保障审核审批信息"][1]
    assert (shenpi["audience"], shenpi["audience_detail"]) == ("特定群体", "申请人")
    assert shenpi["time_limit"]["clauses"] == [
        {"kind": "deadline", "anchor": "制定或获取", "amount": 10, "unit": "工作日"},
        {"kind": "min_display", "amount": 7, "unit": "工作日"},
    ]
    assert shenpi["channels"] == ["社区/企事业单位/村公示栏（电子屏）"]

    jiandu = entries["监督检查"][1]
    assert jiandu["time_limit"] == {"text": "根据上级部署适时公开"}
    assert jiandu["level"] == ["县级"]


VARIANT_HEADER_TOP = ["序号", "公开事项", None, None, "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道", "公开对象",
                      "公开方式", "公开层级", None]
VARIANT_HEADER_SUB = [None, "一级事项", "二级事项", "三级事项", None, None, None, None, None, None, None, "市级", "镇(街)级"]


def variant_sheet(path: Path, with_levels: bool = True) -> Path:
    """A city-style sheet: 三级事项, text columns for 公开对象/公开方式, 市级/镇(街)级, Wingdings R/£ ticks."""
    rows: list[list[Any]] = [
        [1, "救灾信息", "自然灾害救助", "救灾物资发放", "1.发放对象；2.发放标准", "1.《自然灾害救助条例》 2.《社会救助暂行办法》第十八条、第十九条",
         "信息形成之日起20个工作日内", "区应急管理局", "R政府网站 £政府公报 R两微一端 £发布会/听证会 R社区/企事业单位/村公示栏（电子屏）",
         "全社会", "主动公开", "R", "R"],
        [2, "救灾信息", "受灾人员冬春生活救助", "", "救助对象名单", "《自然灾害救助条例》", "公示期不少于5个工作日", "各镇人民政府",
         "£政府网站 R社区、企事业单位、村公示栏(电子屏) R入户/现场", "特定群体（受灾群众）", "依申请", "R", "£"],
    ]
    top, sub = list(VARIANT_HEADER_TOP), list(VARIANT_HEADER_SUB)
    merges = ["A1:A2", "B1:D1", "E1:E2", "F1:F2", "G1:G2", "H1:H2", "I1:I2", "J1:J2", "K1:K2", "L1:M1"]
    if not with_levels:
        top, sub, rows = top[:-2], sub[:-2], [r[:-2] for r in rows]
        merges = merges[:-1]
    return write_book(path, "社会救助", [top, sub, *rows], merges)


def test_city_style_variant(repo: Repo, gongkai) -> None:
    variant_sheet(repo.root / "variant.xlsx")
    result = gongkai(repo.root, "import-xlsx", "variant.xlsx", "--catalogue", "test-xian")
    assert result.code == 0, result.out
    assert result.lines[-1] == "导入完成：2 新增，0 更新，0 未改变，0 行有错误，0 个警告。"
    entries = entries_by_title(repo.root)
    first = entries["自然灾害救助"][1]
    assert first["l3"] == "救灾物资发放"
    assert first["channels"] == ["政府网站", "两微一端", "社区/企事业单位/村公示栏（电子屏）"]
    assert first["level"] == ["县级", "乡级"]
    assert (first["audience"], first["mode"]) == ("全社会", "主动")
    assert first["basis"] == [{"title": "《自然灾害救助条例》"}, {"title": "《社会救助暂行办法》", "articles": "第十八条、第十九条"}]
    second = entries["受灾人员冬春生活救助"][1]
    assert "l3" not in second
    assert second["channels"] == ["社区/企事业单位/村公示栏（电子屏）", "入户/现场"]  # as the cell lists them
    assert (second["audience"], second["audience_detail"], second["mode"]) == ("特定群体", "受灾群众", "依申请")
    assert second["level"] == ["县级"]
    assert gongkai(repo.root, "validate").code == 0


def test_sheet_without_level_columns_takes_the_catalogues_level(repo: Repo, gongkai) -> None:
    variant_sheet(repo.root / "township.xlsx", with_levels=False)
    result = gongkai(repo.root, "import-xlsx", "township.xlsx", "--catalogue", "test-xian-donghu")
    assert result.code == 0, result.out
    entries = entries_by_title(repo.root, "data/catalogues/test-xian-donghu/shehui-jiuzhu")
    assert {t: e[1]["level"] for t, e in entries.items()} == {"自然灾害救助": ["乡级"], "受灾人员冬春生活救助": ["乡级"]}


def test_reimport_updates_in_place_and_reports_unchanged_rows(repo: Repo, gongkai) -> None:
    dibao = [5, "救助对象认定", "最低生活保障", "1.低保标准；\n2.申请条件、办理流程。", "《社会救助暂行办法》（国务院令第649号）",
             "制定或获取信息之日起10个工作日内", "县民政局", checkboxes(["政府网站", "公开查阅点"]), "√", None, "√", None, "√", None]
    rows = [*GOOD_ROWS, dibao]
    county_sheet(repo.root / "救助.xlsx", rows)
    first = gongkai(repo.root, "import-xlsx", "救助.xlsx", "--catalogue", "test-xian")
    assert first.code == 0, first.out
    assert first.lines[-1] == "导入完成：4 新增，0 更新，1 未改变，0 行有错误，1 个警告。"  # the fixture's entry is row 8
    files = sorted((repo.root / FOLDER).glob("*.yml"))
    assert len(files) == 5

    rows[0] = [*rows[0][:3], "1.特困人员认定条件；\n2.办理流程；\n3.救助供养标准；\n4.监督电话。", *rows[0][4:]]
    rows[4] = [*dibao[:4], "《社会救助暂行办法》（国务院令第649号）第十条", *dibao[5:]]
    county_sheet(repo.root / "救助.xlsx", rows)
    second = gongkai(repo.root, "import-xlsx", "救助.xlsx", "--catalogue", "test-xian")
    assert second.code == 0, second.out
    assert second.lines[-1] == "导入完成：0 新增，2 更新，3 未改变，0 行有错误，1 个警告。"
    assert sorted((repo.root / FOLDER).glob("*.yml")) == files
    entries = entries_by_title(repo.root)
    assert entries["特困人员救助供养"][1]["content"].endswith("4.监督电话。\n")
    path, dibao_entry = entries["最低生活保障"]
    assert path == repo.root / ENTRY_PATH
    assert dibao_entry["basis"] == [{"title": "《社会救助暂行办法》", "number": "国务院令第649号", "articles": "第十条"}]
    assert dibao_entry["published"] == parse_text(ENTRY, "x")[0]["published"]  # the sheet has no such column: kept
    assert gongkai(repo.root, "validate").code == 0


def test_reimport_keeps_every_comment_the_department_wrote(repo: Repo, gongkai) -> None:
    hand = (ENTRY.replace("title: 最低生活保障", "title: 最低生活保障  # 2024 年按县委文件改名")
            .replace("basis:", "# 依据以省厅通知为准\nbasis:")
            .replace("  - title: 《社会救助暂行办法》", "  # 第一条依据\n  - title: 《社会救助暂行办法》")
            + "\n# 文件结尾：联系人 县民政局办公室\n")
    repo.write(ENTRY_PATH, hand)
    scaffolded = gongkai(repo.root, "new", "--catalogue", "test-xian", "--domain", "shehui-jiuzhu", "--l1", "救助对象认定",
                         "--title", "临时救助")
    assert scaffolded.code == 0, scaffolded.err
    new_file = next(p for p in (repo.root / FOLDER).glob("*.yml") if p.name != Path(ENTRY_PATH).name)
    scaffold_text = new_file.read_text(encoding="utf-8")
    assert gongkai(repo.root, "export", "--catalogue", "test-xian", "-o", "出.xlsx").code == 0
    book = openpyxl.load_workbook(repo.root / "出.xlsx")
    sheet = book.active
    for row in sheet.iter_rows(min_row=4):
        if row[2].value in ("最低生活保障", "临时救助"):
            row[3].value = "改过的公开内容。"
    book.save(repo.root / "出.xlsx")
    result = gongkai(repo.root, "import-xlsx", "出.xlsx", "--catalogue", "test-xian")
    assert result.code == 0, result.out
    assert "0 新增，2 更新" in result.lines[-1]

    def comments(text: str) -> list[str]:
        return [line.split("#", 1)[1].strip() for line in text.splitlines() if "#" in line]

    updated = (repo.root / ENTRY_PATH).read_text(encoding="utf-8")
    assert "content: 改过的公开内容。" in updated
    assert comments(updated) == ["2024 年按县委文件改名", "依据以省厅通知为准", "第一条依据", "文件结尾：联系人 县民政局办公室"]
    assert updated.index("# 2024 年按县委文件改名") < updated.index("\ncontent:")
    assert updated.index("# 依据以省厅通知为准") < updated.index("\nbasis:")
    rescaffolded = new_file.read_text(encoding="utf-8")
    assert "改过的公开内容。" in rescaffolded
    assert comments(rescaffolded) == comments(scaffold_text)
    assert "\n\n# 【二级事项】" in rescaffolded  # the blank lines between the help blocks stay too
    assert gongkai(repo.root, "validate").code == 0


def test_section_rows_one_column_per_channel_and_repeated_headers(repo: Repo, gongkai) -> None:
    repo.write("data/domains/yanglao-fuwu.yml", DOMAIN_YANGLAO)
    top = ["序号", "一级事项", "二级事项", "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道和载体", None, None, None,
           "公开对象", None, "公开方式", None]
    sub = [None, None, None, None, None, None, None, "政府网站", "两微一端", "图书馆", "其他", "全社会", "特定群体", "主动", "依申请"]
    rows: list[list[Any]] = [
        ["测试县政务公开事项标准目录"], top, sub,
        ["一、社会救助"],
        [1, "救助对象认定", "特困人员救助供养", "认定条件", "《社会救助暂行办法》", "信息形成或者变更之日起20个工作日内", "县民政局",
         "√", None, "√", "投资项目在线审批监管平台", "全社会", "全社会", "√", None],
        top,
        ["二、养老服务"],
        [2, "养老机构", "养老机构名单", "机构名单", "《养老机构管理办法》", "实时公开", "县民政局", "√", "√", None, None,
         None, "入住老人家属", "√", None],
        ["注：本表由县政务公开办编制。"],
    ]
    merges = ["A1:O1", "H2:K2", "L2:M2", "N2:O2", *(f"{c}2:{c}3" for c in "ABCDEFG"), "A4:O4", "L5:M5", "A7:O7"]
    write_book(repo.root / "目录.xlsx", "目录", rows, merges)
    result = gongkai(repo.root, "import-xlsx", "目录.xlsx", "--catalogue", "test-xian")
    assert result.code == 0, result.out
    assert result.lines[-1] == "导入完成：2 新增，0 更新，0 未改变，0 行有错误，0 个警告。"
    tekun = entries_by_title(repo.root)["特困人员救助供养"][1]
    assert tekun["channels"] == ["政府网站", "其他"] and tekun["channels_other"] == ["图书馆", "投资项目在线审批监管平台"]
    assert tekun["audience"] == "全社会"  # one text merged over 全社会|特定群体
    mingdan = entries_by_title(repo.root, "data/catalogues/test-xian/yanglao-fuwu")["养老机构名单"][1]
    assert mingdan["channels"] == ["政府网站", "两微一端"]
    assert (mingdan["audience"], mingdan["audience_detail"]) == ("特定群体", "入住老人家属")
    assert mingdan["time_limit"]["clauses"] == [{"kind": "realtime"}]
    assert gongkai(repo.root, "validate").code == 0


DOMAIN_YANGLAO = """\
name: 养老服务
order: 21
lead_departments: [县民政局]
guideline:
  title: 《养老服务领域基层政务公开标准指引》
  issuer: 民政部办公厅
  year: 2019
standard_items:
  - l1: 养老机构
    l2: [养老机构名单]
"""


def test_gbk_csv_with_one_header_row_and_a_domain_column(repo: Repo, gongkai) -> None:
    header = ["序号", "一级事项", "二级事项", "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "全社会",
              "特定群体（请写明）", "主动公开", "依申请公开", "县级", "乡、村级", "领域"]
    row = [1, "救助对象认定", "特困人员救助供养", "1.认定条件\n2.办理流程", "《社会救助暂行办法》", "自收到申请之日起20个工作日内",
           "县民政局", "■政府网站□政府公报■政务服务中心", "", "申请人", "", "√", "√", "", "社会救助"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, row])
    (repo.root / "目录.csv").write_bytes(buffer.getvalue().encode("gb18030"))  # what Chinese Excel saves
    result = gongkai(repo.root, "import-xlsx", "目录.csv", "--catalogue", "test-xian")
    assert result.code == 0, result.out
    entry = entries_by_title(repo.root)["特困人员救助供养"][1]
    assert (entry["audience"], entry["audience_detail"], entry["mode"], entry["level"]) == ("特定群体", "申请人", "依申请", ["县级"])
    assert entry["channels"] == ["政府网站", "政务服务中心"]
    assert entry["time_limit"]["clauses"] == [{"kind": "on_request", "anchor": "收到申请", "amount": 20, "unit": "工作日"}]


def fresh_copy(tmp_path: Path) -> Path:
    """The sample repository without any entry: schema, docs, domains and catalogue files only."""
    root = tmp_path / "fresh"
    shutil.copytree(PROJECT / "schema", root / "schema")
    shutil.copytree(PROJECT / "docs", root / "docs")
    shutil.copytree(PROJECT / "data" / "domains", root / "data" / "domains")
    for catalogue in (PROJECT / "data" / "catalogues").glob("*/catalogue.yml"):
        target = root / "data" / "catalogues" / catalogue.parent.name / "catalogue.yml"
        target.parent.mkdir(parents=True)
        shutil.copy(catalogue, target)
    return root


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_sample_catalogue_round_trips(tmp_path: Path, gongkai, fmt: str) -> None:
    out = tmp_path / f"shili-xian.{fmt}"
    exported = gongkai(PROJECT, "export", "--catalogue", "shili-xian", "--format", fmt, "-o", str(out))
    assert exported.code == 0, exported.out + exported.err
    root = fresh_copy(tmp_path)
    imported = gongkai(root, "import-xlsx", str(out), "--catalogue", "shili-xian")
    assert imported.code == 0, imported.out
    original = validate(Layout(PROJECT)).repository
    result = validate(Layout(root))
    assert result.ok, [p.text() for p in result.problems]
    assert original is not None and result.repository is not None
    expected = {e.id: e for e in original.entries if e.catalogue == "shili-xian"}
    got = {e.id: e for e in result.repository.entries}
    assert sorted(got) == sorted(expected)
    assert [i for i in expected if got[i] != expected[i]] == []
    assert imported.lines[-1] == f"导入完成：{len(expected)} 新增，0 更新，0 未改变，0 行有错误，0 个警告。"
    again = gongkai(root, "import-xlsx", str(out), "--catalogue", "shili-xian")
    assert again.lines[-1] == f"导入完成：0 新增，0 更新，{len(expected)} 未改变，0 行有错误，0 个警告。"


def test_exported_sheet_layout(repo: Repo, gongkai) -> None:
    out = repo.root / "out.xlsx"
    assert gongkai(repo.root, "export", "--catalogue", "test-xian", "-o", str(out)).code == 0
    ws = openpyxl.load_workbook(out).worksheets[0]
    top = [c.value for c in ws[2]]
    sub = [c.value for c in ws[3]]
    assert top[:9] == ["序号", "公开事项", None, "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象"]
    assert sub[1:3] == ["一级事项", "二级事项"] and sub[8:14] == ["全社会", "特定群体", "主动", "依申请", "县级", "乡级"]
    assert {"事项编号", "时限结构（JSON）", "已公开内容（JSON）", "领域"} <= set(top)
    row = [c.value for c in ws[4]]
    assert row[7].startswith("■政府网站 □政府公报") and "■公开查阅点" in row[7] and row[7].endswith("□其他")
    assert row[8:14] == ["√", None, "√", None, "√", None]
    assert row[top.index("事项编号")] == "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang"


def test_a_cell_excel_cannot_hold_stops_the_export_and_says_which(repo: Repo, gongkai, tmp_path: Path) -> None:
    """Excel holds 32,767 characters a cell and calls a file with more damaged: 300 published documents with long
    titles are more in the 已公开内容（JSON） column. CSV has no such limit."""
    items = "".join(f"  - title: 示例县{n}号{'城乡最低生活保障标准调整通知' * 6}\n    url: https://www.shilixian.example/{n}.html\n"
                    f"    date: 2024-03-01\n" for n in range(300))
    repo.write(ENTRY_PATH, ENTRY.split("published:\n")[0] + "published:\n" + items)
    folder = tmp_path / "out"
    folder.mkdir()
    result = gongkai(repo.root, "export", "--catalogue", "test-xian", "-o", str(folder / "out.xlsx"))
    assert result.code == 1 and not list(folder.iterdir()), "no file, and no half-written one"
    line = ENTRY.split("published:\n")[0].count("\n") + 1
    assert f"{ENTRY_PATH}:{line}:1: 字段 published:" in result.out and "已公开内容（JSON）" in result.out, result.out
    assert "32767" in result.out and "CSV" in result.out and "Traceback" not in result.out + result.err
    assert gongkai(repo.root, "export", "--catalogue", "test-xian", "-o", str(folder / "out.csv")).code == 0


def test_formula_like_text_stays_text(repo: Repo, gongkai, tmp_path: Path) -> None:
    repo.write(ENTRY_PATH, ENTRY.replace("title: 最低生活保障", 'title: "=1+1"').replace("subject: 县民政局", "subject: \"@县民政局\""))
    for fmt in ("xlsx", "csv"):
        out = tmp_path / f"out.{fmt}"
        assert gongkai(repo.root, "export", "--catalogue", "test-xian", "-o", str(out)).code == 0
        if fmt == "xlsx":
            ws = openpyxl.load_workbook(out).worksheets[0]
            cell = next(c for row in ws.iter_rows() for c in row if c.value == "=1+1")
            assert cell.data_type == "s" and cell.quotePrefix
        else:
            records = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
            assert "'=1+1" in records[1] and "'@县民政局" in records[1]
        (repo.root / ENTRY_PATH).unlink()
        result = gongkai(repo.root, "import-xlsx", str(out), "--catalogue", "test-xian")
        assert result.code == 0, result.out
        data = read(repo.root / ENTRY_PATH)
        assert (data["title"], data["subject"]) == ("=1+1", "@县民政局")
    assert gongkai(repo.root, "validate").code == 0


def test_usage_errors(repo: Repo, gongkai) -> None:
    missing = gongkai(repo.root, "import-xlsx", "nope.xlsx", "--catalogue", "test-xian")
    assert missing.code == 2 and "找不到文件 nope.xlsx" in missing.err
    variant_sheet(repo.root / "a.xlsx")
    unknown = gongkai(repo.root, "import-xlsx", "a.xlsx", "--catalogue", "test-xain")
    assert unknown.code == 2 and "你是不是想写“test-xian”" in unknown.err
    (repo.root / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    old = gongkai(repo.root, "import-xlsx", "old.xls", "--catalogue", "test-xian")
    assert old.code == 2 and "另存为" in old.err
    (repo.root / "broken.xlsx").write_bytes(b"not a zip")
    broken = gongkai(repo.root, "import-xlsx", "broken.xlsx", "--catalogue", "test-xian")
    assert broken.code == 2 and "无法作为 Excel 文件打开" in broken.err
    no_header = write_book(repo.root / "blank.xlsx", "Sheet1", [["hello", "world"]], [])
    assert gongkai(repo.root, "import-xlsx", str(no_header), "--catalogue", "test-xian").code == 2
    domain = gongkai(repo.root, "import-xlsx", "a.xlsx", "--catalogue", "test-xian", "--domain", "社会求助")
    assert domain.code == 2 and "领域“社会求助”不存在" in domain.err
    export = gongkai(repo.root, "export", "-o", str(repo.root / "x.txt"))
    assert export.code == 2 and "--format" in export.err


def test_json_export_is_versioned(repo: Repo, gongkai) -> None:
    out = repo.root / "out.json"
    assert gongkai(repo.root, "export", "-o", str(out)).code == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert (document["format"], document["version"]) == ("gongkai-entries", 1)
    assert [e["id"] for e in document["entries"]] == ["test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang"]
    assert document["entries"][0]["data"]["time_limit"]["clauses"][0]["amount"] == 10


@pytest.mark.parametrize(("cell", "channels", "others"), [
    ("■政府网站□政府公报■两微一端□其他", ["政府网站", "两微一端"], []),
    ("R政府网站 £政府公报 R政务新媒体", ["政府网站", "两微一端"], []),
    ("▲政府网站 口政府公报 ▲提供政务服务的场所 口办事窗口", ["政府网站", "政务服务中心"], []),
    ("√政府网站 √村居/企事业单位公示栏(电子屏) √其他：征地信息公开平台", ["政府网站", "社区/企事业单位/村公示栏（电子屏）", "其他"],
     ["征地信息公开平台"]),
    ("政府网站、两微一端、投资项目在线审批监管平台", ["政府网站", "两微一端", "其他"], ["投资项目在线审批监管平台"]),
    ("■政府网站 ■办事窗口", ["政府网站", "其他"], ["办事窗口"]),
])
def test_channel_cells(repo: Repo, cell: str, channels: list[str], others: list[str]) -> None:
    from gongkai.excel import channel_vocabulary
    from gongkai.schema import load_schemas
    from gongkai.sheet_import import Channels

    vocabulary = channel_vocabulary(load_schemas(repo.root / "schema")["entry"])
    reading = read_channel_text(cell, Channels(vocabulary))
    assert (reading.channels, reading.others) == (channels, others)


def test_basis_cells() -> None:
    assert read_basis("1.《中华人民共和国政府信息公开条例》(国令第711号);2.建设用地审查报批有关规定") == [
        {"title": "《中华人民共和国政府信息公开条例》", "number": "国令第711号"}, {"title": "建设用地审查报批有关规定"}]
    assert read_basis("《中华人民共和国社会保险法》(2010年通过,2018年12月29日修正)《社会保险登记管理暂行办法》（劳动和社会保障部令第1号）") == [
        {"title": "《中华人民共和国社会保险法》(2010年通过,2018年12月29日修正)"},
        {"title": "《社会保险登记管理暂行办法》", "number": "劳动和社会保障部令第1号"}]
    items = [{"title": "《A》", "number": "国发〔2014〕47号", "articles": "第九条至第十五条"}, {"title": "《B》"}]
    assert format_basis(items) == "1.《A》（国发〔2014〕47号）第九条至第十五条\n2.《B》"
    assert read_basis(format_basis(items)) == items


def test_cells_are_composed_to_nfc_only_where_that_changes_no_character() -> None:
    from gongkai.sheet_import import cell_text

    assert cell_text("Cafe\u0301 住房面积 30㎡①") == "Caf\u00e9 住房面积 30㎡①"
    assert cell_text("\uf900 e\u0301") == "\uf900 e\u0301"  # NFC would turn the compatibility ideograph into 豈: left alone
