"""The site's downloads: each catalogue's and each domain's entries as `gongkai export` writes them (the
standard sheet as .xlsx, CSV with a byte-order mark, the versioned JSON list), and the whole dataset as one zip.

The files are written straight into the site folder by forked workers (a province's downloads run to
gigabytes, too much to hold in memory or to pickle back), and the build is told only their sizes.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .model import Entry, Repository
from .pages import CATALOGUES_SRC, catalogue_src, domain_src
from .parallel import in_parallel
from .schema import Schema
from .sheet_export import (
    SheetRows,
    channel_vocabulary,
    json_record,
    sheet_groups,
    sort_key,
    standard_columns,
    write_csv_to,
    write_json_to,
    xlsx_bytes,
)

FORMATS = ("xlsx", "csv", "json")
LABELS = {"xlsx": "Excel（.xlsx）", "csv": "CSV", "json": "JSON"}
BUNDLE = "downloads/quanbu.zip"
BUNDLE_NAME = "quanbu"
"""The members of the zip: quanbu.xlsx, quanbu.csv, quanbu.json."""


def catalogue_download(slug: str, fmt: str) -> str:
    return f"downloads/catalogues/{slug}.{fmt}"


def domain_download(slug: str, fmt: str) -> str:
    return f"downloads/domains/{slug}.{fmt}"


@dataclass(frozen=True)
class Offer:
    """One download link as a page shows it."""

    fmt: str
    path: str
    """Site-relative, as the page templates' link() takes it."""
    size: int

    @property
    def label(self) -> str:
        return LABELS.get(self.fmt, self.fmt.upper())

    @property
    def size_text(self) -> str:
        return size_text(self.size)


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


@dataclass(frozen=True)
class _Job:
    path: str
    fmt: str
    catalogue: str = ""
    domain: str = ""
    """Neither catalogue nor domain: the whole dataset, into the zip."""


class _Work:
    """What every worker needs, set up once before they fork."""

    def __init__(self, repo: Repository, schema: Schema, site_dir: Path, stamp: dt.datetime) -> None:
        self.repo, self.site_dir = repo, site_dir
        self.created = stamp
        self.stamp = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
        self.rows = SheetRows(standard_columns(schema), repo, channel_vocabulary(schema), cells=self.cells)
        self.entries = sorted(repo.entries, key=sort_key(repo))
        self.by_catalogue: dict[str, list[Entry]] = {slug: [] for slug in repo.catalogues}
        self.by_domain: dict[str, list[Entry]] = {slug: [] for slug in repo.domains}
        for entry in self.entries:
            self.by_catalogue[entry.catalogue].append(entry)
            self.by_domain[entry.domain].append(entry)
        self.spooled: dict[str, tuple[int, int, int, int]] = {}
        """Entry id -> where its JSON text and cells are: file descriptor, offset, length of each."""

    def prepare(self, folder: Path) -> None:
        """Every entry's JSON text and cells, worked out once by all cores and spooled to files in `folder`
        before the writers fork: each writer would otherwise work out most of them again, and held here they
        were the largest part of the build's peak memory (50 MB at 10,000 entries)."""
        descriptors: dict[str, int] = {}
        for entry, (name, offset, record, cells) in zip(self.entries, in_parallel(_spooled, self.entries, self, folder),
                                                       strict=True):
            if name not in descriptors:
                descriptors[name] = os.open(name, os.O_RDONLY)
            self.spooled[entry.id] = (descriptors[name], offset, record, cells)

    def close(self) -> None:
        for descriptor in {place[0] for place in self.spooled.values()}:
            os.close(descriptor)
        self.spooled.clear()

    def _read(self, entry: Entry) -> tuple[bytes, int]:
        descriptor, offset, record, cells = self.spooled[entry.id]
        return os.pread(descriptor, record + cells, offset), record  # pread: the forked writers share the descriptors

    def record(self, entry: Entry) -> str:
        data, record = self._read(entry)
        return data[:record].decode("utf-8")

    def cells(self, entry: Entry) -> list[Any]:
        data, record = self._read(entry)
        return pickle.loads(data[record:])

    def write(self, fmt: str, out: IO[bytes], entries: list[Entry], catalogue: str = "", domain: str = "") -> None:
        """JSON and CSV row by row into `out`; a sheet (a tenth of their size, zipped) as a whole."""
        if fmt == "json":
            write_json_to(out, entries, self.record)
        elif fmt == "csv":
            write_csv_to(out, entries, self.rows)
        else:
            groups = sheet_groups(self.repo, entries, self.repo.catalogues[catalogue] if catalogue else None)
            out.write(xlsx_bytes(groups, self.rows, self.repo.domains[domain] if domain else None,
                                 self.created))

    def bundle(self, target: Path) -> None:
        with zipfile.ZipFile(target, "w") as archive:
            for fmt in FORMATS:
                member = zipfile.ZipInfo(f"{BUNDLE_NAME}.{fmt}", date_time=self.stamp)
                member.compress_type = zipfile.ZIP_STORED if fmt == "xlsx" else zipfile.ZIP_DEFLATED  # an .xlsx is a zip already
                with archive.open(member, "w") as out:
                    self.write(fmt, out, self.entries)

    def cost(self, job: _Job) -> int:
        """Roughly what a job takes, in rows: a sheet costs as much as 40 rows, CSV and JSON a tenth of a sheet's."""
        entries = self.by_catalogue[job.catalogue] if job.catalogue else self.by_domain[job.domain] if job.domain else self.entries
        if job.fmt in ("csv", "json"):
            return len(entries) // 10
        sheets = len({e.catalogue for e in entries})
        return (len(entries) + 40 * sheets) * (6 if job.fmt == "zip" else 5) // 5


