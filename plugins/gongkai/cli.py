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

from . import codeowners, excel, linkcheck, scaffold
from .clock import CHINA
from .history import HistoryError, as_data, read_history
from .paths import Layout, find_root
from .problems import FORMATTERS
from .review import display_names, review_items, summary
from .schema import load_schemas
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
