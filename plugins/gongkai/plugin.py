"""The MkDocs plugin: thin hooks that call the same pipeline as `gongkai validate`,
then hand the model to `pages` (what to generate) and `render` (how it looks)."""

from __future__ import annotations

import gc
import json
import logging
import os
import posixpath
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mkdocs.commands import build as mkdocs_build
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from . import linkcheck, rebuild, search, searchshards, traditional
from .clock import build_time
from .contribute import form_assets
from .dashboard import INDEX_SRC as SUPERVISION_SRC
from .dashboard import build_reports, dashboard_files, dashboard_pages
from .downloads import Offer, page_offers, write_downloads
from .fastpages import Shell, add_to_sitemap, canonical_tag, pour_group, shell_of, title_tag
from .feeds import feed_outputs, write_histories
from .files import write_site_file
from .history import History, HistoryError, head_commit, read_history
from .jsonapi import write_api
from .pages import (
    CATALOGUES_SRC,
    DOMAINS_SRC,
    FIELDS_SRC,
    FORM_SRC,
    NO_HISTORY,
    PageSpec,
    build_pages,
    catalogues_in_order,
    site_page_entries,
)
from .parallel import in_child, in_parallel
from .paths import Layout
from .posters import catalogue_poster, entry_poster, plan_posters, write_posters
from .problems import format_text
from .render import OVERRIDES, render, render_template
from .repocheck import site_links
from .report import Report
from .schema import load_schemas
from .sheet_export import CellTooLong
from .sitepages import link_targets
from .stages import Stopwatch
from .supervision import EntryCheck, Supervision, department_slugs, supervise
from .urlcheck import read_results
from .validate import FileCache, validate

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

    from .model import Entry, Repository

log = logging.getLogger("mkdocs.plugins.gongkai")


class GongkaiConfig(Config):
    enabled = c.Type(bool, default=True)
    root = c.Optional(c.Dir(exists=True))
    """The data repository; defaults to the folder that holds mkdocs.yml."""
    search = c.Type(bool, default=True)
    """Index the built site with Pagefind (extended) after the build."""
    history = c.Type(bool, default=True)
    """Read the audit trail from git; false builds without it (the pages then say it is unavailable)."""
    fast_pages = c.Type(bool, default=True)
    """Write generated pages (entries, 最近更新 after its first page, 监督) into the theme's output for one of each group
    instead of rendering the theme for each."""
    check_links = c.Type(bool, default=True)
    """After the build, fail it if any internal link, resource or #anchor of the site does not resolve."""
    url_results = c.Type(str, default=".cache/gongkai/urls.json")
    """The results of `gongkai check-urls`, relative to the data repository; missing means links were not checked."""
    posters = c.Type(bool, default=True)
    """A printable poster with a QR code of the page's address for every catalogue and entry (needs site_url)."""


