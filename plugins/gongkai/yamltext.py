"""Writing entry data as YAML in the house style: block lists, `|` for several lines, quotes only where needed.

Quoting follows the loader: any plain value that YAML 1.1 would read as something other than
the text written (a boolean, a number, a date, null) is written in double quotes.
"""

from __future__ import annotations

import json
from typing import Any

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
