"""What the repository itself must not contain, whatever the files say: links out of it, LFS pointers,
submodules, and pull requests too large to review.

A symbolic link under data/ or docs/ would let a pull request publish any file of the machine that
builds the site (the Pages upload follows links); a submodule or an LFS pointer would build from
content nobody reviewed in the pull request.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .paths import Layout
from .problems import FILE_FIELD, Problem

MAX_PR_BYTES = 8 * 1024 * 1024
MAX_PR_FILES = 2000
"""A pull request larger than this cannot be reviewed line by line; a department's usual change is a few files."""

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def tree_problems(layout: Layout) -> list[Problem]:
    """Symbolic links anywhere under data/ and docs/, and submodules under data/."""
    problems: list[Problem] = []
    for top in (layout.data, layout.docs):
        if top.is_symlink():
            problems.append(_link_problem(layout, top))
            continue
        folders = [top] if top.is_dir() else []
        while folders:  # scandir knows links from the listing: no call per file
            here = folders.pop(0)
            listing = sorted(os.scandir(here), key=lambda e: e.name)
            problems.extend(_link_problem(layout, Path(e.path)) for e in listing if e.is_symlink())
            if top == layout.data and any(e.name == ".git" for e in listing):
                problems.append(Problem(layout.relative(here / ".git"), 1, 1, FILE_FIELD,
                                        f"{layout.relative(here)}/ 是一个 git 子模块（或嵌套的仓库），data/ 下不能有子模块："
                                        "它的内容不会出现在修改请求里，审核人看不到。请把其中的数据文件直接复制进来，删除子模块。"))
            folders[:0] = [Path(e.path) for e in listing
                           if e.is_dir(follow_symlinks=False) and not (top == layout.data and e.name == ".git")]
    gitmodules = layout.root / ".gitmodules"
    if gitmodules.is_file():
        for number, line in enumerate(gitmodules.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            key, _, value = line.strip().partition("=")
            if key.strip() == "path" and value.strip().split("/")[0] in ("data", "docs"):
                problems.append(Problem(".gitmodules", number, 1, FILE_FIELD, f"子模块 {value.strip()} 在 data/ 或 docs/ 下。"
                                        "数据和页面必须直接保存在本仓库中，请删除这个子模块（git rm），把文件直接提交。"))
    return problems


def _link_problem(layout: Layout, path: Path) -> Problem:
    target = os.readlink(path)
    return Problem(layout.relative(path), 1, 1, FILE_FIELD,
                   f"这是一个符号链接（指向 {target}），data/ 和 docs/ 下不能有符号链接：构建时会把它指向的文件发布出去。"
                   "请删除它，把需要的内容作为普通文件提交。")


def site_links(site_dir: Path) -> list[str]:
    """Symbolic links in a built site, relative to it: the Pages upload would follow them. Read from the folder
    entries, without a system call per file (a province's site has 400,000 and every build checks them)."""
    found: list[str] = []
    folders = [site_dir]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    found.append(Path(entry.path).relative_to(site_dir).as_posix())
                elif entry.is_dir():
                    folders.append(Path(entry.path))
    return sorted(found)


def pull_request_size(root: Path, base: str, head: str) -> tuple[int, int, list[tuple[str, int]]]:
    """(files changed, bytes of what they now hold, the largest ones) between two commits."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), "-c", "core.quotepath=off", *args], capture_output=True, text=True,
                              check=True).stdout

    changed = [line for line in git("diff", "--name-only", "--no-renames", "-z", f"{base}...{head}").split("\0") if line]
    sizes: list[tuple[str, int]] = []
    if changed:
        listing = git("ls-tree", "-l", "-z", head, "--", *changed)
        for item in filter(None, listing.split("\0")):
            meta, _, path = item.partition("\t")
            size = meta.split()[-1]
            sizes.append((path, int(size) if size.isdigit() else 0))
    sizes.sort(key=lambda pair: -pair[1])
    return len(changed), sum(size for _, size in sizes), sizes[:5]


def configure(commands: Any) -> None:
    parser = commands.add_parser("check-size", help="检查一个修改请求是否过大（文件数和大小）",
                                 description=f"比较两个提交：修改的文件超过 {MAX_PR_FILES} 个，或修改后的文件合计超过 "
                                             f"{MAX_PR_BYTES // (1024 * 1024)} MB 时退出码为 1。")
    parser.add_argument("--base", required=True, help="修改前的提交，例如 origin/main")
    parser.add_argument("--head", default="HEAD", help="修改后的提交（默认 HEAD）")


def run(args: argparse.Namespace, layout: Layout) -> int:
    try:
        files, size, largest = pull_request_size(layout.root, args.base, args.head)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        print(f"无法比较 {args.base} 和 {args.head}：{detail.strip()}。请确认这两个提交都存在（检出时需要完整历史）。", file=sys.stderr)
        return EXIT_USAGE
    megabytes = size / (1024 * 1024)
    if files <= MAX_PR_FILES and size <= MAX_PR_BYTES:
        print(f"修改了 {files} 个文件，合计 {megabytes:.1f} MB，没有超过上限。")
        return EXIT_OK
    listed = "；".join(f"{path}（{bytes_ // 1024} KB）" for path, bytes_ in largest)
    print(f"这个修改请求太大：修改了 {files} 个文件（上限 {MAX_PR_FILES} 个），合计 {megabytes:.1f} MB"
          f"（上限 {MAX_PR_BYTES // (1024 * 1024)} MB），审核人无法逐项核对。最大的几个：{listed}。"
          "请拆成几个较小的修改请求（例如每个领域一个），或检查是否误提交了不该提交的文件。", file=sys.stderr)
    return EXIT_PROBLEMS
