"""sitemap.xml lists every catalogue, domain and entry page (entries are partly poured outside MkDocs' page
loop, fastpages.add_to_sitemap adds them), and none of the download or API files."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from conftest import PROJECT
from gongkai.pages import catalogue_src, domain_src, entry_src, url_of
from gongkai.paths import Layout
from gongkai.validate import validate

SITE_URL = "https://shili-xian.github.io/gongkai-data/"
LOC = re.compile(r"<loc>([^<]*)</loc>")


def test_sitemap_lists_every_catalogue_domain_and_entry_page_and_no_data_file(sample_site: Path) -> None:
    repo = validate(Layout(PROJECT)).repository
    assert repo is not None
    text = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    locs = LOC.findall(text)
    assert len(locs) == len(set(locs))
    expected = [catalogue_src(s) for s in repo.catalogues] + [domain_src(s) for s in repo.domains] + [entry_src(e) for e in repo.entries]
    missing = [src for src in expected if SITE_URL + url_of(src) not in locs]
    assert missing == []
    assert [loc for loc in locs if "/downloads/" in loc or "/api/" in loc or not loc.endswith("/")] == []
    assert all((sample_site / loc.removeprefix(SITE_URL) / "index.html").is_file() for loc in locs)
    assert gzip.decompress((sample_site / "sitemap.xml.gz").read_bytes()).decode("utf-8") == text
