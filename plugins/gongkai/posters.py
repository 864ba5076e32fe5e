"""Printable posters for the physical notice boards (公开查阅点, 村公示栏): one A4 page per catalogue and per
entry, with a QR code of the page's canonical address, so that a passer-by can open the page on a phone.

Posters are standalone pages from our own template, not through the theme: a theme render per poster would
double the build at 100,000 entries. The QR codes come from zxing-cpp (its writer is Zint's, in C): a fifth
of segno's time per code with a fixed mask, and the mask chosen by the standard's penalty rules
(scripts/bench_posters.py prints the figures).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .files import write_site_file
from .linkcheck import PackedScan, PageScan, pack, scan_links_text
from .model import Repository
from .pages import beside_entry, catalogue_src, catalogues_in_order, entry_src, url_of
from .parallel import in_parallel
from .render import render_template
from .schema import SchemaSet

TEMPLATE = "posters/poster.html"
STYLESHEET = "assets/gongkai/poster.css"
SCRIPT = "assets/gongkai/poster.js"

ERROR_LEVEL = "M"
"""ISO/IEC 18004 level M (15% of the code may be lost): a printed poster on a board gets dirty and torn."""
QUIET_ZONE = 4
"""Light modules around the code, as ISO/IEC 18004 requires for QR codes."""
_RUN = re.compile(rb"\x00+|\x01+")
_STROKES = {**{b"\x01" * n: f"h{n}" for n in range(1, 178)}, **{b"\x00" * n: f"m{n} 0" for n in range(1, 178)}}
"""A run of dark modules is a stroke, a run of light ones a move: one dictionary look-up per run, in C."""


@dataclass(frozen=True)
class Poster:
    """One poster: where it is written and what it says. Paths are site-relative."""

    path: str
    page: str
    """The URL of the page the poster stands for."""
    catalogue: str
    title: str = ""
    """The entry's title; '' on a catalogue's poster."""
    facts: tuple[tuple[str, str], ...] = ()
    """(label, value) of the entry's key fields, labels from the schema."""


@dataclass(frozen=True)
class QrCode:
    """A QR code as one SVG path of horizontal strokes, one module wide, in a square of `size` modules."""

    size: int
    path: str


def catalogue_poster(slug: str) -> str:
    return f"{slug}/poster.html"


def entry_poster(entry_id: str, directory_urls: bool = True) -> str:
    return beside_entry(entry_id, "poster.html", directory_urls)


def plan_posters(repo: Repository, schemas: SchemaSet, directory_urls: bool = True,
                 entries: Iterable[str] | None = None) -> list[Poster]:
    """Every catalogue's poster and every entry's; with `entries` (ids), only those entries' posters."""
    label = schemas["entry"].label
    names = {c.slug: c.name for c in repo.catalogues.values()}
    wanted = None if entries is None else set(entries)
    posters = [] if wanted is not None else [
        Poster(catalogue_poster(c.slug), url_of(catalogue_src(c.slug), directory_urls), c.name)
        for c in catalogues_in_order(repo)
    ]
    labels = (label(("subject",)), label(("time_limit",)), label(("mode",)))
    for entry in repo.entries:
        if wanted is not None and entry.id not in wanted:
            continue
        facts = tuple(zip(labels, (entry.subject, entry.time_limit.text, entry.mode), strict=True))
        posters.append(Poster(entry_poster(entry.id, directory_urls), url_of(entry_src(entry), directory_urls),
                              names[entry.catalogue], entry.title, facts))
    return posters


_DARK = bytes.maketrans(b"\x00\xff", b"\x01\x00")
"""zxing-cpp's image has a byte per module, 0 for dark: as 1 for dark, 0 for light."""


def qr_matrix(text: str) -> list[bytes]:
    """`text` as a QR code, a row of modules (1 dark, 0 light) at a time, without the quiet zone."""
    import zxingcpp  # here: the workers that draw the posters load it, the build's own process need not

    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=ERROR_LEVEL).to_image(add_quiet_zones=False)
    size, modules = symbol.shape[1], memoryview(symbol).tobytes().translate(_DARK)
    return [modules[y:y + size] for y in range(0, len(modules), size)]


def qr_code(text: str) -> QrCode:
    """`text` as a QR code, drawn row by row from the quiet zone's edge: strokes along the dark runs."""
    matrix = qr_matrix(text)
    rows = [f"M{QUIET_ZONE} {y}.5" + "".join(map(_STROKES.__getitem__, _RUN.findall(row.rstrip(b"\x00"))))
            for y, row in enumerate(matrix, QUIET_ZONE)]
    return QrCode(len(matrix) + 2 * QUIET_ZONE, "".join(rows))


@dataclass(frozen=True)
class PosterFile:
    path: str
    html: bytes
    scan: PageScan
    """Its links and ids, for the build's link check, which then need not read the file back."""


def render_poster(poster: Poster, *, site_url: str, stamp: dt.datetime, schemas: SchemaSet) -> PosterFile:
    address = site_url.rstrip("/") + "/" + poster.page
    qr = qr_code(address)
    html = render_template(TEMPLATE, page_url=poster.path, schemas=schemas, poster=poster, address=address,
                           qr=qr, stamp=stamp, stylesheet=STYLESHEET, script=SCRIPT)
    # the code's path data (digits, M, m, h) holds no link and is most of the text: scanned without it
    return PosterFile(poster.path, html.encode("utf-8"), scan_links_text(html.replace(qr.path, "")))


def render_posters(posters: list[Poster], site_url: str, stamp: dt.datetime, schemas: SchemaSet) -> list[PosterFile]:
    """Each poster's file, in this process."""
    return [render_poster(p, site_url=site_url, stamp=stamp, schemas=schemas) for p in posters]


def _write_some(posters: list[Poster], site_dir: Path, site_url: str, stamp: dt.datetime,
                schemas: SchemaSet) -> list[tuple[str, PageScan | PackedScan]]:
    written = []
    for made in render_posters(posters, site_url, stamp, schemas):
        write_site_file(site_dir, made.path, made.html)
        written.append((made.path, pack(made.scan)))
    return written


def write_posters(posters: list[Poster], site_dir: Path, *, site_url: str, stamp: dt.datetime,
                  schemas: SchemaSet) -> dict[str, PageScan | PackedScan]:
    """Each poster written into the site folder, on every core: path -> its links and ids. The pages stay in
    the workers (a province's 100,000 would be sent back and written one by one)."""
    return dict(in_parallel(_write_some, posters, site_dir, site_url, stamp, schemas))
