"""The search index split by catalogue, and the small router that tells the browser which parts to load.

One Pagefind index of a province's 100,000 entries takes 13 GB to build, and every first query
downloads its 690 KB page list. So each catalogue gets an index of its own (`pagefind/c/<slug>/`),
built by its own Pagefind process (a tenth of the memory, several at a time), and the hand-written pages
have one too (`pagefind/c/_pages/`); the site-wide bundle (`pagefind/`) indexes nothing and brings the
script and the WebAssembly.

Which catalogues can hold a match is answered before any index is opened: for every character and
every pair of adjacent characters in a catalogue's entry pages, a bit per catalogue, hashed into
`pagefind/route/<n>.json` files of a few KB. A query needs only the files of its own characters;
an entry that contains the query contains all of its pairs, so no catalogue with a match is ever
skipped. The browser side (assets/gongkai/searchcore.js) computes the same pairs and the same hash.
"""

from __future__ import annotations

import base64
import html
import json
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .files import write_atomic

if TYPE_CHECKING:
    from .model import Repository

SHARDS_DIR = "c"
PAGES = "_pages"
"""The hand-written pages' part (no catalogue slug starts with an underscore)."""
ROUTE_DIR = "route"
MANIFEST = "shards.json"
FILTERS = "filters.json"
ROUTE_FILE_BYTES = 4096
"""About how large a route file grows: a query fetches one per character pair, so at 700 catalogues (a
province) a file holds 31 pairs, at 70 (a city) 170."""

_TAG = re.compile(r"<[^>]*>")


def entry_pages(directory_urls: bool) -> str:
    """A catalogue's entry pages, in its folder of the site (<domain>/<entry>/index.html or <domain>/<entry>.html)."""
    return "*/*/index.html" if directory_urls else "*/*.html"


@dataclass(frozen=True)
class Shard:
    slug: str
    name: str
    parent: str
    entries: int
    """Pages in its index."""
    base: str
    """Where its pages are, relative to the site's root: the catalogue's folder, or the root itself."""


_SKIPPED: dict[str, bool] = {}
"""Character -> whether the router leaves it out: punctuation, symbols, spaces, control and format characters."""


def page_text(content: str) -> str:
    """What a page can be found by, as the router sees it: its letters and digits in one run, lower case.

    Tags and punctuation are dropped, not replaced by a space: Pagefind finds 三公经费 in “三公”经费, so
    the router must have 公经 too. Pairs across a dropped mark are extra, never missing."""
    text = html.unescape(_TAG.sub("", content)).lower()
    chars = set(text)
    for char in chars - _SKIPPED.keys():
        _SKIPPED[char] = unicodedata.category(char)[0] in "PSZ" or unicodedata.category(char) in ("Cc", "Cf")
    return text.translate({ord(c): None for c in chars if _SKIPPED[c]})


def grams(text: str) -> set[str]:
    """Every character and every pair of adjacent characters of the text."""
    found = set(text)
    found.update(map(operator.add, text, text[1:]))
    return found


@dataclass(frozen=True)
class PackedGrams:
    """A set of grams as two strings, the single characters and the pairs end to end: what a worker sends back
    costs a few bytes a gram instead of a string object and a set slot each (millions at province scale)."""

    singles: str
    pairs: str


def pack(found: set[str]) -> PackedGrams:
    return PackedGrams("".join(g for g in found if len(g) == 1), "".join(g for g in found if len(g) == 2))


def unpack(packed: PackedGrams) -> Iterator[str]:
    yield from packed.singles
    pairs = packed.pairs
    for start in range(0, len(pairs), 2):
        yield pairs[start:start + 2]


def bucket(gram: str, buckets: int) -> int:
    """The route file of a gram; searchcore.js computes the same."""
    value = 0
    for char in gram:
        value = (value * 31 + ord(char)) % buckets
    return value


def row_width(shards: int) -> int:
    """Bytes of a pair's row: a bit per part."""
    return (shards + 7) // 8


def grams_per_file(shards: int) -> int:
    """How many pairs fit in ROUTE_FILE_BYTES: each costs its row in base64, the pair and the JSON around them."""
    return max(1, ROUTE_FILE_BYTES // (4 * ((row_width(shards) + 2) // 3) + 12))


def bucket_count(distinct: int, shards: int) -> int:
    count = 1
    while count * grams_per_file(shards) < distinct:
        count *= 2
    return count


def write_router(bundle: Path, shards: list[Shard], grams_of: Iterable[Iterable[str]], filters: dict[str, dict[str, int]]) -> set[str]:
    """The manifest, the route files and the filter values, next to the Pagefind bundle. `grams_of` gives each
    shard's grams in turn (only one shard's need be held at a time); returns every gram of them all."""
    width = row_width(len(shards))
    bits: dict[str, bytearray] = {}
    for index, found in enumerate(grams_of):
        byte, flag = index >> 3, 1 << (index & 7)
        for gram in found:
            row = bits.get(gram)
            if row is None:
                row = bits[gram] = bytearray(width)
            row[byte] |= flag
    buckets = bucket_count(len(bits), len(shards))
    files: list[dict[str, str]] = [{} for _ in range(buckets)]
    for gram, row in bits.items():
        files[bucket(gram, buckets)][gram] = base64.b64encode(bytes(row)).decode("ascii")
    route = bundle / ROUTE_DIR
    route.mkdir(parents=True, exist_ok=True)
    for number, content in enumerate(files):
        (route / f"{number}.json").write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
                                              encoding="utf-8")
    manifest = {"buckets": buckets, "shards": [{"slug": s.slug, "name": s.name, "parent": s.parent, "entries": s.entries,
                                                "base": s.base} for s in shards]}
    write_atomic(bundle / MANIFEST, json.dumps(manifest, ensure_ascii=False, separators=(",", ":")))
    write_atomic(bundle / FILTERS, json.dumps(filters, ensure_ascii=False, separators=(",", ":")))
    return set(bits)


def filter_values(repo: Repository) -> dict[str, dict[str, int]]:
    """The values of the filters the entry pages carry (data-pagefind-filter), counted over the whole site:
    the search page offers them before any index is loaded."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in ("领域", "目录", "公开层级", "公开方式", "公开对象", "公开主体")}
    for entry in repo.entries:
        counts["领域"][repo.domains[entry.domain].name] += 1
        counts["目录"][repo.catalogues[entry.catalogue].name] += 1
        counts["公开层级"].update(entry.level)
        counts["公开方式"][entry.mode] += 1
        counts["公开对象"][entry.audience] += 1
        counts["公开主体"][entry.subject] += 1
    return {name: dict(sorted(values.items())) for name, values in counts.items() if values}
