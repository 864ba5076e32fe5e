"""Bytes -> text -> safe YAML -> plain data, reporting every way a file can be unreadable.

Stricter than `yaml.safe_load`, and no slower: libyaml parses, and a small
constructor of our own builds the data. It refuses what would silently change or
lose what a department wrote: duplicate keys, anchors and aliases, merge keys,
tags, and plain values that YAML 1.1 would turn into booleans, numbers or dates.
Nothing here writes a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.cyaml import CParser
from yaml.events import AliasEvent, NodeEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .paths import Place
from .problems import FILE_FIELD, JsonPath, Problem, dotted
from .yaml_errors import explain_yaml_error

MAX_FILE_BYTES = 256 * 1024
LFS_POINTER = b"version https://git-lfs.github.com/spec/"
MAX_DEPTH = 32
MAX_PROBLEMS_PER_FILE = 50

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (_T + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
MAP, SEQ, MERGE, VALUE = (_T + t for t in ("map", "seq", "merge", "value"))
_DECIMAL = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_LEADING_TAB = re.compile(r"^[ ]*\t", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MAX_ANCHOR_PROBLEMS = 10


@dataclass(frozen=True)
class SourceDoc:
    """A data file that parsed: its place in the repository and its plain data."""

    path: str
    place: Place
    data: Any
    text: str
    timestamps: tuple[tuple[JsonPath, str], ...] = ()
    """Plain scalars YAML 1.1 reads as dates, kept as the text written; validation decides where they may stand."""
    strings: list[tuple[JsonPath, str, bool]] | None = None
    """Every string of the data with its path, keys outside plain ASCII included (flagged True), in document
    order: what the rules over all text read, gathered while the data is built instead of walking it again."""


IMPLICIT_RESOLVERS = Resolver.yaml_implicit_resolvers


class _Reader(CParser, Resolver):  # type: ignore[misc]
    """libyaml's parser and composer with PyYAML's YAML 1.1 tag resolution, and no constructor.

    `resolve` gives the same tags as PyYAML's, without the path-resolver bookkeeping that
    PyYAML does for every node: that bookkeeping costs more than libyaml's parsing itself.
    """

    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        Resolver.__init__(self)

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in IMPLICIT_RESOLVERS.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return STR
        return SEQ if kind is SequenceNode else MAP


def compose(text: str) -> Node | None:
    """The node tree of a single-document YAML text; raises `yaml.MarkedYAMLError`."""
    reader = _Reader(text)
    try:
        return reader.get_single_node()
    finally:
        reader.dispose()


def load(file: Path, rel: str, place: Place) -> tuple[SourceDoc | None, list[Problem]]:
    """Read one data file. Returns the document (None if unusable) and the problems found."""
    problems: list[Problem] = []

    def fail(line: int, column: int, message: str) -> tuple[None, list[Problem]]:
        problems.append(Problem(rel, line, column, FILE_FIELD, message))
        return None, problems

    try:
        with open(file, "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            size = file.stat().st_size
            return fail(1, 1, f"文件太大（{size // 1024} KB），上限是 {MAX_FILE_BYTES // 1024} KB。"
                        "一个事项文件通常只有几 KB，请检查是否误粘贴了大段内容或放错了文件。")
    except OSError as exc:
        return fail(1, 1, f"无法读取文件（{exc.strerror}）。请检查文件是否存在、是否有读取权限。")

    if raw.startswith(LFS_POINTER):
        return fail(1, 1, "这是一个 Git LFS 指针，不是数据文件本身。data/ 下的文件不能用 Git LFS 保存："
                    "请运行 git lfs untrack 取消跟踪，把文件作为普通文件重新提交。")
    text, problem = _decode(raw)
    if problem:
        return fail(*problem)
    if text.startswith("\ufeff"):
        problems.append(Problem(rel, 1, 1, FILE_FIELD, "文件以 UTF-8 BOM（不可见的字节顺序标记）开头。"
                                "请在编辑器中另存为“UTF-8”（不带 BOM），或在 VS Code 右下角把“UTF-8 with BOM”改为“UTF-8”。"))
        text = text[1:]
    if not text.strip():
        return fail(1, 1, "文件是空的。请填写内容；如果这个事项已不再需要，请删除整个文件。")
    builder = _Builder(rel)
    data, found = _parse_with(builder, text, rel)
    problems.extend(found)
    if data is None:
        return None, problems
    return SourceDoc(rel, place, data, text, tuple(builder.timestamps), builder.strings), problems


def parse_text(text: str, rel: str) -> tuple[dict[str, Any] | None, list[Problem], tuple[tuple[JsonPath, str], ...]]:
    """Strictly parse YAML text that must be a mapping: (data or None, problems, date-like scalars)."""
    builder = _Builder(rel)
    data, problems = _parse_with(builder, text, rel)
    return data, problems, tuple(builder.timestamps) if data is not None else ()


def _parse_with(builder: _Builder, text: str, rel: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    problems: list[Problem] = []

    def fail(line: int, column: int, message: str) -> tuple[None, list[Problem]]:
        problems.append(Problem(rel, line, column, FILE_FIELD, message))
        return None, problems

    if "\t" in text:
        for match in _LEADING_TAB.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(Problem(rel, line, match.end() - match.start(), FILE_FIELD,
                                    "这一行用制表符（Tab）缩进，YAML 只允许用空格缩进。请把 Tab 换成空格（通常每级 2 个空格）。"))
        if problems:
            return None, problems[:MAX_PROBLEMS_PER_FILE]

    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        column = control.start() - text.rfind("\n", 0, control.start())
        return fail(line, column, f"第 {line} 行第 {column} 个字符是不可见的控制字符（U+{ord(control.group()):04X}），"
                    "常见于从 Word、网页或 PDF 复制的文字。请删除它后重新输入这几个字。")

    depth_problem = _flow_depth_problem(text)
    if depth_problem:
        return fail(*depth_problem)

    if "&" in text or "*" in text:
        anchors = _anchor_problems(text, rel)
        if anchors:
            return None, anchors

    try:
        root = compose(text)
    except yaml.MarkedYAMLError as exc:
        return fail(*explain_yaml_error(exc, text))
    except yaml.YAMLError as exc:
        return fail(1, 1, f"YAML 无法读取这个文件（{exc}）。请检查文件内容是否为纯文本。")
    if root is None:
        return fail(1, 1, "文件里只有注释或空行，没有任何字段。请填写内容。")

    data = builder.build(root, ())
    problems.extend(builder.problems[:MAX_PROBLEMS_PER_FILE])
    if not isinstance(data, dict):
        mark = root.start_mark
        return fail(mark.line + 1, mark.column + 1, "文件的最外层应当是“字段名: 值”的形式，而不是列表或单个值。")
    return data, problems


def _decode(raw: bytes) -> tuple[str, tuple[int, int, str] | None]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", (1, 1, "文件是 UTF-16 编码（Windows 记事本的“Unicode”）。请另存为“UTF-8”编码。")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _byte_position(raw, nul)
        return "", (line, column, "文件含有空字节（NUL），可能是 UTF-16 编码或不是文本文件。请另存为“UTF-8”编码的文本。")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            return "", (line, column, "文件不是 UTF-8 编码，含有无法识别的字节。请用编辑器另存为“UTF-8”编码。")
        return "", (line, column, "文件不是 UTF-8 编码，看起来是 GBK/GB18030（Windows 中文版记事本、Excel 的默认编码）。"
                    "请用记事本“另存为”并把编码选为“UTF-8”，或运行 iconv -f GB18030 -t UTF-8 原文件 > 新文件。")


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column


def _flow_depth_problem(text: str) -> tuple[int, int, str] | None:
    """Refuse absurd nesting before libyaml's recursive composer sees it."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for offset, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, offset) + 1
                return line, offset - text.rfind("\n", 0, offset), f"括号嵌套超过 {MAX_DEPTH} 层，数据不可能需要这么深的结构。请检查文件内容。"
        elif char in "]}":
            depth = max(depth - 1, 0)
    return None


