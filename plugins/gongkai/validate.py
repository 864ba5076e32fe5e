"""validate(layout) -> every problem in the repository at once, and the model when there are none.

The one pipeline the command line and the MkDocs plugin share:
files -> loader -> schema -> model -> cross-file rules.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .clock import china_today
from .collector import collector_paused
from .content import content_findings
from .loader import SourceDoc, load
from .model import Catalogue, Domain, Entry, Repository, build_repository, catalogue_from, domain_from, entry_from
from .parallel import in_parallel
from .paths import Layout, Place, place_of
from .positions import Positions
from .privacy import mask_personal
from .problems import FILE_FIELD, Problem, dotted, has_errors
from .repocheck import tree_problems
from .rules import Finding, catalogue_rules, domain_rules, entry_rules, placement
from .schema import SchemaSet, load_schemas
from .schema_errors import field_name, translate
from .sitepages import read_site_pages
from .textrules import visible


@dataclass(frozen=True)
class Result:
    problems: list[Problem]
    repository: Repository | None = None
    """The model, when the whole repository has no error."""

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


@dataclass
class _Checked:
    domains: list[Domain] = field(default_factory=list)
    catalogues: list[Catalogue] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)


def discover(folder: Path) -> list[Path]:
    """Every file under `folder` except hidden ones and symbolic links (tree_problems reports those), in a stable
    order. scandir knows the kinds from the directory listing: no call per file (`mkdocs serve` lists 10,000 of
    them on every rebuild)."""
    found: list[Path] = []
    try:
        listing = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return found
    for item in listing:
        if item.name.startswith(".") or item.is_symlink():
            continue
        if item.is_dir():
            found.extend(discover(Path(item.path)))
        elif item.is_file():
            found.append(Path(item.path))
    return found


@dataclass(frozen=True)
class _CheckedFile:
    """One data file on its own: where it stands, what it holds, and what is wrong with it by itself."""

    rel: str
    place: Place | None
    doc: SourceDoc | None = None
    problems: tuple[Problem, ...] = ()
    model: Domain | Catalogue | Entry | None = None

    def slim(self) -> _CheckedFile:
        """Without the file's text and data (the model has them): what a worker sends back costs less to pickle.
        Cross-file rules that need a position read the text again (_locate)."""
        if self.doc is None:
            return self
        return replace(self, doc=replace(self.doc, data={}, text="", timestamps=(), strings=None))


def _check_file(layout: Layout, file: Path, schemas: SchemaSet, today: dt.date) -> _CheckedFile:
    rel = layout.relative(file)
    place = place_of(rel)
    if isinstance(place, str):
        return _CheckedFile(rel, None, problems=(Problem(rel, 1, 1, FILE_FIELD, place),))
    doc, found = load(file, rel, place)
    if doc is None:
        return _CheckedFile(rel, place, problems=tuple(found))
    content = _locate(list(content_findings(doc, today)), {rel: doc}, schemas)
    schema_found = _schema_problems(doc, schemas, {p.field for p in found})
    model: Domain | Catalogue | Entry | None = None
    if not found and not schema_found:
        model = {"domain": domain_from, "catalogue": catalogue_from, "entry": entry_from}[place.kind](doc)
    return _CheckedFile(rel, place, doc, (*found, *content, *schema_found), model)


PARALLEL_FROM = 2000
"""Files from which checking them is spread over processes: below it, starting the workers costs more."""


def _check_some(files: list[Path], layout: Layout, schemas: SchemaSet, today: dt.date, slim: bool) -> list[_CheckedFile]:
    checked = [_check_file(layout, file, schemas, today) for file in files]
    return [c.slim() for c in checked] if slim else checked


def _check_files(layout: Layout, files: list[Path], schemas: SchemaSet, today: dt.date) -> list[_CheckedFile]:
    """Every file checked on its own, in order; on every core for many files (the results then come back slim)."""
    return in_parallel(_check_some, files, layout, schemas, today, len(files) >= PARALLEL_FROM, minimum=PARALLEL_FROM)


FileCache = dict[str, tuple[tuple[int, int, dt.date], _CheckedFile]]
"""Path -> (modification time, size, day checked) and the file's own check: `mkdocs serve` keeps one across
rebuilds, so that an edit re-reads the edited file only."""


def _check_with(cache: FileCache, layout: Layout, files: list[Path], schemas: SchemaSet, today: dt.date) -> list[_CheckedFile]:
    keys = {}
    for file in files:
        stat = file.stat()
        keys[str(file)] = (stat.st_mtime_ns, stat.st_size, today)
    stale = [f for f in files if cache.get(str(f), (None,))[0] != keys[str(f)]]
    for file, checked in zip(stale, _check_files(layout, stale, schemas, today), strict=True):
        cache[str(file)] = (keys[str(file)], checked.slim())
    for gone in cache.keys() - keys.keys():
        del cache[gone]
    return [cache[str(f)][1] for f in files]


def validate(layout: Layout, targets: Sequence[Path] = (), today: dt.date | None = None, cache: FileCache | None = None) -> Result:
    with collector_paused():
        return _validate(layout, targets, today, cache)


def _validate(layout: Layout, targets: Sequence[Path], today: dt.date | None, cache: FileCache | None) -> Result:
    today = today or china_today()
    schemas = load_schemas(layout.schema)
    problems: list[Problem] = []
    places: list[tuple[str, Place]] = []
    docs: dict[str, SourceDoc] = {}
    checked = _Checked()

    problems.extend(tree_problems(layout))
    files = discover(layout.data)
    checked_files = _check_files(layout, files, schemas, today) if cache is None else _check_with(cache, layout, files, schemas, today)
    for checked_file in checked_files:
        problems.extend(checked_file.problems)
        if checked_file.place is None:
            continue
        places.append((checked_file.rel, checked_file.place))
        if checked_file.doc is None:
            continue
        docs[checked_file.rel] = checked_file.doc
        model = checked_file.model
        if isinstance(model, Domain):
            checked.domains.append(model)
        elif isinstance(model, Catalogue):
            checked.catalogues.append(model)
        elif isinstance(model, Entry):
            checked.entries.append(model)

    entry_ids = {p.entry_id for _, p in places if p.kind == "entry"}
    site_pages, found = read_site_pages(layout, entry_ids)
    problems.extend(found)
    catalogues = {c.slug: c for c in checked.catalogues}
    findings = [
        *placement(places, {p.domain for _, p in places if p.kind == "domain"},
                   {p.catalogue for _, p in places if p.kind == "catalogue"}),
        *domain_rules(checked.domains),
        *catalogue_rules(catalogues, {d.slug: d for d in checked.domains}),
        *entry_rules(checked.entries, catalogues, layout.docs, today),
    ]
    problems.extend(_locate(findings, docs, schemas, layout.root))

    repository = None
    if not has_errors(problems):
        repository = build_repository(checked.domains, checked.catalogues, checked.entries, site_pages)
    if targets:
        wanted = [layout.relative(t).rstrip("/") for t in targets]
        problems = [p for p in problems if any(p.path == w or p.path.startswith(w + "/") or w == "." for w in wanted)]
    return Result(sorted(_printable(p) for p in problems), repository)


def _printable(problem: Problem) -> Problem:
    """What is safe to print and publish (a job log is public): no full personal number, no hidden characters."""
    return replace(problem, field=visible(problem.field), message=visible(mask_personal(problem.message)))


def _schema_problems(doc: SourceDoc, schemas: SchemaSet, reported: set[str]) -> list[Problem]:
    schema = schemas[doc.place.kind]
    problems: list[Problem] = []
    positions: Positions | None = None
    for path, raw in doc.timestamps:
        if not schema.is_date(path):
            positions = positions or Positions(doc.text)
            line, column = positions.at(path)
            problems.append(Problem(doc.path, line, column, field_name(schema, path),
                                    f"{raw} 会被 YAML 当作日期或时间，而不是文字。请加引号：\"{raw}\"。"))
            reported.add(dotted(path))
    if schema.fast.is_valid(doc.data):
        return problems
    positions = positions or Positions(doc.text)
    for error in schema.detailed.iter_errors(doc.data):
        for path, message in translate(error, schema):
            if dotted(path) in reported:
                continue
            line, column = positions.at(path)
            problems.append(Problem(doc.path, line, column, field_name(schema, path), message))
    return problems


def _locate(findings: list[Finding], docs: dict[str, SourceDoc], schemas: SchemaSet, root: Path | None = None) -> list[Problem]:
    positions: dict[str, Positions] = {}
    problems = []
    for finding in findings:
        doc = docs.get(finding.path)
        if doc is None:
            problems.append(Problem(finding.path, 1, 1, FILE_FIELD, finding.message, finding.severity))
            continue
        if finding.path not in positions:
            text = doc.text if doc.text or root is None else (root / doc.path).read_text(encoding="utf-8-sig")
            positions[finding.path] = Positions(text)
        where = positions[finding.path]
        line, column = where.at(finding.json_path)
        name = field_name(schemas[doc.place.kind], finding.json_path)
        problems.append(Problem(finding.path, line, column, name, finding.message, finding.severity))
    return problems
