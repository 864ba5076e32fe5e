"""Writing entry data as YAML in the house style: block lists, `|` for several lines, quotes only where needed.

Quoting follows the loader: any plain value that YAML 1.1 would read as something other than
the text written (a boolean, a number, a date, null) is written in double quotes.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from .loader import IMPLICIT_RESOLVERS

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _needs_quotes(text):
        return json.dumps(text, ensure_ascii=False)
    return text


def _needs_quotes(text: str) -> bool:
    if not text or text != text.strip() or text[0] in _INDICATORS or ": " in text or " #" in text or text.endswith(":"):
        return True
    if any(ch in text for ch in "\t\r\x85\u2028\u2029") or "\n" in text:
        return True
    return any(regexp.match(text) for _, regexp in IMPLICIT_RESOLVERS.get(text[:1], ()))


def _block(text: str, indent: str) -> str | None:
    """`|` or `|-` block for multi-line text, when it can hold the text exactly."""
    body = text[:-1] if text.endswith("\n") else text
    lines = body.split("\n")
    if not lines[0] or lines[0][0] == " " or body.endswith("\n") or any("\t" in line or line != line.rstrip() for line in lines):
        return None
    marker = "|" if text.endswith("\n") else "|-"
    return marker + "".join(f"\n{indent}{line}" if line else "\n" for line in lines)


def dump_value(value: Any, indent: str) -> str:
    """The text after `key:` (starting with a space or a newline) for `value` nested at `indent`."""
    if isinstance(value, dict):
        return "".join(f"\n{indent}{key}:{dump_value(sub, indent + '  ')}" for key, sub in value.items())
    if isinstance(value, list):
        if not value:
            return " []"
        out = ""
        for item in value:
            if isinstance(item, dict):
                first, *rest = item.items()
                out += f"\n{indent}- {first[0]}:{dump_value(first[1], indent + '    ')}"
                out += "".join(f"\n{indent}  {key}:{dump_value(sub, indent + '    ')}" for key, sub in rest)
            else:
                out += f"\n{indent}- {scalar(item)}"
        return out
    if isinstance(value, str) and "\n" in value:
        block = _block(value, indent)
        if block is not None:
            return " " + block
    return " " + scalar(value)


def dump_field(name: str, value: Any) -> str:
    return f"{name}:{dump_value(value, '  ')}\n"


def dump_document(data: dict[str, Any], order: list[str]) -> str:
    """A whole entry, fields in the schema's order, then any others in their own order."""
    names = [n for n in order if n in data] + [n for n in data if n not in order]
    return "".join(dump_field(name, data[name]) for name in names)


def _comments(text: str) -> tuple[dict[str, list[str]], list[str]]:
    """The comments of a YAML document, as whole lines, by the top-level field they stand before or inside.

    PyYAML's scanner skips comments, so whatever a line holds after its last token (or a line no
    token touches) is one: a `#` inside a quoted value or a `|` block is part of a token.
    """
    lines = text.splitlines()
    covered = [0] * len(lines)  # the column up to which a token reaches on each line; -1 for all of it
    keys: list[tuple[int, str]] = []
    expect_key = False
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        start, end = token.start_mark, token.end_mark
        if isinstance(token, yaml.KeyToken) and start.column == 0:
            expect_key = True
        elif isinstance(token, yaml.ScalarToken) and expect_key:
            keys.append((start.line, token.value))
            expect_key = False
        for line in range(start.line, min(end.line, len(lines) - 1) + 1):
            if line < end.line:
                covered[line] = -1
            elif covered[line] != -1:
                covered[line] = max(covered[line], end.column)
    found: list[tuple[int, str]] = []
    for number, line in enumerate(lines):
        if covered[number] == -1:
            continue
        rest = line[covered[number]:].strip()
        if rest.startswith("#"):
            found.append((number, rest))
    last_content = max((n for n, reach in enumerate(covered) if reach), default=-1)
    by_field: dict[str, list[str]] = {}
    trailer: list[str] = []
    for number, comment in found:
        own_line = not covered[number]
        spaced = own_line and number > 0 and not covered[number - 1] and not lines[number - 1].strip()
        if number > last_content:
            trailer.extend(["", comment] if spaced else [comment])
            continue
        following = next(((line, name) for line, name in keys if line > number), None)
        inside = next((name for line, name in reversed(keys) if line <= number), None)
        leading = own_line and following is not None and not any(covered[n] for n in range(number + 1, following[0]))
        field = following[1] if following is not None and (leading or inside is None) else inside or ""
        by_field.setdefault(field, []).extend(["", comment] if spaced and leading else [comment])
    return by_field, trailer


def carry_comments(old: str, new: str) -> str:
    """`new` with every comment of `old`, each before the field it stood before or inside.

    Re-importing a sheet rewrites entry files; the notes a department wrote in them stay. A comment
    at the end of a line moves onto its own line above the field; those of a field that is gone go last.
    """
    try:
        by_field, trailer = _comments(old)
    except yaml.YAMLError:  # a file too broken to scan: keep its comment lines, at the end
        by_field, trailer = {}, [line.strip() for line in old.splitlines() if line.strip().startswith("#")]
    if not by_field and not trailer:
        return new
    out: list[str] = []
    for line in new.splitlines():
        name = line.split(":", 1)[0] if line and not line[0].isspace() and ":" in line else None
        if name is not None and name in by_field:
            out.extend(by_field.pop(name))
        out.append(line)
    out.extend(comment for comments in by_field.values() for comment in comments)
    out.extend(trailer)
    while out and not out[0]:
        out.pop(0)
    return "\n".join(out) + "\n"
