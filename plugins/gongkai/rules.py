"""Rules across files, as pure functions over the typed model.

The schema checks each file alone; these check what only the whole repository
can tell: folders that must exist, names that must be unique, levels that must
agree, dates that must be real and past, links that must resolve.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .model import Catalogue, Domain, Entry, iso_date
from .paths import Place
from .problems import JsonPath, Severity


@dataclass(frozen=True)
class Finding:
    path: str
    json_path: JsonPath
    message: str
    severity: Severity = "error"


def _nearest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.5)
    return f"你是不是想写“{close[0]}”？" if close else ""


def placement(places: Iterable[tuple[str, Place]], domain_slugs: set[str], catalogue_slugs: set[str]) -> Iterator[Finding]:
    """Every entry sits in a catalogue folder that has a catalogue.yml, under a domain that exists."""
    for path, place in places:
        if place.kind != "entry":
            continue
        if place.catalogue not in catalogue_slugs:
            yield Finding(path, (), f"目录文件夹“data/catalogues/{place.catalogue}/”里没有 catalogue.yml。"
                          f"请先为这个目录创建 catalogue.yml，或把事项移到已有的目录文件夹。{_nearest(place.catalogue, catalogue_slugs)}")
        if place.domain not in domain_slugs:
            yield Finding(path, (), f"领域文件夹“{place.domain}”在 data/domains/ 中没有对应的领域文件。"
                          f"{_nearest(place.domain, domain_slugs)}请把事项移到正确的领域文件夹（领域文件名见 data/domains/）。")


def domain_rules(domains: Iterable[Domain]) -> Iterator[Finding]:
    """Orders and names are unique; a name variant must not be another domain's name."""
    by_order: dict[int, str] = {}
    by_name: dict[str, str] = {}
    for domain in sorted(domains, key=lambda d: d.path):
        if domain.order in by_order:
            yield Finding(domain.path, ("order",), f"排序 {domain.order} 已被 {by_order[domain.order]} 使用。请换一个不重复的数字。")
        else:
            by_order[domain.order] = domain.path
        for index, name in enumerate((domain.name, *domain.variants)):
            where: JsonPath = ("name",) if index == 0 else ("variants", index - 1)
            if name in by_name:
                yield Finding(domain.path, where, f"名称“{name}”已在 {by_name[name]} 中使用。每个名称只能属于一个领域。")
            else:
                by_name[name] = domain.path


def catalogue_rules(catalogues: dict[str, Catalogue], domains: dict[str, Domain]) -> Iterator[Finding]:
    """A township catalogue names an existing county catalogue as its parent; what it marks not applicable is a standard item."""
    for slug, catalogue in sorted(catalogues.items()):
        yield from _not_applicable_rules(catalogue, domains)
        if not catalogue.parent:
            continue
        parent = catalogues.get(catalogue.parent)
        if catalogue.parent == slug:
            yield Finding(catalogue.path, ("parent",), "上级目录不能是自己。请填写所属县级目录的文件夹名。")
        elif parent is None:
            yield Finding(catalogue.path, ("parent",), f"上级目录“{catalogue.parent}”不存在。{_nearest(catalogue.parent, catalogues)}"
                          "请填写 data/catalogues/ 下已有的县级目录文件夹名。")
        elif catalogue.level == "乡级" and parent.level != "县级":
            yield Finding(catalogue.path, ("parent",), f"乡级目录的上级目录应为县级目录，而“{catalogue.parent}”是{parent.level}目录。")


def _not_applicable_rules(catalogue: Catalogue, domains: dict[str, Domain]) -> Iterator[Finding]:
    for index, item in enumerate(catalogue.not_applicable):
        where: JsonPath = ("not_applicable", index)
        domain = domains.get(item.domain)
        if domain is None:
            yield Finding(catalogue.path, (*where, "domain"), f"领域“{item.domain}”不存在。{_nearest(item.domain, domains)}"
                          "请填写 data/domains/ 中的领域文件名（不含 .yml）。")
            continue
        expected = {(s.l1, l2) for s in domain.standard_items for l2 in s.l2}
        if (item.l1, item.l2) not in expected:
            listed = "；".join(f"{s.l1}：{'、'.join(s.l2)}" for s in domain.standard_items)
            yield Finding(catalogue.path, (*where, "l2"), f"“{item.l1} / {item.l2}”不是“{domain.name}”标准指引中的事项。"
                          f"只有标准事项可以标为不适用，请照抄领域文件中的写法：{listed}。")


