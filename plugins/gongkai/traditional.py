"""Queries typed in traditional characters (預算, 義務教育) find what the same query in simplified finds.

The pages are written in simplified characters, so the browser converts a query character by character
before routing and searching it (assets/gongkai/searchcore.js). The map comes from OpenCC's t2s
conversion of each CJK Unified Ideograph on its own (U+4E00-U+9FFF and Extension A), keeping those that
change. It is generated once by scripts/make_t2s.py and shipped in the package (data/t2s.txt), not
computed at build time: OpenCC is then needed only to regenerate and to test it (tests/test_search_traditional.py
checks the file against the pinned OpenCC), not by every machine that builds a site, and the build costs
nothing more.

The build writes the map into the search bundle split by code point (`pagefind/t2s/<n>.json`, 256 code
points a file, 200 bytes gzipped on average), and the browser fetches only the files of the query's
characters that are not in GB 2312, the mainland's simplified character set, which its own decoder knows:
a query in simplified characters fetches nothing. GB 2312 holds 16 characters OpenCC still converts
(後, 於, 乾 ...); searchcore.js lists them. A character the site's own text holds is left out of the map:
a query never loses matches to a conversion (乾 of 乾隆 would otherwise become 干).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from pathlib import Path

from .files import write_atomic

RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))
"""Extension A and the CJK Unified Ideographs block; searchcore.js converts the same."""
MAP_FILE = Path(__file__).parent / "data" / "t2s.txt"
MAP_DIR = "t2s"
BLOCK_BITS = 8
"""A map file holds 2**8 code points: about 35 characters that change, some 400 bytes."""


def ideographs() -> Iterable[str]:
    for first, last in RANGES:
        for point in range(first, last + 1):
            yield chr(point)


def opencc_map() -> dict[str, str]:
    """Every ideograph OpenCC's t2s changes, converted on its own (OpenCC is a development requirement), and
    converted again while that still changes it (薴 gives 苧, which gives 苎): one pass over a query is final."""
    import opencc

    converter = opencc.OpenCC("t2s")
    mapping = {}
    for char in ideographs():
        simple = converter.convert(char)
        for _ in range(4):  # chains are one step long in OpenCC 1.4.2; a cycle must not hang the script
            if simple == char or (again := converter.convert(simple)) == simple:
                break
            simple = again
        if simple != char:
            mapping[char] = simple
    return mapping


def write_map_file(path: Path, mapping: dict[str, str]) -> None:
    lines = [f"{traditional}\t{simple}\n" for traditional, simple in sorted(mapping.items())]
    write_atomic(path, "# 繁体字 -> 简体字（OpenCC t2s，逐字转换）。由 scripts/make_t2s.py 生成，请勿手工修改。\n" + "".join(lines))


@functools.cache
def load_map(path: Path = MAP_FILE) -> dict[str, str]:
    mapping = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            traditional, simple = line.split("\t")
            mapping[traditional] = simple
    return mapping


def to_simplified(text: str, mapping: dict[str, str] | None = None) -> str:
    """The text with every traditional character of the map replaced; the browser does the same to queries."""
    table = mapping if mapping is not None else load_map()
    return "".join(table.get(char, char) for char in text)


def gb2312_converted(mapping: dict[str, str] | None = None) -> str:
    """The hanzi of GB 2312 the map converts, in code point order: searchcore.js's CONVERTED_IN_GB2312."""
    table = mapping if mapping is not None else load_map()
    pairs = (bytes((row, cell)) for row in range(0xB0, 0xF8) for cell in range(0xA1, 0xFF))
    hanzi = {pair.decode("gb2312", errors="replace") for pair in pairs}  # D7FA-D7FE are empty
    return "".join(sorted(c for c in hanzi if c in table))


def block_of(char: str) -> int:
    return ord(char) >> BLOCK_BITS


def write_query_map(bundle: Path, grams_of: Iterable[set[str]], mapping: dict[str, str] | None = None) -> int:
    """The map files of the search bundle: one for every block of the ranges ("{}" when nothing in it changes,
    so that no query meets a missing file), without the characters any part's text holds. Returns how many
    characters it kept."""
    table = mapping if mapping is not None else load_map()
    keys = frozenset(table)
    held: set[str] = set()
    for found in grams_of:
        held.update(keys.intersection(found))
    blocks: dict[int, dict[str, str]] = {}
    for first, last in RANGES:
        for number in range(first >> BLOCK_BITS, (last >> BLOCK_BITS) + 1):
            blocks[number] = {}
    for traditional, simple in table.items():
        if traditional not in held:
            blocks[block_of(traditional)][traditional] = simple
    folder = bundle / MAP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for number, pairs in blocks.items():
        (folder / f"{number}.json").write_text(json.dumps(pairs, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
                                               encoding="utf-8")
    return len(table) - len(held)
