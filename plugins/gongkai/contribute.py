"""What the contributor pages need besides HTML: the entry schema for in-browser checks, and a pinyin table for slugs."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .pinyin import in_new_process


def _common_characters() -> list[str]:
    """GB2312 level 1: the 3,755 most used characters, which cover nearly every item title."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def pinyin_table(texts: Iterable[str]) -> dict[str, str]:
    """Character -> pinyin syllable, for the common characters and every character the data uses."""
    chars = set(_common_characters())
    for text in texts:
        chars.update(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    ordered = sorted(chars)
    return {char: "".join(words) for char, words in zip(ordered, in_new_process(ordered), strict=True)}


def form_assets(schema: dict[str, Any], texts: Iterable[str]) -> dict[str, bytes]:
    def as_json(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")

    return {
        "assets/gongkai/entry.schema.json": as_json(schema),
        "assets/gongkai/pinyin.json": as_json(pinyin_table(texts)),
    }