def entry_rules(entries: Iterable[Entry], catalogues: dict[str, Catalogue], docs_dir: Path, today: dt.date) -> Iterator[Finding]:
    seen_titles: dict[tuple[str, str, str], str] = {}
    for entry in sorted(entries, key=lambda e: e.path):
        key = (entry.catalogue, entry.domain, entry.title)
        if key in seen_titles:
            yield Finding(entry.path, ("title",), f"同一目录同一领域中已有同名事项“{entry.title}”（{seen_titles[key]}）。"
                          "请合并两个文件，或把二级事项名称改得更具体。")
        else:
            seen_titles[key] = entry.path
        catalogue = catalogues.get(entry.catalogue)
        if catalogue and catalogue.level not in entry.level:
            yield Finding(entry.path, ("level",), f"本事项属于{catalogue.level}目录“{catalogue.name}”，公开层级必须包含“{catalogue.level}”。"
                          f"请在 level 中加上 {catalogue.level}，或把事项移到相应层级的目录。")
        yield from _time_limit_rules(entry)
        yield from _published_rules(entry, docs_dir, today)


def _time_limit_rules(entry: Entry) -> Iterator[Finding]:
    for index, clause in enumerate(entry.time_limit.clauses):
        if clause.due:
            month, day = (int(part) for part in clause.due.split("-"))
            try:
                dt.date(2024, month, day)  # a leap year, so 02-29 is accepted
            except ValueError:
                yield Finding(entry.path, ("time_limit", "clauses", index, "due"),
                              f"“{clause.due}”不是真实存在的日期。请写成 MM-DD，例如 03-31。")


def _published_rules(entry: Entry, docs_dir: Path, today: dt.date) -> Iterator[Finding]:
    seen_urls: dict[str, int] = {}
    for index, link in enumerate(entry.published):
        where: JsonPath = ("published", index)
        if link.date:
            day = link.published_on
            if day is None:
                yield Finding(entry.path, (*where, "date"), f"“{link.date}”不是真实存在的日期。请检查年、月、日（例如 2 月没有 30 日）。")
            elif day > today:
                yield Finding(entry.path, (*where, "date"), f"发布日期 {link.date} 晚于今天（{today.isoformat()}）。"
                              "只登记已经公开的内容；请改为实际发布日期。")
        if link.event_date:
            yield from _event_date_rules(entry, (*where, "event_date"), link.event_date, today, link.published_on)
        if link.url:  # what an address may be is content.py's (textrules.url_findings); here only what the entry repeats
            if link.url in seen_urls:
                yield Finding(entry.path, (*where, "url"), f"与第 {seen_urls[link.url] + 1} 条已公开内容的网址重复。请删除重复的一条。")
            else:
                seen_urls[link.url] = index
        if link.page:
            target = docs_dir / link.page
            if ".." in Path(link.page).parts or not target.is_file():
                yield Finding(entry.path, (*where, "page"), f"本站页面“docs/{link.page}”不存在。请检查路径（相对于 docs/ 文件夹），或先添加该页面。")
    for index, pending in enumerate(entry.pending):
        yield from _event_date_rules(entry, ("pending", index, "event_date"), pending.event_date, today, None)


def group_by_path(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.path].append(finding)
    return grouped


def _event_date_rules(entry: Entry, where: JsonPath, text: str, today: dt.date, published: dt.date | None) -> Iterator[Finding]:
    day = iso_date(text)
    if day is None:
        yield Finding(entry.path, where, f"“{text}”不是真实存在的日期。请检查年、月、日（例如 2 月没有 30 日）。")
    elif day > today:
        yield Finding(entry.path, where, f"起算日期 {text} 晚于今天（{today.isoformat()}）。起算事件要已经发生；请改为实际发生的日期。")
    elif published is not None and day > published:
        yield Finding(entry.path, where, f"起算日期 {text} 晚于发布日期 {published.isoformat()}。请检查：起算日期是信息形成、批复等事件发生的日期，"
                      "应当早于或等于发布日期。")
