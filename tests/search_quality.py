"""Recall and precision of the site search, against what the built pages actually say."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import yaml

QUERIES_FILE = Path(__file__).with_name("search_queries.yml")
_NOT_WORD = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """Drop punctuation and spaces, so that “三公”经费 counts as containing 三公经费."""
    return _NOT_WORD.sub("", text)


class _BodyText(HTMLParser):
    """Text inside data-pagefind-body that Pagefind indexes: not hidden, not data-pagefind-ignore."""

    VOID: ClassVar[set[str]] = {"br", "img", "input", "meta", "link", "hr", "wbr", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.hidden_depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        names = {name for name, _ in attrs}
        if self.depth or "data-pagefind-body" in names:
            self.depth += 1
            if self.hidden_depth or "hidden" in names or "data-pagefind-ignore" in names:
                self.hidden_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID or not self.depth:
            return
        self.depth -= 1
        if self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.hidden_depth:
            self.parts.append(data)


def page_parts(site: Path) -> dict[str, list[str]]:
    """URL path ('/a/b/') -> the pieces of text Pagefind indexes (each text node), for every page it indexes."""
    parts = {}
    for file in site.rglob("*.html"):
        parser = _BodyText()
        parser.feed(file.read_text(encoding="utf-8"))
        if parser.parts:
            parts["/" + file.relative_to(site).as_posix().removesuffix("index.html")] = parser.parts
    return parts


def page_texts(site: Path) -> dict[str, str]:
    """URL path ('/a/b/') -> normalized indexed text, for every page Pagefind indexes."""
    return {url: normalize(" ".join(parts)) for url, parts in page_parts(site).items()}


def must_hit() -> dict[str, list[str]]:
    """Query -> URL paths of the entries it must find (tests/search_queries.yml)."""
    data = yaml.safe_load(QUERIES_FILE.read_text(encoding="utf-8"))
    return {q: [f"/{entry_id}/" for entry_id in ids] for q, ids in data.items()}


@dataclass(frozen=True)
class Score:
    query: str
    results: int
    relevant: int
    recall: float
    precision: float
    missing: tuple[str, ...]


def score(query: str, urls: list[str], texts: dict[str, str], required: list[str]) -> Score:
    wanted = normalize(query)
    relevant = {url for url, text in texts.items() if wanted in text}
    found = set(urls)
    hits = found & relevant
    return Score(
        query=query,
        results=len(found),
        relevant=len(relevant),
        recall=len(hits) / len(relevant) if relevant else 1.0,
        precision=len(hits) / len(found) if found else (1.0 if not relevant else 0.0),
        missing=tuple(sorted(set(required) - found)),
    )
