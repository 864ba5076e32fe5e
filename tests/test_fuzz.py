"""Fuzzing the loader: entries generated from the schema, and random mutations of valid files.

Whatever the bytes, loading answers with problems (our own Problem records, never an exception),
within a second and 256 MB for any input under 1 MB; and what loads and passes the schema builds a model.
"""

from __future__ import annotations

import json
import time
import tracemalloc
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ENTRY, PROJECT
from gongkai.content import _strings
from gongkai.loader import load
from gongkai.model import entry_from
from gongkai.paths import place_of
from gongkai.problems import Problem
from gongkai.schema import load_schemas
from gongkai.yamltext import dump_document

REL = "data/catalogues/test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang.yml"
PLACE = place_of(REL)
SCHEMAS = load_schemas(PROJECT / "schema")
ENTRY_SCHEMA = json.loads((PROJECT / "schema" / "entry.schema.json").read_text(encoding="utf-8"))
SAMPLES = [p.read_bytes() for p in sorted((PROJECT / "data" / "catalogues").glob("*/*/*.yml"))[:40]] + [ENTRY.encode()]

NASTY = [b":", b": ", b"-", b"- ", b" ", b"  ", b"\t", b"\n", b'"', b"'", b"&a ", b"*a", b"!!python/object:os.system ", b"!x ",
         b"[", b"]", b"{", b"}", b"|", b">", b"%YAML 1.1\n", b"---\n", b"...\n", b"<<: ", b"? ", b"#", b"@", b"`", b"\x00",
         b"\xef\xbb\xbf", b"\xff\xfe", b"\xd5\xfe", b"\xed\xa0\x80", b"\xc2\x85", b"\xe2\x80\xae", b"\xe2\x80\x8b", b"yes", b"NO",
         b"20:30", b"2024-02-30", b"0x1F", b"1e3", b"~", b"null", b"\\u202e", b'"\\ud800"', b"\r", b"\r\n", "县民政局".encode(),
         "１１０１０５１９４９１２３１００２Ｘ".encode(), b"11010519491231002X", b"13812345678", b"javascript:alert(1)",
         b"<script>alert(1)</script>", b"{{ 7*7 }}", b"--8<-- 'x'"]


