"""The shipped sample data is valid and as large and varied as the issue asks."""

from __future__ import annotations

from collections import Counter

from conftest import PROJECT
from gongkai.paths import Layout
from gongkai.validate import validate


def test_gongkai_validate_on_sample_data_prints_nothing_and_exits_0(gongkai) -> None:
    result = gongkai(PROJECT, "validate")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_sample_data_covers_26_domains_and_a_county_with_townships() -> None:
    repo = validate(Layout(PROJECT)).repository
    assert repo is not None
    assert len(repo.domains) == 26
    assert sorted(d.order for d in repo.domains.values()) == list(range(1, 27))
    county = [c for c in repo.catalogues.values() if c.level == "县级"]
    assert len(county) == 1
    townships = repo.children(county[0].slug)
    assert len(townships) >= 2 and all(t.level == "乡级" for t in townships)
    assert len(repo.entries) >= 150
    assert len({e.domain for e in repo.entries}) >= 10


def test_sample_entries_are_realistic() -> None:
    repo = validate(Layout(PROJECT)).repository
    assert repo is not None
    with_links = [e for e in repo.entries if e.published]
    assert len(with_links) >= 0.7 * len(repo.entries)
    kinds = Counter(c.kind for e in repo.entries for c in e.time_limit.clauses)
    assert {"deadline", "min_display", "asap"} <= set(kinds)
    units = Counter(c.unit for e in repo.entries for c in e.time_limit.clauses if c.unit)
    assert units["工作日"] and units["日"], "both working days and calendar days occur in real catalogues"
    assert any(e.mode == "依申请" for e in repo.entries)
    assert any(e.time_limit.law_may_override for e in repo.entries)


def test_every_domain_lists_standard_items() -> None:
    repo = validate(Layout(PROJECT)).repository
    assert repo is not None
    for domain in repo.domains.values():
        assert domain.standard_items, domain.slug
        assert all(item.l2 for item in domain.standard_items), domain.slug
