"""Every kind of bad input gives exit 1 and a Chinese message naming the file, line and field."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from conftest import CATALOGUE, ENTRY, ENTRY_PATH, TOWNSHIP, Repo


@dataclass
class Case:
    id: str
    content: bytes | str
    line: int
    field: str
    says: str
    path: str = ENTRY_PATH


def replaced(old: str, new: str) -> str:
    assert old in ENTRY, old
    return ENTRY.replace(old, new, 1)


BOMB = "".join(
    [ENTRY, 'note: &a ["哈","哈","哈","哈","哈","哈","哈","哈","哈"]\n']
    + [f"x{i}: &x{i} [{','.join([f'*{p}' for p in ['a' if i == 1 else f'x{i - 1}'] * 9])}]\n" for i in range(1, 9)]
)

NOT_APPLICABLE = """\
not_applicable:
  - domain: shehui-jiuzhu
    l1: 综合业务
    l2: {l2}
    reason: 本县没有这项职责
"""

CASES = [
    Case("syntax", replaced("title: 最低生活保障", "title: 最低生活保障: 城市"), 2, "（整个文件）", "YAML 格式错误"),
    Case("gbk", ENTRY.encode("gbk"), 1, "（整个文件）", "GBK"),
    Case("utf16", ENTRY.encode("utf-16"), 1, "（整个文件）", "UTF-16"),
    Case("bom", b"\xef\xbb\xbf" + ENTRY.encode(), 1, "（整个文件）", "BOM"),
    Case("tab", replaced("    number: 国务院令第649号", "\t  number: 国务院令第649号"), 8, "（整个文件）", "制表符"),
    Case("duplicate-key", ENTRY + "subject: 县财政局\n", 28, "subject", "重复出现"),
    Case("alias-bomb", BOMB, 28, "note", "锚点和别名"),
    Case("merge-key", ENTRY + "<<: {note: 说明}\n", 28, "（整个文件）", "合并键"),
    Case("boolean", replaced("mode: 主动", "mode: yes"), 21, "mode", "布尔值"),
    Case("date-as-text", replaced("subject: 县民政局", "subject: 2024-03-01"), 16, "subject", "当作日期"),
    Case("sexagesimal", ENTRY + "note: 20:30\n", 28, "note", "当作数字"),
    Case("octal", ENTRY + "l3: 010\n", 28, "l3", "当作数字"),
    Case("number-in-text", replaced("subject: 县民政局", "subject: 2024"), 16, "subject", "加上引号"),
    Case("python-tag", ENTRY + "note: !!python/object/apply:os.system [ls]\n", 28, "note", "YAML 标签"),
    Case("unknown-field", replaced("subject: 县民政局", "subjcet: 县民政局"), 16, "subjcet", "你是不是想写“subject”"),
    Case("chinese-key", replaced("subject: 县民政局", "公开主体: 县民政局"), 16, "公开主体", "你是不是想写“subject”"),
    Case("missing-field", replaced("subject: 县民政局\n", ""), 1, "subject（公开主体）", "缺少必填字段“subject”"),
    Case("enum", replaced("mode: 主动", "mode: 主动公开"), 21, "mode（公开方式）", "允许的值：主动、依申请"),
    Case("channel", replaced("  - 政府网站", "  - 政府门户网站"), 18, "channels[0]（公开渠道和载体）", "你是不是想写“政府网站”"),
    Case("empty-file", "", 1, "（整个文件）", "文件是空的"),
    Case("comments-only", "# 待填写\n", 1, "（整个文件）", "只有注释"),
    Case("huge-file", ENTRY + "note: |\n" + "  很长的内容\n" * 40000, 1, "（整个文件）", "文件太大"),
    Case("two-documents", ENTRY + "---\n" + ENTRY, 28, "（整个文件）", "只能有一个 YAML 文档"),
    Case("not-a-mapping", "- 最低生活保障\n", 1, "（整个文件）", "最外层"),
    Case("impossible-date", replaced("date: 2024-03-01", "date: 2024-02-30"), 27, "published[0].date", "不是真实存在的日期"),
    Case("future-date", replaced("date: 2024-03-01", "date: 2999-01-01"), 27, "published[0].date", "晚于今天"),
    Case("bad-date-format", replaced("date: 2024-03-01", "date: 2024年3月1日"), 27, "published[0].date", "YYYY-MM-DD"),
    Case("javascript-url", replaced("url: https://www.shilixian.example/zwgk/2024/dibao.html", "url: javascript:alert(1)"),
         26, "published[0].url（网址）", "http:// 或 https://"),
    Case("empty-value", replaced("subject: 县民政局", "subject:"), 16, "subject", "值是空的"),
    Case("published-missing-date", replaced("    date: 2024-03-01\n", ""), 25, "published[0].date", "缺少必填字段“date”"),
    Case("deadline-missing-amount", replaced("      amount: 10\n", ""), 12, "time_limit.clauses[0].amount", "缺少必填字段“amount”"),
    Case("control-character", replaced("县民政局", "县民\x07政局"), 16, "（整个文件）", "控制字符"),
    Case("wrong-folder", ENTRY, 1, "（整个文件）", "你是不是想写“shehui-jiuzhu”",
         path="data/catalogues/test-xian/shehui-jiuzu/zuidi-shenghuo-baozhang.yml"),
    Case("no-catalogue", ENTRY, 1, "（整个文件）", "没有 catalogue.yml",
         path="data/catalogues/nowhere/shehui-jiuzhu/zuidi-shenghuo-baozhang.yml"),
    Case("yaml-extension", ENTRY, 1, "（整个文件）", "扩展名应为 .yml",
         path="data/catalogues/test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang-2.yaml"),
    Case("bad-slug", ENTRY, 1, "（整个文件）", "只能用小写英文字母",
         path="data/catalogues/test-xian/shehui-jiuzhu/最低生活保障.yml"),
    Case("level-mismatch", ENTRY, 22, "level（公开层级）", "必须包含“乡级”",
         path="data/catalogues/test-xian-donghu/shehui-jiuzhu/zuidi-shenghuo-baozhang.yml"),
    Case("catalogue-enum", CATALOGUE.replace("level: 县级", "level: 市级"), 3, "level（目录层级）", "允许的值：县级、乡级",
         path="data/catalogues/test-xian/catalogue.yml"),
    Case("catalogue-parent", TOWNSHIP.replace("parent: test-xian", "parent: test-xain"), 5, "parent（上级目录）",
         "你是不是想写“test-xian”", path="data/catalogues/test-xian-donghu/catalogue.yml"),
    Case("event-after-publication", replaced("    date: 2024-03-01\n", "    date: 2024-03-01\n    event_date: 2024-03-05\n"),
         28, "published[0].event_date", "晚于发布日期"),
    Case("pending-in-future", ENTRY + "pending:\n  - title: 2025年低保标准调整\n    event_date: 2999-01-01\n", 30,
         "pending[0].event_date", "晚于今天"),
    Case("pending-missing-date", ENTRY + "pending:\n  - title: 2025年低保标准调整\n", 29,
         "pending[0].event_date", "缺少必填字段“event_date”"),
    Case("not-applicable-unknown-item", CATALOGUE + NOT_APPLICABLE.format(l2="危房改造"), 12, "not_applicable[0].l2",
         "不是“社会救助”标准指引中的事项", path="data/catalogues/test-xian/catalogue.yml"),
    Case("not-applicable-unknown-domain", CATALOGUE + NOT_APPLICABLE.format(l2="监督检查").replace("shehui-jiuzhu", "shehui-jiuzu"),
         10, "not_applicable[0].domain", "你是不是想写“shehui-jiuzhu”", path="data/catalogues/test-xian/catalogue.yml"),
]

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): 字段 (?P<field>.+?): (?P<message>.+)$")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_reported_with_file_line_and_field(repo: Repo, gongkai, case: Case) -> None:
    if isinstance(case.content, bytes):
        repo.write_bytes(case.path, case.content)
    else:
        repo.write_bytes(case.path, case.content.encode("utf-8"))

    result = gongkai(repo.root, "validate")

    assert result.code == 1, result.out
    parsed = [LINE.match(line) for line in result.lines[:-1]]
    assert all(parsed), result.out
    mine = [m for m in parsed if m and m["path"] == case.path]
    assert any(
        int(m["line"]) == case.line and m["field"].startswith(case.field) and case.says in m["message"] for m in mine
    ), f"expected line {case.line}, field {case.field}, '{case.says}' in:\n{result.out}"
    assert "Traceback" not in result.out + result.err
    assert result.lines[-1].startswith("共发现")


def test_duplicate_title_names_the_other_file(repo: Repo, gongkai) -> None:
    repo.write("data/catalogues/test-xian/shehui-jiuzhu/dibao-2.yml", ENTRY)
    result = gongkai(repo.root, "validate")
    assert result.code == 1
    assert re.search(r"zuidi-shenghuo-baozhang\.yml:2:1: 字段 title（二级事项）: .*同名事项.*dibao-2\.yml", result.out), result.out


def test_all_problems_are_reported_in_one_run(repo: Repo, gongkai) -> None:
    repo.write("data/catalogues/test-xian/shehui-jiuzhu/a.yml", replaced("mode: 主动", "mode: 主动公开"))
    repo.write("data/catalogues/test-xian/shehui-jiuzhu/b.yml", replaced("subject: 县民政局\n", "").replace("最低生活保障", "乙"))
    repo.write_bytes("data/catalogues/test-xian/shehui-jiuzhu/c.yml", ENTRY.replace("最低生活保障", "丙").encode("gbk"))
    result = gongkai(repo.root, "validate")
    assert result.code == 1
    paths = {line.split(":")[0] for line in result.lines[:-1]}
    assert {f"data/catalogues/test-xian/shehui-jiuzhu/{n}.yml" for n in "abc"} <= paths
    assert result.lines[-1] == "共发现 3 个错误，0 个警告。"


def test_unknown_field_and_missing_field_both_reported(repo: Repo, gongkai) -> None:
    repo.write(ENTRY_PATH, replaced("subject: 县民政局", "subjcet: 县民政局"))
    result = gongkai(repo.root, "validate")
    assert any("未知字段“subjcet”" in line for line in result.lines)
    assert any("缺少必填字段“subject”" in line for line in result.lines)


def test_checking_on_every_core_reports_the_same_as_one_by_one(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """validate spreads files over processes from PARALLEL_FROM files; the answer must not depend on it."""
    import gongkai.validate as validating
    from gongkai.paths import Layout

    for index, case in enumerate(CASES[:20]):
        content = case.content if isinstance(case.content, bytes) else case.content.encode("utf-8")
        if case.path == ENTRY_PATH:
            repo.write_bytes(f"data/catalogues/test-xian/shehui-jiuzhu/case-{index}.yml", content)
    repo.write("data/catalogues/test-xian/shehui-jiuzhu/dibao-2.yml", ENTRY)  # a cross-file finding, located after the workers
    serial = validating.validate(Layout(repo.root))
    monkeypatch.setattr(validating, "PARALLEL_FROM", 1)
    pools = []

    import gongkai.parallel as parallel

    class Pool(parallel.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs) -> None:
            pools.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Pool)
    parallel = validating.validate(Layout(repo.root))
    assert pools, "the files were not spread over processes"
    assert parallel.problems == serial.problems
    assert any("同名事项" in p.message and p.line == 2 for p in parallel.problems)
    assert len(serial.problems) >= 20