def timed_load(tmp_path: Path, raw: bytes) -> tuple[object, list[Problem]]:
    """Load `raw` as an entry file; fail unless it returns our own records within a second and 256 MB."""
    file = tmp_path / "entry.yml"
    file.write_bytes(raw)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        doc, problems = load(file, REL, PLACE)
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < 1.0, f"{elapsed:.2f} s for {len(raw)} bytes"
    assert peak < 256 * 1024 * 1024, f"{peak // (1024 * 1024)} MB for {len(raw)} bytes"
    assert all(isinstance(p, Problem) and p.message and p.line >= 1 and p.column >= 1 for p in problems)
    return doc, problems


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real entry file with a few bytes inserted, deleted or replaced, in places YAML cares about."""
    raw = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "repeat"]))
        piece = draw(st.one_of(st.sampled_from(NASTY), st.binary(min_size=1, max_size=8),
                               st.text(min_size=1, max_size=8).map(lambda s: s.encode("utf-8", "surrogatepass"))))
        if action == "insert":
            raw[at:at] = piece
        elif action == "delete":
            del raw[at:at + draw(st.integers(1, 16))]
        elif action == "replace":
            raw[at:at + len(piece)] = piece
        else:
            raw[at:at] = piece * draw(st.integers(2, 2000))
    return bytes(raw[: 1024 * 1024 - 1])


def from_schema(node: dict, defs: dict) -> st.SearchStrategy:
    """Values a JSON Schema node allows, for the constructs our schemas use; what `if`/`then` and
    `oneOf` add is filtered by the real validator afterwards."""
    if "$ref" in node:
        return from_schema(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    if "oneOf" in node:
        return st.one_of(*(from_schema({**{k: v for k, v in node.items() if k != "oneOf"}, **branch}, defs) for branch in node["oneOf"]))
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "object":
        properties = node.get("properties", {})
        required = [name for name in node.get("required", []) if name in properties]
        optional = [name for name in properties if name not in required]
        return st.fixed_dictionaries({name: from_schema(properties[name], defs) for name in required},
                                     optional={name: from_schema(properties[name], defs) for name in optional})
    if kind == "array":
        items = from_schema(node.get("items", {"type": "string"}), defs)
        return st.lists(items, min_size=node.get("minItems", 0), max_size=min(node.get("maxItems", 4), 4),
                        unique_by=(lambda v: json.dumps(v, sort_keys=True)) if node.get("uniqueItems") else None)
    if kind == "integer":
        return st.integers(node.get("minimum", -(10**6)), node.get("maximum", 10**6))
    if kind == "boolean":
        return st.booleans()
    if "pattern" in node and node["pattern"] != "\\S":
        return st.from_regex(node["pattern"], fullmatch=True).filter(lambda s: len(s) <= node.get("maxLength", 200) and typeable(s))
    return st.text(TYPED, min_size=max(1, node.get("minLength", 0)), max_size=min(node.get("maxLength", 60), 60)).filter(str.strip)


def typeable(text: str) -> bool:
    return all(c in "\n\t" or unicodedata.category(c) not in REFUSED for c in text)


REFUSED = ("Cc", "Cs", "Cf", "Co", "Cn", "Zl", "Zp")
TYPED = st.characters(blacklist_categories=REFUSED, blacklist_characters="\ufffe\uffff") | st.sampled_from("\n\t ")
"""What a department can type: anything printable (the loader refuses control, format and private-use characters)."""


ENTRIES = from_schema(ENTRY_SCHEMA, ENTRY_SCHEMA["$defs"]).filter(SCHEMAS["entry"].fast.is_valid)

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.data_too_large])


@FUZZ
@given(raw=mutated())
def test_mutated_files_give_problems_never_exceptions(tmp_path: Path, raw: bytes) -> None:
    doc, problems = timed_load(tmp_path, raw)
    assert doc is not None or problems
    if doc is not None:  # the strings gathered while parsing are exactly those the content rules would walk for
        assert doc.strings == _strings(doc.data)


def test_the_strings_gathered_while_parsing_are_the_datas(tmp_path: Path) -> None:
    """Keys outside ASCII, a duplicate key, dates, numbers and nesting: the same strings, paths and order as a walk."""
    raw = ("title: 预算\n名称: 值\n名称: 重复\nbasis:\n  - title: 条例\n    year: 2020\n    备注: [甲, 2024-01-01, yes]\n"
           "ok: true\nnote: ~\n").encode()
    doc, _ = timed_load(tmp_path, raw)
    assert doc is not None
    assert doc.strings == _strings(doc.data)
    assert (("名称",), "名称", True) in doc.strings and (("basis", 0, "备注", 1), "2024-01-01", False) in doc.strings


@FUZZ
@given(raw=st.binary(max_size=4096))
def test_arbitrary_bytes_give_problems_never_exceptions(tmp_path: Path, raw: bytes) -> None:
    timed_load(tmp_path, raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.filter_too_much])
@given(data=ENTRIES)
def test_entries_generated_from_the_schema_load_back_and_build_a_model(tmp_path: Path, data: dict) -> None:
    """Anything the schema allows, written the way our tools write YAML, reads back as the same data and builds an Entry."""
    order = list(SCHEMAS["entry"].field_names(()))
    doc, problems = timed_load(tmp_path, dump_document(data, order).encode("utf-8"))
    assert doc is not None and not [p for p in problems if p.severity == "error"], problems
    assert doc.data == data
    entry_from(doc)


@pytest.mark.parametrize("size", [1024 * 1024 - 1, 300 * 1024])
def test_large_inputs_are_refused_quickly(tmp_path: Path, size: int) -> None:
    doc, problems = timed_load(tmp_path, (b"note: " + b"\xe5\x93\x88" * size)[:size])
    assert doc is None and "文件太大" in problems[0].message


def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = "a: &a [" + ",".join(["x"] * 9) + "]\n" + "".join(
        f"b{i}: &b{i} [{','.join(['*' + ('a' if i == 0 else f'b{i - 1}')] * 9)}]\n" for i in range(12))
    doc, problems = timed_load(tmp_path, bomb.encode())
    assert doc is None or problems
    assert any("锚点和别名" in p.message for p in problems)