def _spooled(entries: list[Entry], work: _Work, folder: Path) -> list[tuple[str, int, int, int]]:
    """The entries' JSON texts and cells into a file of this worker's own; where each is."""
    descriptor, name = tempfile.mkstemp(dir=folder)
    places, offset = [], 0
    with os.fdopen(descriptor, "wb") as out:
        for entry in entries:
            record = json_record(entry).encode("utf-8")
            cells = pickle.dumps(work.rows.values(entry), pickle.HIGHEST_PROTOCOL)
            out.write(record)
            out.write(cells)
            places.append((name, offset, len(record), len(cells)))
            offset += len(record) + len(cells)
    return places


BINS = 16
"""The jobs are shared out into this many loads of about the same cost, handed to the workers as they free up."""


def _make(loads: list[list[_Job]], work: _Work) -> list[tuple[str, int]]:
    done = []
    for job in (job for load in loads for job in load):
        target = work.site_dir / job.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if job.catalogue or job.domain:
            entries = work.by_catalogue[job.catalogue] if job.catalogue else work.by_domain[job.domain]
            with target.open("wb") as out:
                work.write(job.fmt, out, entries, catalogue=job.catalogue, domain=job.domain)
        else:
            work.bundle(target)
        done.append((job.path, target.stat().st_size))
    return done


def write_downloads(repo: Repository, schema: Schema, site_dir: Path, stamp: dt.datetime) -> dict[str, int]:
    """Write every download under `site_dir`; their site paths -> sizes in bytes."""
    work = _Work(repo, schema, site_dir, stamp)
    with tempfile.TemporaryDirectory(prefix="gongkai-downloads-") as folder:
        try:
            work.prepare(Path(folder))
            return _write_all(work)
        finally:
            work.close()


def _write_all(work: _Work) -> dict[str, int]:
    repo = work.repo
    jobs = [_Job(BUNDLE, "zip")]
    jobs += [_Job(catalogue_download(slug, fmt), fmt, catalogue=slug) for slug in sorted(repo.catalogues) for fmt in FORMATS]
    jobs += [_Job(domain_download(slug, fmt), fmt, domain=slug) for slug in sorted(repo.domains) for fmt in FORMATS]
    loads: list[list[_Job]] = [[] for _ in range(min(BINS, len(jobs)))]
    totals = [0] * len(loads)
    for job in sorted(jobs, key=work.cost, reverse=True):  # the costliest first, each onto the lightest load
        lightest = totals.index(min(totals))
        loads[lightest].append(job)
        totals[lightest] += work.cost(job)
    return dict(in_parallel(_make, loads, work, minimum=2))


def page_offers(repo: Repository, sizes: dict[str, int]) -> dict[str, list[Offer]]:
    """Page source -> the downloads it links to: catalogue and domain pages their own, the catalogue list the zip."""
    def offers(path_of: Callable[[str, str], str], slug: str) -> list[Offer]:
        paths = [(fmt, path_of(slug, fmt)) for fmt in FORMATS]
        return [Offer(fmt, path, sizes[path]) for fmt, path in paths if path in sizes]

    out = {catalogue_src(slug): offers(catalogue_download, slug) for slug in repo.catalogues}
    out |= {domain_src(slug): offers(domain_download, slug) for slug in repo.domains}
    if BUNDLE in sizes:
        out[CATALOGUES_SRC] = [Offer("zip", BUNDLE, sizes[BUNDLE])]
    return out
