"""The static JSON API under api/: an index of the catalogues and domains, one file per catalogue with its
entries (a phone reading one catalogue fetches one file, never the whole dataset), and the OpenAPI 3.1
document that describes them (api/openapi.yaml in this package, with the schemas of schema/ put in).

Links inside the files are relative to the file that holds them, so the site works under any address.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .downloads import BUNDLE, FORMATS, catalogue_download, domain_download
from .feeds import history_path
from .files import write_site_file
from .history import History
from .model import Catalogue, Domain, Entry, Repository
from .pages import catalogue_src, catalogues_in_order, domain_src, entry_src, relative_url, url_of
from .parallel import in_parallel
from .schema import SchemaSet
from .sheet_export import entry_data, sort_key

FORMAT, VERSION = "gongkai-api", 1
INDEX, OPENAPI = "api/index.json", "api/openapi.json"
DOCUMENT = Path(__file__).parent / "api" / "openapi.yaml"
EMBEDDED = {"EntryFile": "entry", "CatalogueFile": "catalogue", "DomainFile": "domain"}
"""Components of the OpenAPI document that are the data files' own schemas, filled in from schema/."""


def catalogue_api(slug: str) -> str:
    return f"api/catalogues/{slug}.json"


@lru_cache(maxsize=1)
def _static_document() -> str:
    return DOCUMENT.read_text(encoding="utf-8")


def openapi_document(schemas: SchemaSet, site_url: str) -> dict[str, Any]:
    """The shipped document with the data files' schemas put in and the server set to the site's api/ folder."""
    document = yaml.safe_load(_static_document())
    components = document["components"]["schemas"]
    for name, kind in EMBEDDED.items():
        components[name] = _embedded(schemas[kind].document, f"#/components/schemas/{name}")
    document["servers"] = [{"url": site_url.rstrip("/") + "/api", "description": "本网站"}]
    return document


def _embedded(node: Any, base: str) -> Any:
    """A schema file as a component: its own $id and $schema dropped, its local references pointed at where it now is."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("$id", "$schema"):
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith("#"):
                value = base + value[1:]
            out[key] = _embedded(value, base)
        return out
    if isinstance(node, list):
        return [_embedded(item, base) for item in node]
    return node


class _Site:
    """What the files link to, as site paths."""

    def __init__(self, repo: Repository, history: History, directory_urls: bool, built: dt.datetime) -> None:
        self.repo, self.history, self.directory_urls = repo, history, directory_urls
        self.head = {"format": FORMAT, "version": VERSION, "built": built.isoformat(timespec="seconds")}
        self.entries: dict[str, list[Entry]] = {slug: [] for slug in repo.catalogues}
        for entry in sorted(repo.entries, key=sort_key(repo)):
            self.entries[entry.catalogue].append(entry)

    def catalogue(self, catalogue: Catalogue, source: str) -> dict[str, Any]:
        def link(path: str) -> str:
            return relative_url(path, source)

        data: dict[str, Any] = {"slug": catalogue.slug, "name": catalogue.name, "government": catalogue.government,
                                "level": catalogue.level, "region": catalogue.region}
        if catalogue.region_code:
            data["region_code"] = catalogue.region_code
        data["kind"] = catalogue.kind
        if catalogue.description:
            data["description"] = catalogue.description
        data |= {"parent": catalogue.parent or None, "entries": len(self.entries[catalogue.slug]),
                 "page": link(url_of(catalogue_src(catalogue.slug), self.directory_urls)),
                 "api": link(catalogue_api(catalogue.slug)),
                 "downloads": {fmt: link(catalogue_download(catalogue.slug, fmt)) for fmt in FORMATS}}
        return data

    def domain(self, domain: Domain, count: int, source: str) -> dict[str, Any]:
        data: dict[str, Any] = {"slug": domain.slug, "name": domain.name}
        if domain.variants:
            data["variants"] = list(domain.variants)
        guideline = domain.guideline
        data |= {"order": domain.order, "lead_departments": list(domain.lead_departments),
                 "guideline": {k: v for k, v in (("title", guideline.title), ("issuer", guideline.issuer),
                                                 ("year", guideline.year), ("number", guideline.number)) if v}}
        if domain.description:
            data["description"] = domain.description
        data |= {"entries": count, "page": relative_url(url_of(domain_src(domain.slug), self.directory_urls), source),
                 "downloads": {fmt: relative_url(domain_download(domain.slug, fmt), source) for fmt in FORMATS}}
        return data

    def entry(self, entry: Entry, source: str) -> dict[str, Any]:
        history = history_path(entry.id, self.directory_urls) if entry.id in self.history.entries else None
        return {"id": entry.id, "catalogue": entry.catalogue, "domain": entry.domain, "slug": entry.slug, "title": entry.title,
                "page": relative_url(url_of(entry_src(entry), self.directory_urls), source),
                "history": relative_url(history, source) if history else None, "data": entry_data(entry)}


def _dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write(site_dir: Path, path: str, content: bytes) -> tuple[str, int]:
    write_site_file(site_dir, path, content)
    return path, len(content)


def _catalogue_files(catalogues: list[Catalogue], site: _Site, site_dir: Path) -> list[tuple[str, int]]:
    done = []
    for catalogue in catalogues:
        path = catalogue_api(catalogue.slug)
        document = {**site.head, "catalogue": site.catalogue(catalogue, path),
                    "entries": [site.entry(e, path) for e in site.entries[catalogue.slug]]}
        done.append(_write(site_dir, path, _dump(document)))
    return done


def write_api(repo: Repository, history: History, schemas: SchemaSet, site_dir: Path, *, site_url: str,
              directory_urls: bool, built: dt.datetime) -> dict[str, int]:
    """Write the API files under `site_dir`; their site paths -> sizes in bytes."""
    site = _Site(repo, history, directory_urls, built)
    catalogues = catalogues_in_order(repo)
    counts = {slug: 0 for slug in repo.domains}
    for entry in repo.entries:
        counts[entry.domain] += 1
    index = {**site.head, "openapi": relative_url(OPENAPI, INDEX), "bundle": relative_url(BUNDLE, INDEX),
             "catalogues": [site.catalogue(c, INDEX) for c in catalogues],
             "domains": [site.domain(d, counts[d.slug], INDEX) for d in repo.domains_in_order]}
    sizes = dict([_write(site_dir, INDEX, _dump(index)),
                  _write(site_dir, OPENAPI, json.dumps(openapi_document(schemas, site_url), ensure_ascii=False,
                                                       indent=2).encode("utf-8"))])
    sizes |= dict(in_parallel(_catalogue_files, catalogues, site, site_dir, minimum=20))
    return sizes
