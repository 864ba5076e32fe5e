"""The JSON Schemas under `schema/`: the one place where field names, Chinese labels,
descriptions and vocabularies live. Loaded once; everything else asks here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs

from .paths import Kind
from .problems import JsonPath

SCHEMA_FILES: dict[Kind, str] = {
    "domain": "domain.schema.json",
    "catalogue": "catalogue.schema.json",
    "entry": "entry.schema.json",
}


@dataclass(frozen=True)
class Schema:
    kind: Kind
    document: dict[str, Any]

    @cached_property
    def fast(self) -> Any:
        """Rust validator for the common case: answers 'valid?' in microseconds."""
        return jsonschema_rs.validator_for(self.document, validate_formats=False)

    @cached_property
    def detailed(self) -> jsonschema.Draft202012Validator:
        """Python validator for files that fail: its errors carry what the Chinese messages need."""
        return jsonschema.Draft202012Validator(self.document)

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Follow a local `$ref`, keeping the referring node's own keywords (its title, description)."""
        ref = node.get("$ref")
        if not ref:
            return node
        target: Any = self.document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return {**self.resolve(target), **{k: v for k, v in node.items() if k != "$ref"}}

    def at(self, path: JsonPath) -> dict[str, Any] | None:
        """The subschema describing the value at `path`, or None where the schema has none."""
        node = self.resolve(self.document)
        for part in path:
            child = node.get("items") if isinstance(part, int) else node.get("properties", {}).get(part)
            if not isinstance(child, dict):
                return None
            node = self.resolve(child)
        return node

    def label(self, path: JsonPath) -> str:
        """The Chinese label of the field at `path` (the schema's `title`), '' if none."""
        for end in range(len(path), 0, -1):
            if isinstance(path[end - 1], int):
                continue
            node = self.at(path[:end])
            return str(node.get("title", "")) if node else ""
        return ""

    def field_names(self, path: JsonPath) -> dict[str, str]:
        """Allowed field names of the object at `path`, each with its Chinese label."""
        node = self.at(path) or {}
        return {name: str(self.resolve(sub).get("title", "")) for name, sub in node.get("properties", {}).items()}

    def is_date(self, path: JsonPath) -> bool:
        node = self.at(path)
        return bool(node) and node.get("format") == "date"


@dataclass(frozen=True)
class SchemaSet:
    by_kind: dict[Kind, Schema]

    def __getitem__(self, kind: Kind) -> Schema:
        return self.by_kind[kind]


def load_schemas(folder: Path) -> SchemaSet:
    schemas: dict[Kind, Schema] = {}
    for kind, name in SCHEMA_FILES.items():
        document = json.loads((folder / name).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(document)
        schemas[kind] = Schema(kind, document)
    return SchemaSet(schemas)
