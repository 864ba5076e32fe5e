"""The schema files are the single source of field names, labels and vocabularies."""

from __future__ import annotations

import pytest

from conftest import PROJECT
from gongkai.schema import SCHEMA_FILES, load_schemas

CHANNELS = [
    "政府网站", "政府公报", "两微一端", "发布会/听证会", "广播电视", "纸质媒体", "公开查阅点",
    "政务服务中心", "便民服务站", "入户/现场", "社区/企事业单位/村公示栏（电子屏）", "精准推送", "其他",
]


@pytest.fixture(scope="module")
def schemas():
    return load_schemas(PROJECT / "schema")


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_every_field_has_a_chinese_label_and_description(schemas, kind) -> None:
    schema = schemas[kind]

    def walk(path):
        for name in schema.field_names(path):
            child = (*path, name)
            node = schema.at(child)
            assert node is not None
            assert node.get("title"), f"{kind}: {child} has no title"
            if len(child) == 1:
                assert node.get("description"), f"{kind}: {child} has no description"
            if node.get("type") == "object":
                yield from walk(child)
            elif node.get("type") == "array" and (schema.at((*child, 0)) or {}).get("type") == "object":
                yield from walk((*child, 0))
            yield child

    assert list(walk(()))


def test_entry_vocabularies(schemas) -> None:
    entry = schemas["entry"]
    assert entry.at(("channels", 0))["enum"] == CHANNELS
    assert entry.at(("audience",))["enum"] == ["全社会", "特定群体"]
    assert entry.at(("mode",))["enum"] == ["主动", "依申请"]
    assert entry.at(("level", 0))["enum"] == ["县级", "乡级"]
    clause = entry.at(("time_limit", "clauses", 0))
    assert set(clause["properties"]["kind"]["x-enum-labels"]) == set(clause["properties"]["kind"]["enum"])


def test_labels_come_from_the_schema(schemas) -> None:
    entry = schemas["entry"]
    assert entry.label(("l1",)) == "一级事项"
    assert entry.label(("title",)) == "二级事项"
    assert entry.label(("published", 2, "url")) == "网址"
    assert entry.label(("time_limit", "clauses", 0, "unit")) == "期限单位"
    assert schemas["catalogue"].label(("kind",)) == "目录类型"


def test_fast_and_detailed_validators_agree_on_sample_and_bad_data(schemas) -> None:
    from gongkai.loader import load
    from gongkai.paths import place_of

    entry = schemas["entry"]
    files = sorted((PROJECT / "data" / "catalogues").glob("*/*/*.yml"))[:40]
    for file in files:
        rel = file.relative_to(PROJECT).as_posix()
        doc, _ = load(file, rel, place_of(rel))
        assert doc is not None
        broken = {**doc.data, "mode": "主动公开", "channels": []}
        for data in (doc.data, broken):
            assert entry.fast.is_valid(data) == (not list(entry.detailed.iter_errors(data)))
