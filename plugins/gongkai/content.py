"""Rules on what department text may contain, whatever its field: personal information, invisible and
direction-changing characters, and links that point where a government page must not.

The schema says what shape a value has; this says whether it may be published. Every string of a
data file is checked, keys included, so a rule cannot be missed by a field added later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from .clock import china_today
from .loader import SourceDoc
from .privacy import find_personal
from .problems import JsonPath
from .rules import Finding
from .textrules import any_suspect, text_findings, url_findings

URL_FIELDS = frozenset({"url"})
"""Keys whose values are addresses the site links to."""


def _strings(value: Any) -> list[tuple[JsonPath, str, bool]]:
    """(path, string, is_key) for every string in plain data, depth first, in document order, leaving out keys
    in plain ASCII (field names: nothing to find in them, and a misspelt one is the schema's). A list built by
    plain calls: generators nested as deep as the data cost a fifth of the check of a file."""
    found: list[tuple[JsonPath, str, bool]] = []

    def walk(value: Any, path: JsonPath) -> None:
        if isinstance(value, str):
            found.append((path, value, False))
        elif isinstance(value, dict):
            for key, item in value.items():
                sub = (*path, key)
                if isinstance(key, str) and not (key.isascii() and key.isprintable()):
                    found.append((sub, key, True))
                walk(item, sub)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(value, ())
    return found


def content_findings(doc: SourceDoc, today: dt.date | None = None) -> Iterator[Finding]:
    today = today or china_today()
    strings = doc.strings if doc.strings is not None else _strings(doc.data)
    suspect = any_suspect(text for _, text, _ in strings)
    for path, text, is_key in strings:
        for found in text_findings(text) if suspect else ():
            yield Finding(doc.path, path, found.message, found.severity)  # type: ignore[arg-type]
        if is_key:
            continue
        if path and path[-1] in URL_FIELDS:
            for found in url_findings(text):
                yield Finding(doc.path, path, found.message, found.severity)  # type: ignore[arg-type]
        for personal in find_personal(text, today=today):
            yield Finding(doc.path, path, personal.message, personal.severity)  # type: ignore[arg-type]
