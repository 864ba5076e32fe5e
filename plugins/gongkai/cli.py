"""The `gongkai` command: `main(argv) -> int`, exit codes decided here and nowhere else."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import codeowners, excel, linkcheck, repocheck, scaffold, urlcheck
from .clock import CHINA, china_today
from .history import HistoryError, as_data, read_history
from .pages import catalogues_in_order
from .paths import Layout, find_root
from .problems import FORMATTERS
from .report import PERIODS, build_report, report_markdown, report_xlsx
from .review import display_names, review_items, summary
from .schema import load_schemas
from .supervision import supervise
from .urlcheck import read_results
from .validate import validate

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _configure_validate(commands: Any) -> None:
    check = commands.add_parser("validate", help="检查数据文件是否符合要求（不修改任何文件）",
                                description="检查 data/ 下的领域、目录和事项文件。不带参数时检查整个仓库。")
    check.add_argument("paths", nargs="*", type=Path, help="只报告这些文件或文件夹中的问题")
    check.add_argument("--format", choices=sorted(FORMATTERS), default="text",
                       help="输出格式：text（默认）、github（GitHub 工作流注释）、json")


def _configure_history(commands: Any) -> None:
    history = commands.add_parser("history", help="显示一个事项的全部变更记录（来自 git 历史）",
                                  description="按时间倒序列出一个事项的创建、修改、移动和撤销，以及每次修改的字段。")
    history.add_argument("entry", help="事项编号（目录/领域/文件名，例如 shili-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang）或事项文件路径")
    history.add_argument("--format", choices=["text", "json"], default="text", help="输出格式：text（默认）或 json")


def _validate(args: argparse.Namespace, layout: Layout) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"找不到文件或文件夹：{'、'.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    result = validate(layout, args.paths)
    output = FORMATTERS[args.format](result.problems)
    if output:
        print(output)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _history(args: argparse.Namespace, layout: Layout) -> int:
    entry, output = args.entry, args.format
    wanted = entry.removeprefix("data/catalogues/").removesuffix(".yml").strip("/")
    try:
        trail = read_history(layout.root, load_schemas(layout.schema)["entry"])
    except HistoryError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    found = trail.of(wanted)
    if found is None:
        close = difflib.get_close_matches(wanted, sorted(trail.entries), n=1, cutoff=0.5)
        tip = f"你是不是想查“{close[0]}”？" if close else "事项编号是事项文件相对于 data/catalogues/ 的路径，不含 .yml。"
        print(f"在 git 历史中找不到事项“{wanted}”。{tip}", file=sys.stderr)
        return EXIT_PROBLEMS
    data = as_data(found)
    if output == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    state = "（已撤销）" if found.removed else ""
    print(f"事项 {found.entry_id}{state}　文件 {found.path}")
    for change in data["changes"]:
        when = dt.datetime.fromisoformat(change["date"]).astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if change["date"] else "未提交"
        pr = f"  #{change['pull_request']}" if change["pull_request"] else ""
        commit = f"  {change['commit'][:7]}" if change["commit"] else ""
        print(f"{when}  {change['label']}  {change['author'] or ''}  {change['subject'] or ''}{pr}{commit}")
        if change["previous_path"]:
            print(f"    从 {change['previous_path']} 移到 {change['path']}")
        for field in change["fields"]:
            print(f"    {field['text']}")
    return EXIT_OK


def _configure_review(commands: Any) -> None:
    review = commands.add_parser("review", help="列出两个提交之间每个事项的字段级修改（Markdown，供审核）",
                                 description="比较两个提交，列出新增、修改、移动和撤销的事项及其字段变化，输出 Markdown。")
    review.add_argument("--base", required=True, help="修改前的提交，例如 origin/main")
    review.add_argument("--head", default="HEAD", help="修改后的提交（默认 HEAD）")


def _review(args: argparse.Namespace, layout: Layout) -> int:
    try:
        items = review_items(layout.root, args.base, args.head, load_schemas(layout.schema))
    except HistoryError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    print(summary(items, *display_names(layout.data)))
    return EXIT_OK


def _configure_report(commands: Any) -> None:
    report = commands.add_parser("report", help="生成周小结、月报告、季通报或年考核（Markdown 或 Excel）",
                                 description="统计从本周（周一）、本月、本季度或本年第一天到统计日期为止的事项变更，"
                                             "以及统计日期当天各部门的标准事项完整率、逾期和断链情况。")
    report.add_argument("--period", choices=list(PERIODS), required=True,
                        help="week（周小结）、month（月报告）、quarter（季通报）或 year（年考核）")
    report.add_argument("--as-of", dest="as_of", type=_day, default=None, help="统计日期，格式 YYYY-MM-DD（默认今天，北京时间）")
    report.add_argument("--catalogue", help="只统计这个目录（目录文件夹名）")
    report.add_argument("--url-results", type=Path, default=Path(".cache/gongkai/urls.json"),
                        help="gongkai check-urls 的结果文件（默认 .cache/gongkai/urls.json；没有时断链显示“未检查”）")
    report.add_argument("-o", "--output", type=Path, help="写入文件：.md 或 .xlsx（默认在屏幕上显示 Markdown）")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是有效的日期，请写成 YYYY-MM-DD，例如 2026-03-31。") from None


def _report(args: argparse.Namespace, layout: Layout) -> int:
    output: Path | None = args.output
    if output is not None and output.suffix.lower() not in (".md", ".xlsx"):
        print(f"无法写入 {output}：报告只能保存为 .md 或 .xlsx 文件。", file=sys.stderr)
        return EXIT_USAGE
    result = validate(layout)
    if not result.ok or result.repository is None:
        print(FORMATTERS["text"](result.problems))
        print("数据检查未通过，无法生成报告。请先修正上面的问题。", file=sys.stderr)
        return EXIT_PROBLEMS
    repo = result.repository
    if args.catalogue and args.catalogue not in repo.catalogues:
        close = difflib.get_close_matches(args.catalogue, sorted(repo.catalogues), n=1)
        print(f"没有目录“{args.catalogue}”。{f'你是不是想写“{close[0]}”？' if close else ''}目录名是 data/catalogues/ 下的文件夹名。",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        trail = read_history(layout.root, load_schemas(layout.schema)["entry"])
    except HistoryError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    supervision = supervise(repo, args.as_of or china_today(), read_results(layout.root / args.url_results))
    catalogues = catalogues_in_order(repo)
    if args.catalogue:
        supervision = supervision.select(catalogue=args.catalogue)
        scope = repo.catalogues[args.catalogue].government
    else:
        scope = next((c.government for c in catalogues if not c.parent), "")
    report = build_report(repo, trail, supervision, args.period, scope, args.catalogue)
    if output is None:
        print(report_markdown(report))
    elif output.suffix.lower() == ".xlsx":
        output.write_bytes(report_xlsx(report))
        print(f"已写入 {output}：{report.title}")
    else:
        output.write_text(report_markdown(report), encoding="utf-8")
        print(f"已写入 {output}：{report.title}")
    return EXIT_OK


Command = tuple[Callable[[Any], None], Callable[[argparse.Namespace, Layout], int]]
"""How a subcommand adds its arguments, and what it runs; each returns an exit code."""

COMMANDS: dict[str, Command] = {
    "validate": (_configure_validate, _validate),
    "history": (_configure_history, _history),
    "review": (_configure_review, _review),
    "new": (scaffold.configure, scaffold.run),
    "codeowners": (codeowners.configure, codeowners.run),
    "check-links": (linkcheck.configure_links, linkcheck.run_links),
    "check-markup": (linkcheck.configure_markup, linkcheck.run_markup),
    "import-xlsx": excel.IMPORT_COMMAND,
    "export": excel.EXPORT_COMMAND,
    "report": (_configure_report, _report),
    "check-urls": (urlcheck.configure, urlcheck.run),
    "check-size": (repocheck.configure, repocheck.run),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongkai", description="政务公开事项目录：检查、构建与导出。")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")
    for configure, _ in COMMANDS.values():
        configure(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = find_root(Path.cwd())
    if root is None:
        print("找不到仓库：当前文件夹及其上级都没有 schema/entry.schema.json 和 data/。请在仓库根目录运行。", file=sys.stderr)
        return EXIT_USAGE
    return COMMANDS[args.command][1](args, Layout(root))


if __name__ == "__main__":
    sys.exit(main())