class GongkaiPlugin(BasePlugin[GongkaiConfig]):
    def __init__(self) -> None:
        self.repository: Repository | None = None
        self.specs: dict[str, PageSpec] = {}
        self.linked: dict[str, list[Entry]] = {}
        self.layout: Layout | None = None
        self.history: History = NO_HISTORY
        self.built = build_time()
        self.clock = Stopwatch()
        self.pages_started = time.perf_counter()
        self.supervision: Supervision | None = None
        self.checks: dict[str, EntryCheck] = {}
        self.command = ""
        self.dirty = False
        self.file_cache: FileCache = {}
        self.previous: Repository | None = None
        """`mkdocs serve`: the last build's model, its history and the commit it was read at, kept across rebuilds."""
        self.history_at = ""
        self.history_due: str | None = None
        """The commit whose history on_files is to read ('' for a build: whatever is checked out), or None."""
        self.quick: set[str] | None = None
        """The entries a `mkdocs serve --dirty` rebuild regenerates the pages of; None builds everything."""
        self.final_site = ""
        """Where `mkdocs build` was asked to write; the build goes to a staging folder beside it until it passed."""
        self.offers: dict[str, list[Offer]] = {}
        """Page source -> its download links, from the last full build (a quick rebuild writes no downloads)."""
        self.search_head: dict[str, Any] = {}
        """What the search page's head names of the site-wide search bundle: its cache tag and the files to preload."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty
        if command == "serve" and dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(rebuild.QuietDirtyWarning())

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.repository, self.specs, self.linked = None, {}, {}  # the plugin object survives `mkdocs serve` rebuilds
        self.bulk: list[PageSpec] = []
        self.prototypes: dict[str, str] = {}
        """src_uri of the page rendered by the theme -> its group (fastpages.pour_group); its content, then its shell, by group."""
        self.prototype_content: dict[str, str] = {}
        self.shells: dict[str, Shell | None] = {}
        self.scanned: dict[str, linkcheck.PageScan | linkcheck.PackedScan] = {}
        """Links and ids of the pages poured into a shell, from the text written: the link check need not read them."""
        self.search_grams: dict[str, set[str]] = {}
        """By catalogue, the characters and pairs of its entry pages rendered here, for the search router..."""
        self.poured_grams: dict[str, list[searchshards.PackedGrams]] = {}
        """...and of those poured by the workers, packed, a piece from each worker that poured some."""
        if not self.config.enabled:
            return config
        if self.config.posters and not config.site_url:
            raise PluginError("mkdocs.yml 中没有填写 site_url，无法生成张贴海报的二维码（二维码指向网站发布后的网址）。"
                              "请在 mkdocs.yml 中写上网站的网址，例如：site_url: https://www.example.gov.cn/gongkai/ ；"
                              "如果不需要海报，请把 plugins 下的 gongkai 写成：\n  - gongkai:\n      posters: false")
        self.layout = Layout(Path(self.config.root or Path(config.config_file_path).parent))
        self.clock = Stopwatch()
        with self.clock.stage("validate"):
            result = validate(self.layout, cache=self.file_cache if self.command == "serve" else None)
        for problem in result.problems:
            if problem.severity == "warning":  # shown, not fatal: `mkdocs build --strict` fails on log warnings
                log.info("gongkai: %s", problem.text())
        if not result.ok or result.repository is None:
            raise PluginError("数据检查未通过，构建已取消：\n" + format_text(result.problems))
        self.repository = result.repository
        if self.command == "build":
            gc.freeze()  # the model lives to the end: the collections while history and pages are made need not walk it
        self.quick = rebuild.changed_entries(self.previous, self.repository) if self.command == "serve" and self.dirty else None
        self.schemas = load_schemas(self.layout.schema)
        self.history_due = None
        if self.config.history:
            at = head_commit(self.layout.root) if self.command == "serve" else ""
            if not at or at != self.history_at:
                self.quick = None  # a new commit: the history pages change too
                self.history_due = at  # read in on_files, after the downloads
        else:
            self.history = NO_HISTORY
        log.info("gongkai: %d 个领域，%d 个目录，%d 个事项", len(self.repository.domains),
                 len(self.repository.catalogues), len(self.repository.entries))
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(OVERRIDES))
        self.built = build_time()
        config.extra["gongkai_built"] = self.built.strftime("%Y-%m-%d %H:%M")
        if self.command == "build":
            self.final_site = config.site_dir
            config.site_dir = staging_dir(config.site_dir)
            shutil.rmtree(config.site_dir, ignore_errors=True)
        with self.clock.stage("supervision"):
            results = read_results(self.layout.root / self.config.url_results)
            self.supervision = supervise(self.repository, self.built.date(), results,
                                         previous=self.supervision if self.quick is not None else None)
            self.checks = self.supervision.by_entry()
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.repository is None or self.layout is None:
            return files
        site_dir = Path(config.site_dir)
        assert self.supervision is not None
        if self.quick is None:  # a quick rebuild leaves these as the last full build wrote them
            self._add_downloads(files, config)
        if self.history_due is not None:
            self._read_history(self.history_due)
        county = next((c.government for c in catalogues_in_order(self.repository) if not c.parent), config.site_name)
        scopes = None
        if self.quick is not None:
            departments = department_slugs(self.supervision.departments())
            scopes = rebuild.scope_pages(self.quick, self.repository, {i: departments[c.department] for i, c in self.checks.items()
                                                                       if c.department in departments})
        with self.clock.stage("page specs"):
            reports = {} if scopes is not None else build_reports(self.repository, self.supervision, self.history, county)
            specs = [*build_pages(self.repository, self.history, self.quick),
                     *dashboard_pages(self.repository, self.supervision, reports, None if scopes is None else scopes.__contains__)]
        if self.quick is not None:
            assert scopes is not None
            specs = rebuild.affected(specs, self.quick, self.repository, scopes)
            log.info("gongkai: 只重新生成改动涉及的 %d 个页面（%d 个事项有改动）；搜索索引、链接检查和报表在下次完整构建时更新",
                     len(specs), len(self.quick))
        pour = self.config.fast_pages and self.quick is None
        named = link_targets({f.src_uri: f.content_string for f in files.documentation_pages()})
        for spec in specs:
            if files.get_file_from_path(spec.src_uri) is not None:
                raise PluginError(f"docs/{spec.src_uri} 与自动生成的页面重名。请把这个手写页面改名或移到其他文件夹。")
            self.specs[spec.src_uri] = spec
            group = pour_group(spec) if pour else ""
            if group and group in self.prototypes.values():
                self.bulk.append(spec)  # its File is made when it is poured: 10,000 of them held took 8 MB
                continue
            if group:
                self.prototypes[spec.src_uri] = group
            files.append(self._file(spec, config))
        if self.quick is None:  # a quick rebuild leaves these as the last full build wrote them
            with self.clock.stage("feeds, calendars, reports"):
                outputs = in_child(self._write_outputs, config, reports)
                histories = write_histories(self.history, site_dir, config.use_directory_urls)
            self._add_written(files, config, outputs)
            self._add_written(files, config, histories, named=named)
            self._add_api(files, config)
            if self.config.search:
                with self.clock.stage("pagefind"):
                    self.search_head = self._site_bundle(config)
        config.extra["gongkai_search"] = self.search_head
        if self.config.posters:
            with self.clock.stage("posters"):
                planned = plan_posters(self.repository, self.schemas, config.use_directory_urls, self.quick)
                made = write_posters(planned, site_dir, site_url=config.site_url or "", stamp=self.built, schemas=self.schemas)
            self._add_written(files, config, list(made), named=named)
            self.scanned.update(made)
        self.linked = site_page_entries(self.repository)
        for page in self.repository.site_pages.values():
            own = files.get_file_from_path(page.path)
            if page.publishes and own is not None and own.inclusion.is_in_nav():
                own.inclusion = InclusionLevel.NOT_IN_NAV  # reached from the entries it publishes
        if config.nav is None:
            config.nav = self._nav(files)
        self.pages_started = time.perf_counter()
        return files

    def _file(self, spec: PageSpec, config: MkDocsConfig) -> File:
        """The generated page's source as MkDocs sees it: front matter only, the content comes from our templates."""
        assert self.layout is not None
        front = f"---\ntitle: {json.dumps(spec.title, ensure_ascii=False)}\ngongkai_kind: {spec.kind}\nhide: [toc]\n---\n"
        inclusion = InclusionLevel.UNDEFINED if spec.in_nav else InclusionLevel.NOT_IN_NAV
        file = File.generated(config, spec.src_uri, content=front, inclusion=inclusion)
        entry = spec.context.get("entry")
        if entry is not None:
            file.edit_uri = posixpath.relpath((self.layout.root / entry.path).as_posix(), Path(config.docs_dir).as_posix())
        return file

    def _nav(self, files: Files) -> list[Any]:
        """A short list of sections, never the entries, catalogues or domains one by one: material renders the
        whole navigation into every page, so its size multiplies by the number of pages."""
        own = [f.src_uri for f in files.documentation_pages(inclusion=InclusionLevel.is_in_nav) if f.src_uri not in self.specs]
        return [
            {"首页": "index.md"},
            {"目录": CATALOGUES_SRC},
            {"领域": DOMAINS_SRC},
            {"最近更新": "changes/index.md"},
            {"监督": SUPERVISION_SRC},
            {"搜索": "search.md"},
            {"参与维护": [p for p in ("contribute/index.md", FORM_SRC, FIELDS_SRC) if p in own or p in self.specs]},
            *sorted(p for p in own if not p.startswith("contribute/")),
        ]

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled or self.repository is None:
            return html
        if page.file.src_uri in self.specs:
            return ""  # rendered in on_page_context
        options = {"page_url": page.url, "schemas": self.schemas, "directory_urls": config.use_directory_urls}
        linked = self.linked.get(page.file.src_uri)
        if linked:
            pairs = [(e, self.repository.catalogues[e.catalogue]) for e in linked]
            html += render_template("pages/site_page_links.html", entries=pairs, **options)
        if self.config.search:
            self.search_grams.setdefault(searchshards.PAGES, set()).update(searchshards.grams(searchshards.page_text(html)))
        return html

    def _write_outputs(self, config: MkDocsConfig, reports: dict[str, Report]) -> list[str]:
        """The feeds, calendars, reports and form assets, written into the site folder; their site paths."""
        assert self.repository is not None and self.supervision is not None
        site_url = config.site_url or "http://localhost/"
        outputs: dict[str, bytes] = {}
        if self.history.available:
            outputs |= feed_outputs(self.repository, self.history, site_url, config.use_directory_urls)
        texts = [e.title for e in self.repository.entries] + [e.l1 for e in self.repository.entries]
        outputs |= form_assets(self.schemas["entry"].document, texts)
        outputs |= dashboard_files(self.repository, self.supervision, reports, site_url=site_url,
                                   directory_urls=config.use_directory_urls, stamp=self.built)
        for path, content in outputs.items():
            write_site_file(Path(config.site_dir), path, content)
        return list(outputs)

    def _add_downloads(self, files: Files, config: MkDocsConfig) -> None:
        """The downloads, written straight into the site folder (MkDocs then leaves them there). They come before
        the history is read: their writers fork from this process, and a workbook of 10,000 entries grows one by
        25 MB, which on top of the history and the pages was the build's largest process."""
        assert self.repository is not None and self.layout is not None
        with self.clock.stage("downloads"):
            try:
                sizes = write_downloads(self.repository, self.schemas["entry"], Path(config.site_dir), self.built)
            except CellTooLong as exc:
                raise PluginError(f"无法生成 Excel 下载文件，构建已取消：\n{format_text([exc.problem(self.layout.root)])}") from exc
            self.offers = page_offers(self.repository, sizes)
        self._add_written(files, config, list(sizes))

    def _read_history(self, at: str) -> None:
        assert self.layout is not None
        try:
            with self.clock.stage("history"):
                self.history = read_history(self.layout.root, self.schemas["entry"])
        except HistoryError as exc:
            raise PluginError(f"无法读取变更记录，构建已取消：{exc}") from exc
        self.history_at = at
        if self.command == "build":
            gc.freeze()  # the history lives to the end, as the model does

    def _add_api(self, files: Files, config: MkDocsConfig) -> None:
        assert self.repository is not None
        with self.clock.stage("API"):
            sizes = write_api(self.repository, self.history, self.schemas, Path(config.site_dir),
                              site_url=config.site_url or "http://localhost/", directory_urls=config.use_directory_urls,
                              built=self.built)
        self._add_written(files, config, list(sizes))

    @staticmethod
    def _add_written(files: Files, config: MkDocsConfig, paths: list[str], named: set[str] | None = None) -> None:
        """Files the build wrote into the site folder, told to MkDocs: all of them, or only those a hand-written page
        names (`named`), so that its link validation accepts such a link; 10,000 entries' history files and posters
        as MkDocs Files took 15 MB and a second. A hand-written file of the same path would replace ours unseen."""
        site_dir = Path(config.site_dir)
        for path in paths:
            if path in files.src_uris:
                raise PluginError(f"docs/{path} 与自动生成的文件重名。请把这个手写文件改名或移到其他文件夹。")
            if named is None or path in named:
                files.append(File.generated(config, path, abs_src_path=str(site_dir / path)))

    def _render(self, spec: PageSpec, page: Page, config: MkDocsConfig) -> str:
        entry = spec.context.get("entry")
        return render(spec, page_url=page.url, schemas=self.schemas, directory_urls=config.use_directory_urls,
                      edit_url=page.edit_url, repo_url=self._repo_url(config), new_file_url=self._new_file_url(config),
                      today=self.built.date(), check=self.checks.get(entry.id) if entry else None,
                      poster=self._poster(spec, config), downloads=self.offers.get(spec.src_uri, []))

    def _poster(self, spec: PageSpec, config: MkDocsConfig) -> str:
        """The site path of the page's poster, '' for pages without one."""
        if not self.config.posters:
            return ""
        if spec.kind == "entry":
            return entry_poster(spec.context["entry"].id, config.use_directory_urls)
        return catalogue_poster(spec.context["catalogue"].slug) if spec.kind == "catalogue" else ""

    def _for_search(self, spec: PageSpec, content: str, grams: dict[str, set[str]]) -> None:
        if self.config.search:
            grams.setdefault(spec.context["entry"].catalogue, set()).update(searchshards.grams(searchshards.page_text(content)))

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.env, self.files = env, files
        return env

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.nav = nav
        return nav

    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        """A generated page's content, just before the theme renders it: MkDocs reads every page's content before
        it renders any, and held all at once the catalogue and domain tables of 10,000 entries took 22 MB."""
        spec = self.specs.get(page.file.src_uri) if self.config.enabled and self.repository is not None else None
        if spec is None:
            return context
        begin = time.perf_counter()
        page.content = html = self._render(spec, page, config)
        if spec.kind == "entry":
            self._for_search(spec, html, self.search_grams)
        self.clock.add("our templates", time.perf_counter() - begin)
        if page.file.src_uri in self.prototypes:
            self.prototype_content[self.prototypes[page.file.src_uri]] = html
        return context

    def _cut_shell(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        group = self.prototypes.get(page.file.src_uri)
        if group is not None and group in self.prototype_content:
            spec = self.specs[page.file.src_uri]
            self.shells[group] = shell_of(output, self.prototype_content[group], title_tag(spec.title, config.site_name),
                                          canonical_tag(page.canonical_url), page.url)
            if self.shells[group] is None:
                log.info("gongkai: %s 页面按常规方式逐页生成（无法从样板页面切出外壳）", group)
        return output

    @event_priority(-100)
    def _forget_content(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """A generated page's content once every plugin has had its output: MkDocs keeps it on the page to the
        end of the build, and the catalogue and domain pages' tables add up (23 MB of 10,000 entries)."""
        if page.file.src_uri in self.specs:
            page.content = None
        return output

    on_post_page = CombinedEvent(_cut_shell, _forget_content)

    def _pour(self, config: MkDocsConfig) -> None:
        """Write the generated pages the theme did not render, each into the shell cut from its group's prototype."""
        site_dir = Path(config.site_dir)
        urls: dict[str, list[str]] = {}
        poured = [i for i, spec in enumerate(self.bulk) if self.shells.get(pour_group(spec))]
        for spec in self.bulk:
            if self.shells.get(pour_group(spec)) is None:  # the ordinary way, as MkDocs builds any page
                page = Page(spec.title, self._file(spec, config), config)
                mkdocs_build._populate_page(page, config, self.files)
                mkdocs_build._build_page(page, config, self.files.documentation_pages(), self.nav, self.env)
                if page.canonical_url:
                    urls.setdefault(pour_group(spec), []).append(page.canonical_url)
        let_go = self._let_go if self.command == "build" else None
        for done, grams in in_parallel(self._pour_some, poured, config, forked=let_go):  # order kept: the sitemap's
            for index, dest, scan, canonical in done:
                self.scanned[dest] = scan
                if canonical:
                    urls.setdefault(pour_group(self.bulk[index]), []).append(canonical)
            for catalogue, packed in grams.items():
                self.poured_grams.setdefault(catalogue, []).append(packed)
        listed: dict[str, list[str]] = {}
        for src, group in self.prototypes.items():
            prototype = self.files.get_file_from_path(src)
            if prototype is not None and prototype.page is not None and prototype.page.canonical_url:
                listed[prototype.page.canonical_url] = urls.get(group, [])
        add_to_sitemap(site_dir, listed)

    def _pour_some(self, indices: list[int], config: MkDocsConfig) -> list[tuple[list[tuple[int, str, linkcheck.PageScan | linkcheck.PackedScan, str]],
                                                                                  dict[str, searchshards.PackedGrams]]]:
        """Render and write these bulk pages; return what the link check and the sitemap need of each, and what
        the search router needs of them (by catalogue, once for all: a set per page would cost more to return)."""
        site_dir = Path(config.site_dir)
        grams: dict[str, set[str]] = {}
        frames = {group: linkcheck.pack(linkcheck.scan_links_text(shell.head + shell.tail))
                  for group, shell in self.shells.items() if shell}
        done = []
        for index in indices:
            spec = self.bulk[index]
            group = pour_group(spec)
            shell = self.shells[group]
            assert shell is not None
            file = self._file(spec, config)
            page = Page(spec.title, file, config)
            content = self._render(spec, page, config)
            html = shell.fill(content, title_tag(spec.title, config.site_name), canonical_tag(page.canonical_url))
            write_site_file(site_dir, file.dest_uri, html.encode("utf-8", errors="xmlcharrefreplace"))
            if spec.kind == "entry":
                self._for_search(spec, content, grams)
            own, frame = linkcheck.scan_links_text(content), frames[group]
            done.append((index, file.dest_uri, linkcheck.pack(own, shared=frame),
                         page.canonical_url or ""))
        return [(done, {catalogue: searchshards.pack(found) for catalogue, found in grams.items()})]

    def _let_go(self) -> None:
        """What only the pages need (the history, the checks, the reports in the pages' contexts), once the theme
        has rendered its pages and the workers that pour the others have their copy: the poured pages' link scans,
        the search index and the link check then grow into that memory, not beyond it. `mkdocs serve` keeps them
        for its next rebuild."""
        for spec in self.specs.values():
            spec.context.clear()
        self.history, self.supervision, self.checks = NO_HISTORY, None, {}

    def _site_bundle(self, config: MkDocsConfig) -> dict[str, Any]:
        """The site-wide bundle (the script and the WebAssembly), built before the pages so that the search page
        can preload what a first search fetches of it. The tag keeps its entry file's address the same for a
        build (Pagefind otherwise adds the time to it), so that it can be preloaded and cached."""
        try:
            names = search.build_site_bundle(Path(config.site_dir) / "pagefind")
        except search.SearchIndexError as exc:
            raise PluginError(str(exc)) from exc
        tag = self.built.strftime("%Y%m%d%H%M%S")
        return {"tag": tag, "preload": ["pagefind/shards.json", f"pagefind/pagefind-entry.json?ts={tag}",
                                        *(f"pagefind/{name}" for name in names)]}

    def _index_for_search(self, config: MkDocsConfig) -> list[searchshards.Shard]:
        """A bundle per catalogue from its entry pages and one from the hand-written pages of docs/, merged into
        the site-wide bundle (_site_bundle), and the router over them (searchshards)."""
        assert self.repository is not None
        site_dir = Path(config.site_dir)
        bundle = site_dir / "pagefind"
        counts = Counter(e.catalogue for e in self.repository.entries)
        shards = [searchshards.Shard(c.slug, c.name, c.parent, counts[c.slug], f"{c.slug}/")
                  for c in catalogues_in_order(self.repository) if counts[c.slug]]
        glob = searchshards.entry_pages(config.use_directory_urls)
        parts = [search.Part(site_dir / s.slug, glob, bundle / searchshards.SHARDS_DIR / s.slug) for s in shards]
        own = [f.dest_uri for f in self.files.documentation_pages() if f.src_uri not in self.specs]
        if own:
            shards.append(searchshards.Shard(searchshards.PAGES, "网站页面", "", len(own), ""))
            parts.append(search.Part(site_dir, "{" + ",".join(sorted(own)) + "}",
                                     bundle / searchshards.SHARDS_DIR / searchshards.PAGES))
        search.build_parts(parts)
        held = searchshards.write_router(bundle, shards, map(self._grams_of, shards), searchshards.filter_values(self.repository))
        traditional.write_query_map(bundle, [held])
        return shards

    def _grams_of(self, shard: searchshards.Shard) -> set[str]:
        found = set(self.search_grams.get(shard.slug, ()))
        for packed in self.poured_grams.get(shard.slug, ()):
            found.update(searchshards.unpack(packed))
        return found

    @staticmethod
    def _repo_url(config: MkDocsConfig) -> str:
        """Commit and pull-request links, for repositories on GitHub."""
        url = (config.repo_url or "").rstrip("/")
        return url if url.startswith("https://github.com/") else ""

    @staticmethod
    def _new_file_url(config: MkDocsConfig) -> str:
        """GitHub's new-file page for the default branch (from edit_uri, e.g. edit/main/docs/), or '' elsewhere."""
        repo = GongkaiPlugin._repo_url(config)
        parts = (config.edit_uri or "").strip("/").split("/")
        return f"{repo}/new/{parts[1]}/" if repo and len(parts) >= 2 and parts[0] == "edit" else ""

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        self.clock.add("theme and pages", time.perf_counter() - self.pages_started)
        if self.bulk:
            with self.clock.stage("entry pages into the shell"):
                self._pour(config)
        if self.command == "build":
            self._let_go()  # here too where nothing was poured
        self.bulk.clear()
        if self.config.search and self.quick is None:
            try:
                with self.clock.stage("pagefind"):
                    shards = self._index_for_search(config)
            except search.SearchIndexError as exc:
                raise PluginError(str(exc)) from exc
            log.info("gongkai: 搜索索引 %d 份（每个目录一份，网站页面一份），共 %d 个页面", len(shards), sum(s.entries for s in shards))
        if self.config.check_links and self.quick is None:
            with self.clock.stage("link check"):
                site = linkcheck.Site.read(Path(config.site_dir), urlsplit(config.site_url or "/").path or "/", links_only=True,
                                           known=self.scanned)
                broken = linkcheck.broken_links(site)
            if broken:
                listed = "\n".join(b.text() for b in broken[:50]) + (f"\n……另有 {len(broken) - 50} 个" if len(broken) > 50 else "")
                raise PluginError(f"网站中有 {len(broken)} 个站内链接失效，构建已取消：\n{listed}\n"
                                  "请修改链接，或补上它指向的页面、文件或锚点，然后重新构建。")
        links = site_links(Path(config.site_dir)) if self.quick is None else []  # a quick rebuild publishes nothing
        if links:
            raise PluginError(f"网站中有符号链接，不能发布，构建已取消：{'、'.join(links[:20])}。请删除 docs/ 或主题中的符号链接。")
        if self.final_site:
            publish(Path(config.site_dir), Path(self.final_site))
            log.info("gongkai: 全部检查通过，网站已写入 %s", self.final_site)
        self.previous = self.repository
        log.info("gongkai: 用时 %s", "，".join(self.clock.lines()))
        self.clock.write(os.environ.get("GONGKAI_TIMINGS"))

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build leaves the previous site as it was; the half-built one goes."""
        if self.final_site:
            log.error("gongkai: 构建失败，%s 保持原样", self.final_site)
            shutil.rmtree(staging_dir(self.final_site), ignore_errors=True)

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
        """Rebuild when a department edits data or schema, not only docs/."""
        if self.config.enabled and self.layout is not None:
            server.watch(str(self.layout.data))
            server.watch(str(self.layout.schema))
        return server


def staging_dir(site_dir: str) -> str:
    return site_dir.rstrip("/\\") + ".building"


def publish(staging: Path, final: Path) -> None:
    """Put the checked site where it was asked for, replacing the old one only now."""
    previous = final.with_name(final.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        os.replace(final, previous)
    os.replace(staging, final)
    shutil.rmtree(previous, ignore_errors=True)
