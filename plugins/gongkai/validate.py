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
from .content import content_findings
from .loader import SourceDoc, load
from .model import Catalogue, Domain, Entry, Repository, build_repository, catalogue_from, domain_from, entry_from
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
    """Every file under `folder` except hidden ones, in a stable order."""
    found: list[Path] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(current, name) for name in sorted(files) if not name.startswith("."))
    return found


def validate(layout: Layout, targets: Sequence[Path] = (), today: dt.date | None = None) -> Result:
    today = today or china_today()
    schemas = load_schemas(layout.schema)
    problems: list[Problem] = []
    places: list[tuple[str, Place]] = []
    docs: dict[str, SourceDoc] = {}
    checked = _Checked()
    content: list[Finding] = []

    problems.extend(tree_problems(layout))
    for file in discover(layout.data):
        if file.is_symlink():
            continue  # reported by tree_problems; never read what it points to
        rel = layout.relative(file)
        place = place_of(rel)
        if isinstance(place, str):
            problems.append(Problem(rel, 1, 1, FILE_FIELD, place))
            continue
        places.append((rel, place))
        doc, found = load(file, rel, place)
        problems.extend(found)
        if doc is None:
            continue
        docs[rel] = doc
        content.extend(content_findings(doc, today))
        schema_found = _schema_problems(doc, schemas, {p.field for p in found})
        problems.extend(schema_found)
        if found or schema_found:
            continue
        if place.kind == "domain":
            checked.domains.append(domain_from(doc))
        elif place.kind == "catalogue":
            checked.catalogues.append(catalogue_from(doc))
        else:
            checked.entries.append(entry_from(doc))

    entry_ids = {p.entry_id for _, p in places if p.kind == "entry"}
    site_pages, found = read_site_pages(layout, entry_ids)
    problems.extend(found)
    catalogues = {c.slug: c for c in checked.catalogues}
    findings = [
        *content,
        *placement(places, {p.domain for _, p in places if p.kind == "domain"},
                   {p.catalogue for _, p in places if p.kind == "catalogue"}),
        *domain_rules(checked.domains),
        *catalogue_rules(catalogues, {d.slug: d for d in checked.domains}),
        *entry_rules(checked.entries, catalogues, layout.docs, today),
    ]
    problems.extend(_locate(findings, docs, schemas))

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


def _locate(findings: list[Finding], docs: dict[str, SourceDoc], schemas: SchemaSet) -> list[Problem]:
    positions: dict[str, Positions] = {}
    problems = []
    for finding in findings:
        doc = docs.get(finding.path)
        if doc is None:
            problems.append(Problem(finding.path, 1, 1, FILE_FIELD, finding.message, finding.severity))
            continue
        where = positions.setdefault(finding.path, Positions(doc.text))
        line, column = where.at(finding.json_path)
        name = field_name(schemas[doc.place.kind], finding.json_path)
        problems.append(Problem(finding.path, line, column, name, finding.message, finding.severity))
    return problems
