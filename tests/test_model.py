"""The typed model built from validated files."""

from __future__ import annotations

import datetime as dt
import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ENTRY_PATH, PROJECT, Repo
from gongkai.model import Entry
from gongkai.pages import relative_url
from gongkai.paths import Layout
from gongkai.validate import validate


def test_entry_model_from_yaml(repo: Repo) -> None:
    model = validate(Layout(repo.root)).repository
    assert model is not None
    (entry,) = model.entries
    assert isinstance(entry, Entry)
    assert entry.id == "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang"
    assert entry.path == ENTRY_PATH
    assert entry.title == "最低生活保障"
    assert entry.basis[0].number == "国务院令第649号"
    (clause,) = entry.time_limit.clauses
    assert (clause.kind, clause.anchor, clause.amount, clause.unit) == ("deadline", "制定或获取信息", 10, "工作日")
    assert entry.published[0].date == "2024-03-01"
    assert entry.published[0].published_on == dt.date(2024, 3, 1)
    assert model.in_catalogue("test-xian", "shehui-jiuzhu") == (entry,)
    assert [c.slug for c in model.children("test-xian")] == ["test-xian-donghu"]


def test_id_is_stable_across_edits(repo: Repo) -> None:
    before = validate(Layout(repo.root)).repository
    text = (repo.root / ENTRY_PATH).read_text(encoding="utf-8")
    repo.write(ENTRY_PATH, text.replace("最低生活保障", "城乡最低生活保障").replace("县民政局", "县民政局、各乡镇人民政府"))
    after = validate(Layout(repo.root)).repository
    assert before and after
    assert before.entries[0].id == after.entries[0].id
    assert before.entries[0].title != after.entries[0].title


def test_unquoted_dates_keep_the_text_as_written(repo: Repo) -> None:
    model = validate(Layout(repo.root)).repository
    assert model is not None
    assert isinstance(model.entries[0].published[0].date, str)


def test_entries_hold_the_words_they_repeat_once(monkeypatch) -> None:
    """A province's entries repeat their catalogue's, domain's, subjects' and laws' words: held once each, and
    without an attribute dictionary per object, the model of 10,000 entries is 12 MB instead of 41."""
    objects = {}
    for parallel_from in ("100000", "1"):  # parsed here, and parsed by workers and sent back (a copy from each)
        monkeypatch.setenv("GONGKAI_PARALLEL_FROM", parallel_from)
        model = validate(Layout(PROJECT)).repository
        assert model is not None and len(model.entries) > 20
        words = [w for e in model.entries for w in (e.catalogue, e.domain, e.subject, e.mode, *e.channels,
                                                     *(b.title for b in e.basis))]
        objects[parallel_from] = len({id(w) for w in words})
        assert not hasattr(model.entries[0], "__dict__") and not hasattr(model.entries[0].time_limit, "__dict__")
    assert objects["100000"] == len(set(words)) < len(words) / 3
    assert objects["1"] < len(words) / 2, (objects, len(words))


def test_no_model_when_there_are_errors(repo: Repo) -> None:
    repo.write(ENTRY_PATH, "title: [\n")
    result = validate(Layout(repo.root))
    assert not result.ok and result.repository is None


SEGMENTS = ["a", "b", "bench-0000", "index.html", "poster.html", "", ".", "..", "预算#x"]


@settings(max_examples=2000, deadline=None)
@given(target=st.lists(st.sampled_from(SEGMENTS), max_size=5).map("/".join),
       base=st.lists(st.sampled_from(SEGMENTS), max_size=5).map("/".join))
def test_relative_urls_are_those_posixpath_gives(target: str, base: str) -> None:
    """The links of every generated page, worked out on the segments, are the ones posixpath.relpath gives."""
    base_dir = base if base.endswith("/") or not base else posixpath.dirname(base)
    rel = posixpath.relpath(target or ".", base_dir or ".")
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    assert relative_url(target, base) == ("./" if rel in ("./", ".") else rel)
