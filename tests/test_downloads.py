"""Downloads of the built site: every catalogue and domain page offers its entries as .xlsx, .csv and .json,
the catalogue list the whole dataset as a zip; each file reads back into the entries of the data files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import ENTRY, ENTRY_PATH, PROJECT, Repo, mkdocs_build
from gongkai.downloads import BUNDLE, _Work, catalogue_download, domain_download, size_text, write_downloads
from gongkai.loader import parse_text
from gongkai.model import Entry, Repository
from gongkai.paths import Layout
from gongkai.schema import load_schemas
from gongkai.sheet_export import entry_data, json_record, sort_key
from gongkai.validate import validate

HREF = re.compile(r'<a href="([^"]+)" download>([^<]+)</a>（([^）]+)）')


@pytest.fixture(scope="module")
def sample() -> Repository:
    result = validate(Layout(PROJECT))
    assert result.repository is not None
    return result.repository


def in_order(repo: Repository, entries: list[Entry] | tuple[Entry, ...]) -> list[str]:
    return [e.id for e in sorted(entries, key=sort_key(repo))]


def file_data(entry_id: str) -> dict:
    """The entry as its YAML file in the data repository holds it."""
    rel = f"data/catalogues/{entry_id}.yml"
    data, problems, _ = parse_text((PROJECT / rel).read_text(encoding="utf-8"), rel)
    assert data is not None and not problems
    return data


def offered(page: Path) -> dict[str, tuple[Path, str]]:
    """The page's download links: label -> (the file, the size shown)."""
    html = page.read_text(encoding="utf-8")
    return {label: ((page.parent / href).resolve(), size) for href, label, size in HREF.findall(html)}


def test_catalogue_and_domain_pages_link_their_three_files_with_sizes(sample_site: Path, sample: Repository) -> None:
    pages = [(sample_site / slug / "index.html", lambda fmt, s=slug: catalogue_download(s, fmt)) for slug in sample.catalogues]
    pages += [(sample_site / "domains" / slug / "index.html", lambda fmt, s=slug: domain_download(s, fmt)) for slug in sample.domains]
    for page, path_of in pages:
        links = offered(page)
        assert list(links) == ["Excel（.xlsx）", "CSV", "JSON"], page
        for fmt, (target, size) in zip(("xlsx", "csv", "json"), links.values(), strict=True):
            assert target == (sample_site / path_of(fmt)).resolve()
            assert size == size_text(target.stat().st_size)
    bundle = offered(sample_site / "mulu" / "index.html")
    assert [t for t, _ in bundle.values()] == [(sample_site / BUNDLE).resolve()]


def test_json_downloads_hold_the_entries_of_the_data_files(sample_site: Path, sample: Repository) -> None:
    for slug in sample.catalogues:
        document = json.loads((sample_site / catalogue_download(slug, "json")).read_text(encoding="utf-8"))
        assert (document["format"], document["version"]) == ("gongkai-entries", 1)
        mine = [e for e in sample.entries if e.catalogue == slug]
        assert [e["id"] for e in document["entries"]] == in_order(sample, mine)
        for item in document["entries"]:
            assert item["data"] == file_data(item["id"])
    for slug in sample.domains:
        document = json.loads((sample_site / domain_download(slug, "json")).read_text(encoding="utf-8"))
        assert sorted(e["id"] for e in document["entries"]) == sorted(e.id for e in sample.entries if e.domain == slug)


def test_csv_downloads_have_a_bom_and_one_row_per_entry(sample_site: Path, sample: Repository) -> None:
    for slug in sample.catalogues:
        raw = (sample_site / catalogue_download(slug, "csv")).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        header, *rows = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
        assert header[:3] == ["序号", "一级事项", "二级事项"]
        ids = [row[header.index("事项编号")] for row in rows]
        assert ids == in_order(sample, [e for e in sample.entries if e.catalogue == slug])
        titles = {e.id: e.title for e in sample.entries}
        assert [row[2] for row in rows] == [titles[i] for i in ids]


def test_downloads_are_what_gongkai_export_writes(sample_site: Path, sample: Repository, gongkai, tmp_path: Path) -> None:
    slug = next(iter(sample.catalogues))
    domain = next(iter(sample.domains))
    for fmt in ("csv", "json"):
        out = tmp_path / f"c.{fmt}"
        assert gongkai(PROJECT, "export", "--catalogue", slug, "-o", str(out)).code == 0
        assert out.read_bytes() == (sample_site / catalogue_download(slug, fmt)).read_bytes()
        out = tmp_path / f"d.{fmt}"
        assert gongkai(PROJECT, "export", "--domain", domain, "-o", str(out)).code == 0
        assert out.read_bytes() == (sample_site / domain_download(domain, fmt)).read_bytes()
    out = tmp_path / "d.xlsx"
    assert gongkai(PROJECT, "export", "--domain", domain, "-o", str(out)).code == 0
    ours, theirs = openpyxl.load_workbook(sample_site / domain_download(domain, "xlsx")), openpyxl.load_workbook(out)
    assert ours.sheetnames == theirs.sheetnames
    for a, b in zip(ours.worksheets, theirs.worksheets, strict=True):
        assert [[c.value for c in row] for row in a.iter_rows()] == [[c.value for c in row] for row in b.iter_rows()]
        assert sorted(map(str, a.merged_cells.ranges)) == sorted(map(str, b.merged_cells.ranges))
        assert [(c.font.b, c.alignment.horizontal, c.alignment.wrap_text, c.fill.fgColor.rgb) for row in a.iter_rows() for c in row] == \
            [(c.font.b, c.alignment.horizontal, c.alignment.wrap_text, c.fill.fgColor.rgb) for row in b.iter_rows() for c in row]


