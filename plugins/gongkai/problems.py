"""Problems found in the data, and the three ways of printing them.

Every problem names a file, a line, a column and a field, and says in Chinese
what is wrong and what to do: department staff read these, not programmers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]

FILE_FIELD = "（整个文件）"
"""Field shown for problems that concern the file as a whole (encoding, size, syntax)."""


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str
    severity: Severity = "error"

    def text(self) -> str:
        prefix = "" if self.severity == "error" else "警告："
        return f"{self.path}:{self.line}:{self.column}: 字段 {self.field}: {prefix}{self.message}"


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _github_escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_text(problems: list[Problem]) -> str:
    lines = [p.text() for p in problems]
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if problems:
        lines.append(f"共发现 {errors} 个错误，{warnings} 个警告。")
    return "\n".join(lines)


def format_github(problems: list[Problem]) -> str:
    """GitHub workflow commands, so each problem shows on the changed line of a pull request."""
    out = []
    for p in problems:
        props = ",".join(
            f"{k}={_github_escape(str(v), prop=True)}"
            for k, v in (("file", p.path), ("line", p.line), ("col", p.column), ("title", f"字段 {p.field}"))
        )
        out.append(f"::{p.severity} {props}::{_github_escape(p.message)}")
    return "\n".join(out)


FORMAT_VERSION = 1


def format_json(problems: list[Problem]) -> str:
    return json.dumps(
        {"version": FORMAT_VERSION, "problems": [asdict(p) for p in problems]},
        ensure_ascii=False,
        indent=2,
    )


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}


JsonPath = tuple[str | int, ...]


def dotted(path: JsonPath) -> str:
    """`("published", 1, "url")` -> `published[1].url`, the way the YAML file reads."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or FILE_FIELD
