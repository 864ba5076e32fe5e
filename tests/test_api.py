"""The static JSON API: a valid OpenAPI 3.1 document, every file under api/ valid against the response schema
of its path, exactly the repository's entries, and links that resolve to files of the site."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conftest import PROJECT, Repo, mkdocs_build
from gongkai.jsonapi import openapi_document
from gongkai.paths import Layout
from gongkai.schema import load_schemas
from gongkai.validate import validate

SITE_URL = "https://shili-xian.github.io/gongkai-data/"
DOCUMENT_URI = "urn:gongkai:openapi"


def checker(document: dict[str, Any]):
    """file path under api/ -> a validator for it, from the document's path templates and their 200 responses."""
    registry = Registry().with_resource(DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012))
    routes = []
    for template in document["paths"]:
        pattern = re.escape(template.lstrip("/"))
        pattern = re.sub(r"\\\{[a-z_]+\\\}", "([^/]+)", pattern)
        pointer = f"/paths/{template.replace('~', '~0').replace('/', '~1')}/get/responses/200/content/application~1json/schema"
        validator = jsonschema.Draft202012Validator({"$ref": DOCUMENT_URI + "#" + pointer}, registry=registry,
                                                    format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        routes.append((re.compile(pattern + r"\Z"), validator))

    def for_file(rel: str) -> jsonschema.Draft202012Validator:
        found = [v for pattern, v in routes if pattern.match(rel)]
        assert found, f"api/{rel} is not described by any path of the OpenAPI document"
        return found[0]

    return for_file


def resolve(site: Path, holder: str, link: str) -> Path:
    """A link inside api/<holder>, resolved as a client would, to the file of the built site it names."""
    url = urljoin("https://site.invalid/" + holder, link)
    path = urlsplit(url).path.lstrip("/")
    target = site / path
    return target / "index.html" if path.endswith("/") or not path else target


def api_files(site: Path) -> dict[str, Any]:
    return {p.relative_to(site).as_posix(): json.loads(p.read_text(encoding="utf-8")) for p in sorted((site / "api").rglob("*.json"))}


def test_openapi_document_is_valid_and_points_at_the_site(sample_site: Path) -> None:
    document = json.loads((sample_site / "api" / "openapi.json").read_text(encoding="utf-8"))
    validate_openapi(document)
    assert document["openapi"].startswith("3.1")
    assert document["servers"][0]["url"] == SITE_URL + "api"
    assert document["components"]["schemas"]["EntryFile"]["title"] == "公开事项"  # schema/entry.schema.json, put in


def test_a_document_that_breaks_openapi_is_refused() -> None:
    document = openapi_document(load_schemas(PROJECT / "schema"), SITE_URL)
    validate_openapi(document)
    del document["paths"]["/catalogues/{catalogue}.json"]["get"]["parameters"]
    with pytest.raises(Exception, match="catalogue"):
        validate_openapi(document)


def test_every_api_file_matches_its_response_schema(sample_site: Path) -> None:
    files = api_files(sample_site)
    document = files["api/openapi.json"]
    for_file = checker(document)
    assert {"api/index.json", "api/openapi.json"} <= set(files)
    for rel, data in files.items():
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in for_file(rel.removeprefix("api/")).iter_errors(data)]
        assert errors == [], rel


def test_response_schemas_catch_a_wrong_file(sample_site: Path) -> None:
    files = api_files(sample_site)
    for_file = checker(files["api/openapi.json"])
    rel = next(r for r in files if r.startswith("api/catalogues/"))
    broken = copy.deepcopy(files[rel])
    del broken["entries"][0]["data"]["subject"]
    broken["entries"][0]["history"] = 3
    messages = [e.message for e in for_file(rel.removeprefix("api/")).iter_errors(broken)]
    assert any("subject" in m for m in messages) and any("3" in m for m in messages)
    assert not for_file("index.json").is_valid({**files["api/index.json"], "extra": 1})


def test_api_lists_exactly_the_repositorys_entries_and_its_links_resolve(sample_site: Path) -> None:
    repo = validate(Layout(PROJECT)).repository
    assert repo is not None
    files = api_files(sample_site)
    index = files["api/index.json"]
    assert [c["slug"] for c in index["catalogues"]] == ["shili-xian", "shili-xian-donghu-zhen", "shili-xian-shiqiao-xiang"]
    assert sorted(d["slug"] for d in index["domains"]) == sorted(repo.domains)
    assert sum(d["entries"] for d in index["domains"]) == len(repo.entries)
    listed: list[str] = []
    for catalogue in index["catalogues"]:
        holder = urljoin("api/index.json", catalogue["api"])
        for link in (catalogue["page"], catalogue["api"], *catalogue["downloads"].values()):
            assert resolve(sample_site, "api/index.json", link).is_file(), link
        document = files[holder]
        assert document["catalogue"]["entries"] == catalogue["entries"] == len(document["entries"])
        for entry in document["entries"]:
            assert entry["catalogue"] == catalogue["slug"] and entry["id"] == f"{entry['catalogue']}/{entry['domain']}/{entry['slug']}"
            page = resolve(sample_site, holder, entry["page"])
            assert page == sample_site / entry["id"] / "index.html" and page.is_file()
            assert entry["history"] is not None and resolve(sample_site, holder, entry["history"]).is_file()
        listed += [e["id"] for e in document["entries"]]
    assert sorted(listed) == sorted(e.id for e in repo.entries)
    assert len(listed) == len(set(listed))
    by_id = {e.id: e for e in repo.entries}
    for rel, document in files.items():
        for entry in document.get("entries", []):
            assert entry["title"] == by_id[entry["id"]].title == entry["data"]["title"], rel
    for domain in index["domains"]:
        assert resolve(sample_site, "api/index.json", domain["page"]).is_file()
    assert resolve(sample_site, "api/index.json", index["bundle"]).is_file()


def test_site_without_directory_urls_links_its_history_files(site_repo: Repo, tmp_path: Path) -> None:
    config = site_repo.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "use_directory_urls: false\n", encoding="utf-8")
    site = tmp_path / "site"
    proc = mkdocs_build(config, site)
    assert proc.returncode == 0, proc.stderr
    files = api_files(site)
    (entry,) = files["api/catalogues/test-xian.json"]["entries"]
    assert entry["page"] == "../../test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang.html"
    assert entry["history"] == "../../test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang.history.json"
    assert resolve(site, "api/catalogues/test-xian.json", entry["history"]).is_file()
    assert files["api/catalogues/test-xian-donghu.json"]["entries"] == []
    for_file = checker(files["api/openapi.json"])
    for rel, data in files.items():
        assert for_file(rel.removeprefix("api/")).is_valid(data), rel