def test_xlsx_download_imports_back_into_the_same_entries(sample_site: Path, sample: Repository, gongkai, tmp_path: Path) -> None:
    slug = "shili-xian"
    book = openpyxl.load_workbook(sample_site / catalogue_download(slug, "xlsx"))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[2]]
    ids = [row[header.index("事项编号")] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert ids == in_order(sample, [e for e in sample.entries if e.catalogue == slug])
    root = tmp_path / "fresh"
    for name in ("schema", "docs", "data/domains"):
        shutil.copytree(PROJECT / name, root / name)
    for catalogue in (PROJECT / "data" / "catalogues").glob("*/catalogue.yml"):
        target = root / "data" / "catalogues" / catalogue.parent.name / "catalogue.yml"
        target.parent.mkdir(parents=True)
        shutil.copy(catalogue, target)
    imported = gongkai(root, "import-xlsx", str(sample_site / catalogue_download(slug, "xlsx")), "--catalogue", slug)
    assert imported.code == 0, imported.out
    result = validate(Layout(root))
    assert result.repository is not None
    got = {e.id: e for e in result.repository.entries}
    expected = {e.id: e for e in sample.entries if e.catalogue == slug}
    assert sorted(got) == sorted(expected)
    assert [i for i in expected if got[i] != expected[i]] == []


def test_bundle_holds_the_whole_dataset(sample_site: Path, sample: Repository) -> None:
    with zipfile.ZipFile(sample_site / BUNDLE) as bundle:
        assert bundle.namelist() == ["quanbu.xlsx", "quanbu.csv", "quanbu.json"]
        assert bundle.testzip() is None
        document = json.loads(bundle.read("quanbu.json"))
        csv_text = bundle.read("quanbu.csv")
        book = openpyxl.load_workbook(io.BytesIO(bundle.read("quanbu.xlsx")))
    assert [e["id"] for e in document["entries"]] == in_order(sample, sample.entries)
    assert {e["id"]: e["data"] for e in document["entries"]} == {e.id: entry_data(e) for e in sample.entries}
    assert csv_text.startswith(b"\xef\xbb\xbf") and len(list(csv.reader(io.StringIO(csv_text.decode("utf-8-sig"))))) == len(sample.entries) + 1
    names = {c.name for c in sample.catalogues.values()}
    assert set(book.sheetnames) == names | {"填写说明"}
    rows = sum(ws.max_row - 3 for ws in book.worksheets if ws.title != "填写说明")
    assert rows == len(sample.entries)


def test_a_workbook_excel_would_call_damaged_stops_the_build(site_repo: Repo, tmp_path: Path) -> None:
    """An entry with more published documents than an Excel cell holds (32,767 characters of JSON): the build names
    it and stops, with the site folder left as it was, rather than publish a workbook Excel repairs by cutting it."""
    items = "".join(f"  - title: 示例县{n}号{'城乡最低生活保障标准调整通知' * 6}\n    url: https://www.shilixian.example/{n}.html\n"
                    f"    date: 2024-03-01\n" for n in range(300))
    site_repo.write(ENTRY_PATH, ENTRY.split("published:\n")[0] + "published:\n" + items)
    site = tmp_path / "site"
    proc = mkdocs_build(site_repo.root / "mkdocs.yml", site)
    assert proc.returncode == 1 and not site.exists()
    line = ENTRY.split("published:\n")[0].count("\n") + 1
    assert "无法生成 Excel 下载文件" in proc.stderr and f"{ENTRY_PATH}:{line}:1: 字段 published:" in proc.stderr, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def test_two_builds_at_the_same_pinned_time_write_the_same_workbooks(sample: Repository, tmp_path: Path) -> None:
    """A workbook's properties carry the build's time, not the clock's: the nightly job republishes only what changed."""
    schema = load_schemas(PROJECT / "schema")["entry"]
    stamp = dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    first, second = tmp_path / "first", tmp_path / "second"
    sizes = write_downloads(sample, schema, first, stamp)
    time.sleep(1.1)  # the clock's second moves on between the two
    assert write_downloads(sample, schema, second, stamp) == sizes
    workbooks = [path for path in sizes if path.endswith((".xlsx", ".zip"))]
    assert len(workbooks) > 2
    for path in workbooks:
        assert (first / path).read_bytes() == (second / path).read_bytes(), path
    with zipfile.ZipFile(first / workbooks[1]) as book:
        assert b"2024-03-01T00:30:00Z" in book.read("docProps/core.xml")


@pytest.mark.parametrize("parallel_from", ["1", "1000000"])
def test_the_entries_worked_out_for_the_downloads_wait_in_files_not_in_memory(sample: Repository, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch,
                                                                              parallel_from: str) -> None:
    """Each entry's JSON text and cells are worked out once for every file that lists it; held in the build's own
    memory while the writers ran, they were the largest part of its peak."""
    monkeypatch.setenv("GONGKAI_PARALLEL_FROM", parallel_from)  # forked workers, and the same work in this process
    work = _Work(sample, load_schemas(PROJECT / "schema")["entry"], tmp_path / "site", dt.datetime(2024, 3, 1))
    texts = sum(len(json_record(e).encode("utf-8")) for e in sample.entries)
    tracemalloc.start()
    try:
        work.prepare(tmp_path)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    try:
        assert held < texts, (held, texts)  # held, the texts alone took more than their size in UTF-8
        assert sum(p.stat().st_size for p in tmp_path.iterdir() if p.is_file()) > texts
        for entry in sample.entries:
            assert work.record(entry) == json_record(entry)
            assert work.cells(entry) == work.rows.values(entry)
        assert work.rows.known == {}
    finally:
        work.close()
