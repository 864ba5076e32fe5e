"""The `gongkai` command: `main(argv) -> int`, exit codes decided here and nowhere else."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .paths import Layout, find_root
from .problems import FORMATTERS
from .validate import validate

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongkai", description="政务公开事项目录：检查、构建与导出。")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")
    check = commands.add_parser("validate", help="检查数据文件是否符合要求（不修改任何文件）",
                                description="检查 data/ 下的领域、目录和事项文件。不带参数时检查整个仓库。")
    check.add_argument("paths", nargs="*", type=Path, help="只报告这些文件或文件夹中的问题")
    check.add_argument("--format", choices=sorted(FORMATTERS), default="text",
                       help="输出格式：text（默认）、github（GitHub 工作流注释）、json")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = find_root(Path.cwd())
    if root is None:
        print("找不到仓库：当前文件夹及其上级都没有 schema/entry.schema.json 和 data/。请在仓库根目录运行。", file=sys.stderr)
        return EXIT_USAGE
    layout = Layout(root)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"找不到文件或文件夹：{'、'.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    result = validate(layout, args.paths)
    output = FORMATTERS[args.format](result.problems)
    if output:
        print(output)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


if __name__ == "__main__":
    sys.exit(main())
