"""Atom feeds of catalogue changes, written with feedgen so that they follow RFC 4287."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .files import write_site_file
from .history import History, as_data
from .model import Repository
from .pages import ChangeRow, beside_entry, catalogue_src, change_rows, url_of
from .parallel import in_parallel

EPOCH = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
"""The `updated` of a feed with no entries yet: fixed, so builds stay reproducible."""


@dataclass(frozen=True)
class FeedItem:
    id: str
    title: str
    link: str
    updated: dt.datetime
    author: str
    summary: str


def atom_feed(*, feed_id: str, title: str, subtitle: str, feed_url: str, site_url: str, items: list[FeedItem]) -> bytes:
    from feedgen.feed import FeedGenerator  # here: the build's own process need not load lxml

    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.language("zh-CN")
    feed.link(href=site_url, rel="alternate")
    feed.link(href=feed_url, rel="self")
    feed.author(name=title)
    feed.updated(max((i.updated for i in items), default=EPOCH))
    for item in items:
        entry = feed.add_entry(order="append")
        entry.id(item.id)
        entry.title(item.title)
        entry.link(href=item.link, rel="alternate")
        entry.updated(item.updated)
        entry.author(name=item.author)
        entry.content(item.summary, type="text")
    return feed.atom_str(pretty=True)


FEED_ITEMS = 100


def feed_outputs(repo: Repository, history: History, site_url: str, directory_urls: bool = True) -> dict[str, bytes]:
    """`feed.xml` for the site and `<catalogue>/feed.xml` for each catalogue: the newest committed changes."""
    base = site_url.rstrip("/") + "/"
    host = urlsplit(base).hostname or "gongkai.invalid"
    rows = [row for row in change_rows(repo, history) if row.change.commit is not None]

    def item(row: ChangeRow) -> FeedItem:
        commit = row.change.commit
        assert commit is not None
        lines = [f"{row.change.label}：{row.title}（{row.catalogue}）", *(f.text() for f in row.change.fields),
                 f"提交说明：{commit.subject}" + (f"（#{commit.pr}）" if commit.pr else "")]
        return FeedItem(
            id=f"tag:{host},2019:{row.entry_id}/{commit.sha}",
            title=f"{row.change.label}：{row.title}",
            link=base + url_of(row.src, directory_urls),
            updated=commit.date,
            author=commit.author,
            summary="\n".join(lines),
        )

    outputs = {"feed.xml": atom_feed(
        feed_id=base + "feed.xml", title="政务公开事项目录更新", subtitle="各级政务公开事项目录的新增、修改和撤销",
        feed_url=base + "feed.xml", site_url=base, items=[item(r) for r in rows[:FEED_ITEMS]],
    )}
    by_catalogue: dict[str, list[ChangeRow]] = {}
    for row in rows:  # grouped once: a province has 700 catalogues
        by_catalogue.setdefault(row.entry_id.split("/")[0], []).append(row)
    for catalogue in repo.catalogues.values():
        mine = by_catalogue.get(catalogue.slug, [])[:FEED_ITEMS]
        url = f"{base}{catalogue.slug}/feed.xml"
        outputs[f"{catalogue.slug}/feed.xml"] = atom_feed(
            feed_id=url, title=f"{catalogue.name}更新", subtitle=f"{catalogue.government}政务公开事项的新增、修改和撤销",
            feed_url=url, site_url=base + url_of(catalogue_src(catalogue.slug), directory_urls), items=[item(r) for r in mine],
        )
    return outputs


def history_path(entry_id: str, directory_urls: bool = True) -> str:
    return beside_entry(entry_id, "history.json", directory_urls)


def write_histories(history: History, site_dir: Path, directory_urls: bool = True) -> list[str]:
    """Each entry's history as JSON next to its page, for other tools, written into the site folder by every
    core (10,000 small files took the build seconds to write, and held all at once 10 MB); their site paths."""
    return in_parallel(_write_some, sorted(history.entries), history, site_dir, directory_urls)


def _write_some(entry_ids: list[str], history: History, site_dir: Path, directory_urls: bool) -> list[str]:
    paths = []
    for entry_id in entry_ids:
        path = history_path(entry_id, directory_urls)
        write_site_file(site_dir, path, json.dumps(as_data(history.entries[entry_id]), ensure_ascii=False, indent=2).encode("utf-8"))
        paths.append(path)
    return paths
