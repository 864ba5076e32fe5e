"""JSON Schema errors, said in Chinese, with the field's label and what to do about it."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import ValidationError

from .problems import JsonPath, dotted
from .schema import Schema

_TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "array": "列表（每一项单独一行，以“- ”开头）",
    "object": "一组字段（在下一行缩进后写“字段名: 值”）",
    "null": "空值",
}


def _actual(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    return "一组字段"


def field_name(schema: Schema, path: JsonPath) -> str:
    label = schema.label(path)
    return f"{dotted(path)}（{label}）" if label and path else dotted(path)


def suggest(word: str, choices: dict[str, str]) -> str | None:
    """The allowed name closest to `word`, also when `word` is a field's Chinese label."""
    for name, label in choices.items():
        if word == label:
            return name
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return close[0]
    by_label = difflib.get_close_matches(word, [label for label in choices.values() if label], n=1, cutoff=0.5)
    if by_label:
        return next(name for name, label in choices.items() if label == by_label[0])
    return None


def _description(schema: Schema, path: JsonPath) -> str:
    for end in range(len(path), -1, -1):
        node = schema.at(path[:end])
        if node and node.get("description"):
            return str(node["description"])
    return ""


def translate(error: ValidationError, schema: Schema) -> Iterator[tuple[JsonPath, str]]:
    """Yield (path, message) for one schema error."""
    path: JsonPath = tuple(error.absolute_path)
    value = error.instance
    keyword = error.validator
    rule = error.validator_value

    if keyword == "required":
        for name in rule:
            if isinstance(value, dict) and name not in value:
                child = (*path, name)
                label = schema.label(child)
                hint = _description(schema, child)
                yield child, f"缺少必填字段“{name}”（{label}）。{hint}"
        return
    if keyword == "additionalProperties":
        allowed = schema.field_names(path)
        for name in value:
            if name in allowed:
                continue
            close = suggest(str(name), allowed)
            tip = f"你是不是想写“{close}”（{allowed[close]}）？" if close else ""
            listing = "、".join(f"{k}（{v}）" if v else k for k, v in allowed.items())
            yield (*path, name), f"未知字段“{name}”。{tip}允许的字段有：{listing}。"
        return
    if keyword == "enum":
        node = schema.at(path) or {}
        labels = node.get("x-enum-labels", {})
        options = {str(v): labels.get(v, "") for v in rule}
        listing = "、".join(f"{v}（{label}）" if label else v for v, label in options.items())
        close = suggest(str(value), options) if isinstance(value, str) else None
        tip = f"你是不是想写“{close}”？" if close else ""
        yield path, f"“{value}”不是允许的值。{tip}允许的值：{listing}。"
        return
    if keyword == "type":
        expected = [rule] if isinstance(rule, str) else list(rule)
        wanted = "或".join(_TYPE_NAMES.get(t, t) for t in expected)
        if value is None:
            yield path, f"值是空的，应为{wanted}。请填写内容，或删除这一行。"
        elif "string" in expected and isinstance(value, (int, float, bool)):
            yield path, f"应为{wanted}，但 YAML 把它读成了{_actual(value)}。请给值加上引号，例如 \"{value}\"。"
        else:
            yield path, f"应为{wanted}，实际写成了{_actual(value)}。"
        return
    if keyword == "minItems":
        yield path, f"至少要填写 {rule} 项。" if value else f"列表是空的，至少要填写 {rule} 项。"
        return
    if keyword == "maxItems":
        yield path, f"最多只能填写 {rule} 项，现在有 {len(value)} 项。"
        return
    if keyword == "uniqueItems":
        seen: list[Any] = []
        dupes = [item for item in value if item in seen or seen.append(item)]
        yield path, f"列表中有重复的项：{'、'.join(map(str, dupes))}。请删除重复的一项。"
        return
    if keyword == "minLength" or (keyword == "pattern" and rule == "\\S"):
        yield path, "不能为空或只有空格。请填写内容。"
        return
    if keyword == "maxLength":
        yield path, f"太长：{len(value)} 个字，最多 {rule} 个字。请精简，或把详细内容放到已公开的文件中。"
        return
    if keyword == "pattern":
        yield path, f"格式不对：“{value}”。{_description(schema, path)}"
        return
    if keyword in ("minimum", "maximum"):
        word = "小于" if keyword == "minimum" else "大于"
        yield path, f"不能{word} {rule}，现在是 {value}。"
        return
    if keyword == "const":
        yield path, f"应为“{rule}”。"
        return
    if keyword in ("oneOf", "anyOf"):
        branch = _closest_branch(error)
        if branch:
            for inner in branch:
                yield from translate(inner, schema)
            return
        yield path, f"写法不对。{_description(schema, path)}"
        return
    yield path, f"不符合要求（{keyword}）：{error.message}"


def _closest_branch(error: ValidationError) -> list[ValidationError]:
    """The errors of the one alternative that came closest, if exactly one did and its errors can be said plainly."""
    branches: dict[Any, list[ValidationError]] = {}
    for inner in error.context or ():
        branches.setdefault(inner.relative_schema_path[0], []).append(inner)
    if not branches:
        return []
    fewest = min(len(errors) for errors in branches.values())
    closest = [errors for errors in branches.values() if len(errors) == fewest]
    if len(closest) != 1 or any(inner.validator == "not" for inner in closest[0]):
        return []
    return closest[0]
