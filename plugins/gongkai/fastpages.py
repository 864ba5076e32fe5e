"""Generated pages without the theme's per-page cost: the theme renders one of a group, the others are poured into it.

Entry pages (thousands of them) all stand at the same depth, are out of the navigation and differ
only in their content, their <title> and their canonical address; so do the later pages of 最近更新
and the pages behind 监督 (a province has thousands of those too). So the plugin lets MkDocs render
one page of each group (the prototype, `pour_group`), cuts that output at its content, title and
canonical link into a `Shell`, and writes every other page of the group as shell + its own content.
`shell_of` refuses (returns None) whenever the cut is not exact, and the plugin then builds those
pages the ordinary way; a test builds the sample site both ways and compares every page byte for byte.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import escape

if TYPE_CHECKING:
    from .pages import PageSpec

TITLE, CANONICAL = "\x00gongkai-title\x00", "\x00gongkai-canonical\x00"


@dataclass(frozen=True)
class Shell:
    head: str
    tail: str

    def fill(self, content: str, title_tag: str, canonical_tag: str) -> str:
        return self.head.replace(TITLE, title_tag, 1).replace(CANONICAL, canonical_tag, 1) + content + self.tail


def pour_group(spec: PageSpec) -> str:
    """The pages that share a shell with this one ('' for none): out of the navigation, of one kind, at one depth
    (the shell's relative links are the prototype's)."""
    return "" if spec.in_nav else f"{spec.kind}:{spec.src_uri.count('/')}"


def title_tag(title: str, site_name: str) -> str:
    """The <title> main.html writes for a generated page (htmltitle block of the overrides)."""
    return f"<title>{escape(title)} - {escape(site_name)}</title>"


def canonical_tag(canonical_url: str | None) -> str:
    return f'<link rel="canonical" href="{canonical_url}">' if canonical_url else ""


def shell_of(output: str, content: str, title: str, canonical: str, url: str) -> Shell | None:
    """The prototype's page with its own content, title and address taken out; None unless that is exact."""
    if not content or output.count(content) != 1 or not canonical or output.count(title) != 1 or output.count(canonical) != 1:
        return None
    head, tail = output.split(content)
    if title not in head or canonical not in head:
        return None
    head = head.replace(title, TITLE).replace(canonical, CANONICAL)
    if url and (url in head or url in tail):
        return None  # something else in the page names this page: pouring others into it would be wrong
    return Shell(head, tail)


_URL_BLOCK = re.compile(r"[ \t]*<url>\s*<loc>(?P<loc>[^<]*)</loc>.*?</url>\n?", re.S)


def add_to_sitemap(site_dir: Path, poured: dict[str, list[str]]) -> None:
    """List the poured pages in sitemap.xml (and its .gz), each group after its prototype (prototype URL -> the
    group's URLs) and like MkDocs listed it. Written a piece at a time: a province's sitemap is tens of MB,
    and it and its new text held at once were the peak of the build's last stages."""
    sitemap = site_dir / "sitemap.xml"
    wanted = {str(escape(url)): urls for url, urls in poured.items() if urls}
    if not sitemap.is_file() or not wanted:
        return
    text = sitemap.read_text(encoding="utf-8")
    with (open(sitemap, "w", encoding="utf-8", newline="") as plain, open(site_dir / "sitemap.xml.gz", "wb") as raw,
          gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed):
        def put(piece: str) -> None:
            plain.write(piece)
            packed.write(piece.encode("utf-8"))

        done = 0
        for block in _URL_BLOCK.finditer(text):
            urls = wanted.pop(block.group("loc"), None)
            if urls is None:
                continue
            put(text[done:block.end()])
            done, template, loc = block.end(), block.group(0), f"<loc>{block.group('loc')}</loc>"
            for url in urls:
                put(template.replace(loc, f"<loc>{escape(url)}</loc>", 1))
        put(text[done:])