def _anchor_problems(text: str, rel: str) -> list[Problem]:
    """Anchors (&) and aliases (*) are refused: they hide repeated content and can blow up its size."""
    from .positions import field_at

    found: list[tuple[int, int, str]] = []
    reader = _Reader(text)
    try:
        while reader.check_event():
            event = reader.get_event()
            if isinstance(event, AliasEvent):
                found.append((event.start_mark.line, event.start_mark.column, f"*{event.anchor}"))
            elif isinstance(event, NodeEvent) and event.anchor:
                found.append((event.start_mark.line, event.start_mark.column, f"&{event.anchor}"))
            if len(found) >= MAX_ANCHOR_PROBLEMS:
                break
    except yaml.MarkedYAMLError:
        pass  # reported when the text is composed
    finally:
        reader.dispose()
    return [
        Problem(rel, line + 1, column + 1, field_at(text, line, column),
                f"不允许使用 YAML 锚点和别名（{mark}）。请把内容直接完整写出；需要重复的内容请重复书写。")
        for line, column, mark in found
    ]


@dataclass
class _Builder:
    """Builds plain data from nodes; a smaller, stricter stand-in for PyYAML's SafeConstructor."""

    rel: str
    problems: list[Problem] = field(default_factory=list)
    timestamps: list[tuple[JsonPath, str]] = field(default_factory=list)
    strings: list[tuple[JsonPath, str, bool]] = field(default_factory=list)

    def report(self, node: Node, path: JsonPath, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.rel, mark.line + 1, mark.column + 1, dotted(path), message))

    def build(self, node: Node, path: JsonPath) -> Any:
        if len(path) > MAX_DEPTH:
            self.report(node, path, f"嵌套超过 {MAX_DEPTH} 层，请检查缩进。")
            return None
        kind = node.__class__
        if kind is ScalarNode:
            value = node.value if node.tag == STR else self.scalar(node, path)
            if value.__class__ is str:
                self.strings.append((path, value, False))
            return value
        if kind is MappingNode:
            if node.tag != MAP:
                self.report(node, path, f"不允许使用 YAML 标签（{node.tag}）。请删除以 ! 开头的标记。")
                return None
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.__class__ is not ScalarNode:
                    self.report(key_node, path, "字段名必须是简单的文字，不能是列表或对象。请检查这一行的写法。")
                    continue
                key = key_node.value
                if key_node.tag == MERGE:
                    self.report(key_node, path, "不允许使用合并键“<<”。请把要合并的字段直接写出来。")
                    continue
                sub = (*path, key)
                if key in result:
                    self.report(key_node, sub,
                                f"字段“{key}”重复出现。YAML 只会保留最后一个值，前面的内容会丢失。请删除或合并重复的字段。")
                    continue
                if not (key.isascii() and key.isprintable()):
                    self.strings.append((sub, key, True))
                result[key] = self.build(value_node, sub)
            return result
        if kind is SequenceNode:
            if node.tag != SEQ:
                self.report(node, path, f"不允许使用 YAML 标签（{node.tag}）。请删除以 ! 开头的标记。")
                return None
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        return None

    def scalar(self, node: ScalarNode, path: JsonPath) -> Any:
        tag, value = node.tag, node.value
        if tag == NULL:
            return None
        if tag == INT and _DECIMAL.match(value):
            return int(value)
        if tag == BOOL and value in ("true", "false"):
            return value == "true"
        if tag == TIMESTAMP:
            self.timestamps.append((path, value))
            return value
        if tag in (MERGE, VALUE):
            return value
        quoted = f'"{value}"'
        if tag == BOOL:
            self.report(node, path, f"{value} 会被 YAML 当作布尔值（是/否），而不是文字。如果要写文字，请加引号：{quoted}；"
                        "如果是开关，请写 true 或 false。")
        elif tag in (INT, FLOAT):
            self.report(node, path, f"{value} 会被 YAML 当作数字并改变写法（例如 010 变成 8、20:30 变成 1230、1.10 变成 1.1）。"
                        f"请加引号：{quoted}。")
        else:
            self.report(node, path, f"不允许使用 YAML 标签（{tag}）。请删除以 ! 开头的标记。")
        return value
