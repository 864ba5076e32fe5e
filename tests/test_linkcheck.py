"""`gongkai check-links` and `gongkai check-markup` on small hand-made sites and on the built sample site."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import PROJECT, Repo
from gongkai import linkcheck
from gongkai.linkcheck import Site, broken_links, markup_problems

THEME_HEAD = '<head><title>{title}</title><script>__md_scope=new URL("{up}",location)</script></head>'
"""Like mkdocs-material: an inline script on every page, whose string literal differs with the page's depth."""


def page(body: str, title: str = "页面", up: str = ".") -> str:
    return (f"<!doctype html><html>{THEME_HEAD.format(title=title, up=up)}<body>"
            f'<article class="md-content__inner md-typeset">{body}</article></body></html>')


def write_site(root: Path, pages: dict[str, str]) -> Path:
    for rel, text in pages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site served under /base/: one broken link, one broken #fragment, one broken resource and
    one broken site-absolute link among good relative, site-absolute and external ones."""
    return write_site(tmp_path / "site", {
        "sitemap.xml": "<urlset><url><loc>https://example.org/base/</loc></url>"
                       "<url><loc>https://example.org/base/about/</loc></url></urlset>",
        "img/logo.png": "png",
        "index.html": page("""
            <p id="local">本页</p>
            <a href="about/">好的相对链接</a>
            <a href="about/#team">好的锚点</a>
            <a href="about/#nope">坏的锚点</a>
            <a href="missing/">坏的链接</a>
            <a href="/base/about/">好的站内绝对链接</a>
            <a href="/base/gone.css">坏的站内绝对链接</a>
            <a href="https://example.org/elsewhere/">站外链接</a>
            <a href="mailto:office@example.org">邮件</a>
            <a href="#local">本页锚点</a><a href="#top">顶部</a><a href="#">空锚点</a>
            <a href="about/?q=1">带查询</a>
            <img src="img/logo.png" alt=""><img src="img/logo.png?v=2" alt="">
            <script src="js/app.js"></script>
        """),
        "about/index.html": page("""
            <h2 id="team">团队</h2>
            <a href="../">首页</a><a href="../index.html#local">首页锚点</a><a href="../img/logo.png">图</a>
            <a href="../%E5%85%B3%E4%BA%8E/">编码的中文路径</a>
        """, up=".."),
        "关于/index.html": page("<p>中文文件夹</p>", up=".."),
    })


def test_reports_exactly_the_broken_links(gongkai, repo: Repo, site: Path) -> None:
    result = gongkai(repo.root, "check-links", str(site))
    assert result.code == 1
    assert result.lines == [
        "index.html: 链接 /base/gone.css 指向的 gone.css 不存在",
        "index.html: 链接 about/#nope 指向的 about/index.html#nope 不存在",
        "index.html: 链接 js/app.js 指向的 js/app.js 不存在",
        "index.html: 链接 missing/ 指向的 missing/ 不存在",
    ]
    assert "共 4 个站内链接失效" in result.err


def test_site_absolute_links_follow_the_base_path(site: Path) -> None:
    assert Site.read(site).base_path == "/base/"  # from sitemap.xml
    (site / "sitemap.xml").unlink()
    assert Site.read(site).base_path == "/"
    hrefs = {b.href for b in broken_links(Site.read(site))}
    assert {"/base/about/", "/base/gone.css"} <= hrefs  # served from / now, so /base/ is outside the site
    assert {b.href for b in broken_links(Site.read(site, "base"))} == {"/base/gone.css", "about/#nope", "js/app.js", "missing/"}


def test_links_outside_the_site_are_broken(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"index.html": page('<a href="../../etc/passwd">上面</a><a href="/other/">别处</a>')})
    assert [(b.href, b.target) for b in broken_links(Site.read(root))] == [
        ("../../etc/passwd", "/../../etc/passwd"), ("/other/", "other/")]


def test_a_form_sending_to_a_missing_page_is_broken(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"index.html": page('<form action="search/"><input name="q"></form>'
                                                             '<form action="search.html"></form><form action=""></form>'),
                                          "search.html": page("搜索")})
    assert [(b.href, b.target) for b in broken_links(Site.read(root))] == [("search/", "search/")]


def test_clean_site_passes(gongkai, repo: Repo, tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"index.html": page('<a href="sub/">下级</a>'),
                                          "sub/index.html": page('<a href="..">上级</a>', up="..")})
    for command in ("check-links", "check-markup"):
        result = gongkai(repo.root, command, str(root))
        assert (result.code, result.out, result.err) == (0, "", ""), command


def test_missing_site_folder(gongkai, repo: Repo, tmp_path: Path) -> None:
    result = gongkai(repo.root, "check-links", str(tmp_path / "nowhere"))
    assert result.code == 2 and "mkdocs build --strict" in result.err


def test_markup_from_entry_text_is_reported(gongkai, repo: Repo, tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {
        "index.html": page("<p>干净的页面</p>"),
        "a/index.html": page('<p>公开内容</p><script>alert(1)</script><img src="x.png" onerror="alert(2)">', up=".."),
        "b/index.html": page('<a href="javascript:alert(3)">链接</a><iframe src="https://example.org/"></iframe>'
                             '<a href=" java&#9;script:alert(4)">藏起来的</a><script src="https://evil.example/x.js"></script>',
                             up=".."),
        "c/index.html": page("<p>标题跑出了 title</p>", title="</title><b>粗体</b><title>", up=".."),
        "d/index.html": page('<script type="application/json">{"inert": true}</script>', up=".."),
    })
    result = gongkai(repo.root, "check-markup", str(root))
    assert result.code == 1
    assert result.lines == [
        "a/index.html: <img> 带有事件处理属性 onerror",
        "a/index.html: 出现了不属于网站主题的脚本（开头：alert(1)）",
        "a/index.html: 正文中出现了 <script> 标签",
        "b/index.html: <a> 的 href 属性是可执行的链接（javascript:alert(3)…）",
        "b/index.html: <a> 的 href 属性是可执行的链接（javascript:alert(4)…）",
        "b/index.html: 出现了不属于网站主题的脚本（开头：src=https://evil.example/x.js）",
        "b/index.html: 正文中出现了 <iframe> 标签",
        "c/index.html: <head> 中出现了 <b> 标签（标题或描述中的文字可能变成了网页代码）",
        "d/index.html: 正文中出现了 <script> 标签",
    ]
    assert "共 9 处可疑的网页代码" in result.err


def test_many_pages_give_the_same_answer(monkeypatch: pytest.MonkeyPatch, site: Path) -> None:
    """Large sites are scanned by several processes; the result must not depend on that."""
    one_by_one = broken_links(Site.read(site))
    monkeypatch.setattr(linkcheck, "PARALLEL_FROM", 1)
    assert broken_links(Site.read(site)) == one_by_one


def test_scans_kept_packed_give_the_same_answer(site: Path) -> None:
    """The build keeps the scans of the pages it wrote packed, with their shell's links and ids shared."""
    read = Site.read(site, links_only=True)
    expected = broken_links(read)
    assert any("#nope" in b.target for b in expected) and any(b.target == "missing/" for b in expected)
    assert all(isinstance(scan, linkcheck.PackedScan) for scan in read.pages.values())
    followed = [href for scan in read.pages.values() for href in scan.link_list()]
    assert "https://example.org/elsewhere/" in Site.read(site).pages["index.html"].links
    assert followed and not any(linkcheck.is_external(href) for href in followed), "links to other sites are not kept"
    unpacked = {rel: linkcheck.PageScan(ids=scan.id_set(), links=scan.link_list()) for rel, scan in read.pages.items()}
    assert broken_links(Site.read(site, known=unpacked)) == expected
    halves = {}
    for rel, scan in unpacked.items():
        links, ids = scan.links, sorted(scan.ids)
        shell = linkcheck.pack(linkcheck.PageScan(ids=set(ids[::2]), links=links[:len(links) // 2]))
        halves[rel] = linkcheck.pack(linkcheck.PageScan(ids=set(ids[1::2]), links=links[len(links) // 2:]), shared=shell)
        assert sorted(halves[rel].link_list()) == sorted(links) and halves[rel].id_set() == scan.ids
        assert all(halves[rel].has_id(i) and scan.has_id(i) for i in ids)
        assert not any(s.has_id(name) for s in (halves[rel], scan) for name in ("nope", "", ids[0][:-1] if ids else "x"))
    assert broken_links(Site.read(site, known=halves)) == expected


def test_a_scan_that_would_not_split_back_stays_as_it_is() -> None:
    odd = linkcheck.PageScan(ids={"a\0b"}, links=["x\0y", "z"])
    assert linkcheck.pack(odd) is odd
    shell = linkcheck.pack(linkcheck.PageScan(ids={"top"}, links=["../"]))
    kept = linkcheck.pack(odd, shared=shell)
    assert (kept.link_list(), kept.id_set()) == (["../", "x\0y", "z"], {"top", "a\0b"})


def test_sample_site_has_no_broken_internal_links(gongkai, sample_site: Path) -> None:
    result = gongkai(PROJECT, "check-links", str(sample_site))
    assert (result.code, result.out) == (0, ""), result.out


def test_sample_site_has_no_markup_from_entry_text(gongkai, sample_site: Path) -> None:
    site = Site.read(sample_site)
    assert len(site.pages) > 100 and site.base_path != "/"  # the real thing: many pages, served under a path
    assert markup_problems(site) == []
    result = gongkai(PROJECT, "check-markup", str(sample_site))
    assert (result.code, result.out) == (0, ""), result.out


def test_the_fast_link_scan_reads_what_the_parser_reads(sample_site: Path, tmp_path: Path) -> None:
    """scan_links (regular expressions, every build) against scan_page (the HTML parser) on every page of the
    sample site, and on a page written to trip regular expressions up."""
    from gongkai.linkcheck import scan_links, scan_page

    tricky = tmp_path / "tricky.html"
    tricky.write_text("""<!doctype html><html><head><title>a <a href="no-title"></title>
<script>var s = '<a href="no-script">';</script><style>a[href="no-style"]{}</style></head>
<body><!-- <a href="no-comment"> --><p>href="no-text" id="no-text"</p>
<a HREF='single' id=unquoted name="anchor">x</a><img src="a.png" srcset="b.png 1x, c.png 2x" alt="&lt;a href=&quot;x&quot;&gt;">
<a href="q?a=1&amp;b=2" data-id="not-an-id">y</a><textarea><a href="no-textarea"></textarea><video poster="p.jpg"></video>
</body></html>""", encoding="utf-8")
    for page in sorted(sample_site.rglob("*.html")):
        fast, full = scan_links(page), scan_page(page)
        assert (sorted(fast.links), fast.ids) == (sorted(full.links), full.ids), page
    fast, full = scan_links(tricky), scan_page(tricky)
    assert sorted(fast.links) == ["a.png", "b.png", "c.png", "p.jpg", "q?a=1&b=2", "single"]
    assert fast.ids == {"unquoted", "anchor"}
    # Python's parser reads tags inside <title> and <textarea>, which browsers show as text; the fast scan does not
    assert set(full.links) - set(fast.links) == {"no-title", "no-textarea"}


def test_pages_outside_the_theme_do_not_decide_what_the_theme_scripts_are(gongkai, repo: Repo, tmp_path: Path) -> None:
    """A standalone page (a poster) carries none of the theme's scripts: those stay the theme's on its pages,
    while an inline script on the standalone page is reported."""
    root = write_site(tmp_path / "site", {
        "index.html": page("<p>主题页面</p>"),
        "a/index.html": page("<p>另一页</p>", up=".."),
        "poster.html": '<!doctype html><html><head><title>海报</title><script src="assets/p.js"></script></head>'
                       "<body><main>海报</main></body></html>",
        "bad-poster.html": "<!doctype html><html><head><title>海报</title></head><body><script>alert(1)</script></body></html>",
    })
    result = gongkai(repo.root, "check-markup", str(root))
    assert result.lines == ["bad-poster.html: 出现了不属于网站主题的脚本（开头：alert(1)）"]
