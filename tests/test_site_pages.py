"""The generated site: every page exists, links go both ways, department text stays text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ENTRY, ENTRY_PATH, PROJECT, Repo, build_watched, mkdocs_build
from gongkai.paths import Layout
from gongkai.sitepages import link_targets
from gongkai.validate import validate


@pytest.fixture(scope="module")
def model():
    repository = validate(Layout(PROJECT)).repository
    assert repository is not None
    return repository


def html(site: Path, url: str) -> str:
    path = site / url / "index.html"
    assert path.is_file(), f"missing page /{url}"
    return path.read_text(encoding="utf-8")


def test_every_domain_catalogue_and_entry_has_a_page(sample_site: Path, model) -> None:
    assert "政务公开事项标准目录" in html(sample_site, "")
    assert "搜索公开事项" in html(sample_site, "search")
    for slug, domain in model.domains.items():
        assert f"<h1>{domain.name}</h1>" in html(sample_site, f"domains/{slug}")
    for slug, catalogue in model.catalogues.items():
        assert f"<h1>{catalogue.name}</h1>" in html(sample_site, slug)
    for entry in model.entries:
        page = html(sample_site, entry.id)
        assert f">{entry.title}</h1>" in page
        assert entry.subject in page


def test_home_lists_domains_with_counts_and_catalogues_by_level(sample_site: Path, model) -> None:
    page = html(sample_site, "")
    assert page.count('href="domains/') >= 26
    assert "财政预决算</a> <span class=\"gk-count\">" in page
    county = page.index("示例县政务公开事项标准目录</a>")
    assert county < page.index("示例县东湖镇政务公开事项标准目录</a>")
    assert "最近更新" in page


def test_catalogue_page_is_one_table_per_domain_in_official_column_order(sample_site: Path) -> None:
    page = html(sample_site, "shili-xian")
    headers = re.findall(r'<th scope="col">(.+?)</th>', page.split('<table class="gk-table">')[1])
    assert headers == ["序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
                       "公开渠道和载体", "公开对象", "公开方式", "公开层级"]
    assert page.index('id="zhongda-jianshe-xiangmu"') < page.index('id="caizheng-yujuesuan"')
    assert 'data-label="公开时限"' in page


def test_entry_page_shows_labels_links_breadcrumbs_and_edit_link(sample_site: Path) -> None:
    page = html(sample_site, "shili-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang")
    for label in ("一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
                  "公开对象", "公开方式", "公开层级", "已公开内容"):
        assert f">{label}<" in page
    crumbs = page.split('class="gk-breadcrumbs"')[1].split("</nav>")[0]
    assert re.findall(r">([^<>]+)</(?:a|span)>", crumbs) == ["首页", "示例县政务公开事项标准目录", "社会救助", "最低生活保障"]
    published = page.split('id="gk-published-title"')[1]
    dates = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', published)
    assert dates == sorted(dates, reverse=True) and len(dates) >= 3
    assert 'href="https://github.com/shili-xian/gongkai-data/edit/main/data/catalogues/shili-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang.yml"' in page


def test_site_pages_and_entries_link_both_ways(sample_site: Path) -> None:
    entry = html(sample_site, "shili-xian/caizheng-yujuesuan/zhengfu-yusuan")
    assert 'href="../../../policies/2024-yusuan-jiedu/"' in entry
    assert "引用本事项的页面" in entry
    policy = html(sample_site, "policies/2024-yusuan-jiedu")
    assert "本页公开的事项" in policy
    assert 'href="../../shili-xian/caizheng-yujuesuan/zhengfu-yusuan/"' in policy
    linked = html(sample_site, "shili-xian/caizheng-yujuesuan/zhengce-jiedu")
    assert 'href="../../../policies/2024-yusuan-jiedu/"' in linked


def test_navigation_is_a_short_list_of_sections(sample_site: Path, model) -> None:
    """Material renders the whole navigation into every page: it lists sections, never domains, catalogues or entries."""
    page = html(sample_site, "")
    nav = page.split('class="md-nav md-nav--primary"')[1].split('class="md-content"')[0]
    links = [link for link in re.findall(r'href="([^"]+)"', nav) if not link.startswith("https://")]
    assert len(links) <= 20
    assert {"mulu/", "domains/", "jiandu/", "search/", "changes/"} <= set(links)
    assert not any(f"{d}/" in link or link.endswith(f"{d}/") for d in model.domains for link in links)
    catalogues = html(sample_site, "mulu")
    assert all(f'href="../{slug}/"' in catalogues for slug in model.catalogues)
    domains = html(sample_site, "domains")
    assert all(f'href="{slug}/"' in domains for slug in model.domains)


def test_search_index_covers_entries_with_filters(sample_site: Path, model) -> None:
    catalogues = [b for b in (sample_site / "pagefind" / "c").iterdir() if b.name in model.catalogues]
    entries = [json.loads((b / "pagefind-entry.json").read_text()) for b in [sample_site / "pagefind", *catalogues]]
    assert {e["version"] for e in entries} == {"1.6.0"}
    pages = sum(language["page_count"] for e in entries[1:] for language in e["languages"].values())
    assert pages == len(model.entries)
    page = html(sample_site, "shili-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang")
    for name in ("领域", "目录", "公开层级", "公开方式", "公开对象", "公开主体"):
        assert f'data-pagefind-filter="{name}"' in page
    assert "data-pagefind-body" not in html(sample_site, "shili-xian")


def test_a_site_page_publishing_a_missing_entry_fails_the_build(site_repo: Repo, tmp_path: Path) -> None:
    site_repo.write("docs/policies/p.md", "---\ntitle: 解读\npublishes:\n  - test-xian/shehui-jiuzhu/dibao\n---\n# 解读\n")
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0
    assert "docs/policies/p.md:4:5: 字段 publishes[0]（公开的事项）: 事项“test-xian/shehui-jiuzhu/dibao”不存在" in proc.stderr
    assert "data/catalogues/test-xian/shehui-jiuzhu/dibao.yml" in proc.stderr
    assert "你是不是想写“test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang”" in proc.stderr


def test_an_entry_linking_a_missing_site_page_fails_the_build(site_repo: Repo, tmp_path: Path) -> None:
    site_repo.write(ENTRY_PATH, ENTRY + "  - page: policies/nope.md\n")
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0
    assert f"{ENTRY_PATH}:28:5: 字段 published[1].page（本站页面）: 本站页面“docs/policies/nope.md”不存在" in proc.stderr


HOSTILE = "<script>alert(1)</script>{{ 7*7 }}[链接](javascript:alert(1))&amp;"


def test_department_text_is_escaped_everywhere(site_repo: Repo, tmp_path: Path) -> None:
    site_repo.write(ENTRY_PATH, ENTRY.replace("title: 最低生活保障", f'title: "{HOSTILE}"')
                    .replace("subject: 县民政局", f'subject: "{HOSTILE}"')
                    .replace("  2.申请条件、办理流程。", f"  {HOSTILE}"))
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    for url in ("test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang", "test-xian", "domains/shehui-jiuzhu"):
        page = html(tmp_path / "site", url)
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}[链接](javascript:alert(1))&amp;amp;" in page
        assert "49" not in re.sub(r"\d{3,}", "", page.split("md-content")[1])
    title = re.search(r"<title>(.*?)</title>", html(tmp_path / "site", "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang"), re.S)
    assert title and "&lt;script&gt;" in title.group(1)


def test_url_stays_when_the_title_changes(site_repo: Repo, tmp_path: Path) -> None:
    site_repo.write(ENTRY_PATH, ENTRY.replace("title: 最低生活保障", "title: 城乡最低生活保障"))
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    assert "城乡最低生活保障</h1>" in html(tmp_path / "site", "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang")


def test_a_docs_page_colliding_with_a_generated_page_fails(site_repo: Repo, tmp_path: Path) -> None:
    site_repo.write("docs/index.md", "# 首页\n")
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0
    assert "docs/index.md 与自动生成的页面重名" in proc.stderr


OWN_FILES = "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang/"


def test_a_hand_written_page_may_link_to_an_entrys_poster_and_history_file(site_repo: Repo, tmp_path: Path) -> None:
    """MkDocs is told of the history files and posters a hand-written page names, and of no others."""
    site_repo.write("docs/about.md", f"# 关于\n\n[海报]({OWN_FILES}poster.html)、[变更记录](./{OWN_FILES}history.json#top)\n")
    code = ("import json, sys\n"
            "from mkdocs.commands.build import build\n"
            "from mkdocs.config import load_config\n"
            "config = load_config(sys.argv[1], site_dir=sys.argv[2], strict=True)\n"
            "build(config)\n"
            "print(json.dumps(sorted(f.src_uri for f in config.plugins['gongkai'].files\n"
            "                        if f.src_uri.endswith(('history.json', 'poster.html')))))\n")
    told = build_watched(code, site_repo.root / "mkdocs.yml", tmp_path / "site")[-1]
    assert told == [f"{OWN_FILES}history.json", f"{OWN_FILES}poster.html"]
    assert (tmp_path / "site/test-xian/poster.html").is_file(), "the catalogue's poster is written, not told to MkDocs"

    site_repo.write("docs/about.md", f"# 关于\n\n[海报]({OWN_FILES}no-poster.html)\n")
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0 and "no-poster.html" in proc.stderr, "MkDocs checks such links"


def test_a_docs_file_colliding_with_a_generated_file_fails(site_repo: Repo, tmp_path: Path) -> None:
    site_repo.write(f"docs/{OWN_FILES}history.json", "{}\n")
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0
    assert f"docs/{OWN_FILES}history.json 与自动生成的文件重名" in proc.stderr


def test_link_targets_are_read_loosely_from_the_markdown() -> None:
    targets = link_targets({"guide/page.md": "见[海报](../a/poster.html#top)、<img src=\"/b/%E5%9B%BE.png?v=1\">和 [x]: c.json"})
    assert {"a/poster.html", "b/图.png", "guide/c.json"} <= targets
    assert "a/poster.html#top" not in targets and "guide/../a/poster.html" not in targets


def test_field_reference_is_generated_from_the_schema(sample_site: Path) -> None:
    from gongkai.schema import load_schemas

    page = html(sample_site, "contribute/fields")
    schemas = load_schemas(PROJECT / "schema")
    for kind in ("entry", "catalogue", "domain"):
        schema = schemas[kind]
        for name, label in schema.field_names(()).items():
            assert f"<code>{name}</code> {label}" in page, (kind, name)
    for clause_kind, label in schemas["entry"].at(("time_limit", "clauses", 0, "kind"))["x-enum-labels"].items():
        assert f"<code>{clause_kind}</code>（{label}）" in page
    assert "本站内容更新于" in html(sample_site, "")


def test_a_time_limit_without_clauses_shows_its_wording_and_says_so(site_repo: Repo, tmp_path: Path) -> None:
    unread = ENTRY.split("  clauses:")[0] + "subject:" + ENTRY.split("\nsubject:")[1]
    site_repo.write(ENTRY_PATH, unread.replace("制定或获取信息之日起10个工作日内", "根据上级部署适时公开"))
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    page = html(tmp_path / "site", "test-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang")
    assert "<p>根据上级部署适时公开</p>" in page
    assert "时限尚未结构化" in page
    assert "gk-clauses" not in page


def test_a_broken_internal_link_fails_the_build(site_repo: Repo, tmp_path: Path) -> None:
    site_repo.write("docs/about.md", '# 关于\n\n<a href="../shehui-jiuzhu/">社会救助</a> <a href="#nowhere">锚点</a>\n')
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode != 0
    assert "网站中有 2 个站内链接失效，构建已取消" in proc.stderr
    assert "about/index.html: 链接 ../shehui-jiuzhu/ 指向的 shehui-jiuzhu/ 不存在" in proc.stderr
    assert "about/index.html: 链接 #nowhere 指向的 about/index.html#nowhere 不存在" in proc.stderr


def test_data_warnings_are_shown_but_do_not_fail_a_strict_build(site_repo: Repo, tmp_path: Path) -> None:
    """A warning (plain http on a government site, a zero-width space) is for the department to fix, not a broken site."""
    site_repo.write(ENTRY_PATH, ENTRY.replace("url: https://www.shilixian.example/zwgk/2024/dibao.html",
                                              "url: http://www.shilixian.gov.cn/zwgk/2024/dibao.html")
                    .replace("title: 最低生活保障", "title: 最低\u200b生活保障"))
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    assert "警告：政府网站应使用 https" in proc.stderr and "零宽字符" in proc.stderr


def test_the_changes_pager_links_the_ends_and_the_neighbours_only() -> None:
    """A province's history has thousands of pages of changes: each links to a dozen of them, not to all."""
    from gongkai.pages import pager

    assert pager(1, 1) == [1]
    assert pager(3, 5) == [1, 2, 3, 4, 5]
    assert pager(50, 1000) == [1, None, 47, 48, 49, 50, 51, 52, 53, None, 1000]
    assert pager(1000, 1000) == [1, None, 997, 998, 999, 1000]
    assert all(len(pager(n, 5000)) <= 11 for n in range(1, 5001, 97))
