"""`gongkai export`: entries -> the standard catalogue sheet (.xlsx, .csv) or a versioned JSON list.

The sheet is what departments know: the national sample table's columns in the official order,
channels as a ■/□ checklist over the whole vocabulary, √ columns for 公开对象/公开方式/公开层级,
公开依据 as numbered lines. Columns at the right carry what that layout cannot hold (the entry's
file, the structured time limit, the published documents), so `gongkai import-xlsx` reads an
exported file back into the very same entries.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import IO, Any

from .excel import (
    CHECKED,
    EXIT_OK,
    EXIT_PROBLEMS,
    FORMULA_START,
    JSON_FORMAT,
    JSON_VERSION,
    TICK,
    UNCHECKED,
    XLSX_OPTIONS,
    References,
    SheetColumn,
    channel_text,
    channel_vocabulary,
    find_catalogue,
    find_domain,
    format_basis,
    standard_columns,
    usage_error,
    write_cell,
)
from .files import file_mode
from .model import Catalogue, Domain, Entry, Repository
from .paths import Layout
from .positions import Positions
from .problems import Problem, format_text
from .schema import Schema, load_schemas
from .validate import validate

FORMATS = ("xlsx", "csv", "json")
INSTRUCTIONS_SHEET = "填写说明"


def entry_data(entry: Entry) -> dict[str, Any]:
    """The entry as its file holds it (schema field order, optional fields only when set)."""
    data: dict[str, Any] = {"l1": entry.l1, "title": entry.title}
    if entry.l3:
        data["l3"] = entry.l3
    data["content"] = entry.content
    data["basis"] = [{k: v for k, v in (("title", b.title), ("number", b.number), ("articles", b.articles)) if v}
                     for b in entry.basis]
    data["time_limit"] = time_limit_data(entry)
    data["subject"] = entry.subject
    data["channels"] = list(entry.channels)
    if entry.channels_other:
        data["channels_other"] = list(entry.channels_other)
    data["audience"] = entry.audience
    if entry.audience_detail:
        data["audience_detail"] = entry.audience_detail
    data["mode"] = entry.mode
    data["level"] = list(entry.level)
    if entry.published:
        data["published"] = [{k: v for k, v in (("title", p.title), ("url", p.url), ("date", p.date), ("page", p.page),
                                                ("event_date", p.event_date)) if v}
                             for p in entry.published]
    if entry.pending:
        data["pending"] = [{"title": p.title, "event_date": p.event_date} for p in entry.pending]
    if entry.note:
        data["note"] = entry.note
    return data


def time_limit_data(entry: Entry) -> dict[str, Any]:
    limit = entry.time_limit
    clauses = [{f.name: getattr(c, f.name) for f in fields(c) if getattr(c, f.name) not in ("", None)}
               for c in limit.clauses]
    data: dict[str, Any] = {"text": limit.text}
    if clauses:
        data["clauses"] = clauses
    if limit.law_may_override:
        data["law_may_override"] = True
    return data


def _cell_lines(text: str) -> str:
    """Long fields end with a line break in their files; a cell does not need it (import puts it back)."""
    return text[:-1] if text.endswith("\n") else text


def row_values(entry: Entry, columns: list[SheetColumn], repo: Repository, vocabulary: list[str], number: int) -> list[Any]:
    data = entry_data(entry)
    values: dict[str, Callable[[], Any]] = {
        "seq": lambda: number,
        "l1": lambda: entry.l1,
        "title": lambda: entry.title,
        "content": lambda: _cell_lines(entry.content),
        "basis": lambda: format_basis(data["basis"]),
        "time_limit": lambda: _cell_lines(entry.time_limit.text),
        "subject": lambda: entry.subject,
        "channels": lambda: channel_text(entry.channels, entry.channels_other, vocabulary),
        "domain": lambda: repo.domains[entry.domain].name,
        "id": lambda: entry.id,
        "l3": lambda: entry.l3,
        "channels_other": lambda: "\n".join(entry.channels_other) if "其他" in entry.channels else "",
        "time_json": lambda: json.dumps(data["time_limit"], ensure_ascii=False),
        "published_json": lambda: json.dumps(data["published"], ensure_ascii=False) if entry.published else "",
        "pending_json": lambda: json.dumps(data["pending"], ensure_ascii=False) if entry.pending else "",
        "note": lambda: _cell_lines(entry.note),
    }
    out: list[Any] = []
    for column in columns:
        if column.key == "audience":
            chosen = entry.audience == column.option
            out.append((entry.audience_detail or TICK) if chosen and column.option == "特定群体" else TICK if chosen else "")
        elif column.key == "mode":
            out.append(TICK if entry.mode == column.option else "")
        elif column.key == "level":
            out.append(TICK if column.option in entry.level else "")
        else:
            out.append(values[column.key]())
    return out


class SheetRows:
    """The standard layout's cells of each entry, worked out once however many files list it (the site offers
    every entry in its catalogue's, its domain's and the whole dataset's sheets)."""

    def __init__(self, columns: list[SheetColumn], repo: Repository, vocabulary: list[str],
                 cells: Callable[[Entry], list[Any]] | None = None) -> None:
        self.columns, self.repo, self.vocabulary = columns, repo, vocabulary
        self._seq = next((i for i, c in enumerate(columns) if c.key == "seq"), None)
        self.known: dict[str, list[Any]] = {}
        """Entry id -> its cells (序号 0)."""
        self._cells = cells or self._remembered
        """Where an entry's cells come from: remembered here, or worked out beforehand and kept elsewhere."""

    def values(self, entry: Entry) -> list[Any]:
        """The entry's cells, 序号 0."""
        return row_values(entry, self.columns, self.repo, self.vocabulary, 0)

    def _remembered(self, entry: Entry) -> list[Any]:
        cached = self.known.get(entry.id)
        if cached is None:
            cached = self.known[entry.id] = self.values(entry)
        return cached

    def row(self, entry: Entry, number: int) -> list[Any]:
        cached = self._cells(entry)
        if self._seq is None:
            return cached
        return [*cached[: self._seq], number, *cached[self._seq + 1:]]


def sort_key(repo: Repository) -> Callable[[Entry], tuple[Any, ...]]:
    """County before its townships, domains in their official order, first-level items in the guideline's order."""

    def key(entry: Entry) -> tuple[Any, ...]:
        domain = repo.domains[entry.domain]
        l1_order = [item.l1 for item in domain.standard_items]
        position = l1_order.index(entry.l1) if entry.l1 in l1_order else len(l1_order)
        return entry.catalogue, domain.order, domain.slug, position, entry.l1, entry.id

    return key


# ---------------------------------------------------------------- writers


def sheet_groups(repo: Repository, entries: list[Entry], catalogue: Catalogue | None) -> list[tuple[Catalogue, list[Entry]]]:
    """The workbook's sheets: the catalogue's, or one per catalogue that has any of `entries` (at least one sheet)."""
    shown = [catalogue] if catalogue else sorted(repo.catalogues.values(), key=lambda c: c.slug)
    by_catalogue: dict[str, list[Entry]] = {c.slug: [] for c in shown}
    for entry in entries:
        if entry.catalogue in by_catalogue:
            by_catalogue[entry.catalogue].append(entry)
    groups = [(c, by_catalogue[c.slug]) for c in shown]
    return [g for g in groups if g[1]] or groups[:1]


def _write_atomic(out: Path, write: Callable[[Path], None]) -> None:
    """Write next to the target and rename over it, so a failed export never leaves half a file."""
    handle, name = tempfile.mkstemp(dir=out.parent, prefix=".gongkai-", suffix=out.suffix)
    os.close(handle)
    try:
        write(Path(name))
        os.chmod(name, file_mode(out))
        os.replace(name, out)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts, unlike every name before it (Excel compares them regardless of case)."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "目录"
    clean, n = clean[:31], 2
    candidate = clean
    while candidate.casefold() in taken:
        suffix = f"（{n}）"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


EXCEL_CELL_CHARS = 32767
"""The most characters an Excel cell holds: Excel calls a file with a longer one damaged, and cuts it."""


_FIELD_OF_COLUMN = {"time_json": "time_limit", "published_json": "published", "pending_json": "pending"}
"""The entry field a JSON column of the sheet holds; the other columns are named after their field."""


class CellTooLong(ValueError):
    """An entry's field is longer than an Excel cell can hold. Its arguments are plain, so that it crosses from a
    forked worker; `problem` says where in the file, in Chinese."""

    def __init__(self, path: str, column: str, label: str, length: int) -> None:
        super().__init__(path, column, label, length)
        self.path, self.field, self.label, self.length = path, _FIELD_OF_COLUMN.get(column, column), label, length

    def problem(self, root: Path) -> Problem:
        """The finding, at the line of the field in the entry's file under `root`."""
        try:
            line, column = Positions((root / self.path).read_text(encoding="utf-8")).at((self.field,))
        except OSError:
            line, column = 1, 1
        return Problem(self.path, line, column, self.field,
                       f"“{self.label}”有 {self.length} 个字符，超过 Excel 一个单元格最多 {EXCEL_CELL_CHARS} 个字符的限制，"
                       "写进表格后 Excel 会说文件已损坏并截断内容。请精简这一项（已公开的文件很多时，可以只保留栏目页面的链接），"
                       "或改用 CSV、JSON 格式导出。")


def write_xlsx(target: Path | IO[bytes], groups: list[tuple[Catalogue, list[Entry]]], rows: SheetRows,
               domain: Domain | None, created: dt.datetime | None = None) -> None:
    """The standard sheet, with XlsxWriter: 2.5 times faster than openpyxl at it and the files 40% smaller (its
    shared strings), with every value written as what it is, so that text such as '=1+1' never becomes a formula.
    `created` (the build's time) goes into the file's properties instead of the clock's, so that two builds of the
    same data at the same pinned time give the same bytes."""
    import xlsxwriter

    columns, vocabulary = rows.columns, rows.vocabulary
    book = xlsxwriter.Workbook(target, XLSX_OPTIONS)
    if created is not None:
        book.set_properties({"created": created.astimezone(dt.UTC).replace(tzinfo=None)})
    first_extra = next(i for i, c in enumerate(columns) if c.key == "domain")
    header = [book.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                               "bg_color": "#EDEDED" if col >= first_extra else "#DDEBF7"}) for col in range(len(columns))]
    title_format = book.add_format({"bold": True, "font_size": 14})
    centred = [bool(c.option) or col == 0 for col, c in enumerate(columns)]
    cell_formats = {(centre, quoted): book.add_format({"text_wrap": True, "quote_prefix": quoted,
                                                       **({"align": "center", "valign": "vcenter"} if centre else {"valign": "top"})})
                    for centre in (False, True) for quoted in (False, True)}
    formats = [(cell_formats[(centre, False)], cell_formats[(centre, True)]) for centre in centred]
    last = len(columns) - 1
    taken: set[str] = set()
    for catalogue, entries in groups:
        ws = book.add_worksheet(_sheet_name(catalogue.name, taken))
        ws.set_row(0, 28)
        ws.merge_range(0, 0, 0, last, catalogue.name + (f"（{domain.name}领域）" if domain else ""), title_format)
        _write_header(ws, columns, header)
        for col, column in enumerate(columns):
            ws.set_column(col, col, _WIDTHS.get(column.key, 6 if column.option else 14))
        for number, entry in enumerate(entries, 1):
            row = number + HEADER_ROWS - 1
            for col, value in enumerate(rows.row(entry, number)):
                if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
                    raise CellTooLong(entry.path, columns[col].key, columns[col].label, len(value))
                write_cell(ws, row, col, value, *formats[col])
        ws.freeze_panes(HEADER_ROWS, 3)
    instructions = book.add_worksheet(INSTRUCTIONS_SHEET)
    instructions.set_column(0, 0, 120)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for row, line in enumerate(_instructions(columns, vocabulary)):
        instructions.write_string(row, 0, line, wrap)
    book.close()


HEADER_ROWS = 3
"""The title row and the two header rows above the entries."""


def _write_header(ws: Any, columns: list[SheetColumn], formats: list[Any]) -> None:
    """The two header rows: a group's label over its columns' own, a column without a group over both rows."""
    index = 0
    while index < len(columns):
        column = columns[index]
        span = 1
        while column.group and index + span < len(columns) and columns[index + span].group == column.group:
            span += 1
        if not column.group:
            ws.merge_range(1, index, 2, index, column.label, formats[index])
        elif span == 1:
            ws.write_string(1, index, column.group, formats[index])
            ws.write_string(2, index, column.label, formats[index])
        else:
            ws.merge_range(1, index, 1, index + span - 1, column.group, formats[index])
            for offset in range(span):
                ws.write_string(2, index + offset, columns[index + offset].label, formats[index + offset])
        index += span


def xlsx_bytes(groups: list[tuple[Catalogue, list[Entry]]], rows: SheetRows, domain: Domain | None,
               created: dt.datetime | None = None) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, groups, rows, domain, created)
    return buffer.getvalue()


_WIDTHS = {"seq": 6, "l1": 14, "title": 18, "content": 40, "basis": 40, "time_limit": 24, "subject": 16, "channels": 36,
           "domain": 12, "id": 36, "l3": 14, "channels_other": 20, "time_json": 30, "published_json": 30,
           "pending_json": 30, "note": 24}


def _instructions(columns: list[SheetColumn], vocabulary: list[str]) -> list[str]:
    extras = "、".join(c.label for c in columns if c.key in ("domain", "id", "l3", "channels_other", "time_json",
                                                                  "published_json", "pending_json", "note"))
    return [
        "本表由 gongkai export 导出，修改后可用 gongkai import-xlsx 导回（导回时不读取本工作表）。",
        "每一行是一个公开事项。一级事项、二级事项、公开内容、公开依据、公开时限、公开主体必须填写；同一领域内二级事项不能重名。",
        f"公开渠道和载体：在渠道名前写 {CHECKED} 表示选中、{UNCHECKED} 表示不选。可选的渠道：{'、'.join(vocabulary)}。"
        f"选“其他”时写成“{CHECKED}其他：具体渠道”，或在右侧“其他渠道”列每行写一个。",
        f"公开对象、公开方式、公开层级：在相应的列打 {TICK}，公开对象和公开方式各只能选一个；公开对象为特定群体时，"
        "在“特定群体”列直接写明是哪些人（例如“申请人”）。",
        "公开依据：每行一个文件，写成“1.《文件名称》（文号）第…条”。",
        f"右侧灰色的列（{extras}）用于原样导回："
        "“事项编号”是事项文件的位置，请不要修改，新增的事项请留空；“时限结构（JSON）”和“已公开内容（JSON）”请不要手工修改，"
        "修改公开时限原文后会自动重新识别。",
    ]


def write_csv(path: Path, entries: list[Entry], rows: SheetRows) -> None:
    with path.open("wb") as out:
        write_csv_to(out, entries, rows)


def write_csv_to(out: IO[bytes], entries: list[Entry], rows: SheetRows) -> None:
    """One header row of the sub-labels (全社会, 主动, 县级…), UTF-8 with a byte-order mark, row by row into `out`.

    Excel decodes a CSV without a BOM with the system code page (GBK on Chinese Windows) and garbles
    UTF-8 text; with the BOM it reads UTF-8. Cells Excel would run as formulas get a leading '.
    """
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([c.label for c in rows.columns])
    for number, entry in enumerate(entries, 1):
        writer.writerow([guard(v) if isinstance(v, str) else v for v in rows.row(entry, number)])
    text.flush()
    text.detach()


def guard(text: str) -> str:
    """A leading ' keeps Excel from running a cell as a formula; import removes it again."""
    return "'" + text if text.startswith((*FORMULA_START, "'", "\t", "\r")) else text


def write_json(path: Path, entries: list[Entry]) -> None:
    with path.open("wb") as out:
        write_json_to(out, entries)


def json_record(entry: Entry) -> str:
    """One entry of the JSON list as `write_json_to` indents it: the same text in every file that lists the entry."""
    record = {"id": entry.id, "catalogue": entry.catalogue, "domain": entry.domain, "slug": entry.slug, "data": entry_data(entry)}
    return "    " + json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n    ")


def write_json_to(out: IO[bytes], entries: list[Entry], record: Callable[[Entry], str] = json_record) -> None:
    """The versioned list, indented as json.dumps(indent=2) would, from each entry's own text (`record` may
    remember them; with an indent, json.dumps runs in pure Python, slowly), entry by entry into `out`: the
    whole list of a province would be held several times over while it was joined and encoded."""
    head = json.dumps({"format": JSON_FORMAT, "version": JSON_VERSION, "entries": []}, ensure_ascii=False, indent=2)
    if not entries:
        out.write((head + "\n").encode("utf-8"))
        return
    out.write((head.removesuffix("[]\n}") + "[\n").encode("utf-8"))
    for number, entry in enumerate(entries):
        out.write(((",\n" if number else "") + record(entry)).encode("utf-8"))
    out.write(b"\n  ]\n}\n")


# ---------------------------------------------------------------- command


def run_export(args: argparse.Namespace, layout: Layout) -> int:
    out: Path = args.output
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        return usage_error(f"无法从输出文件名 {out} 判断格式。请加上 --format xlsx、--format csv 或 --format json。")
    if not out.parent.is_dir():
        return usage_error(f"输出文件夹 {out.parent} 不存在。请先创建它，或换一个输出路径。")
    if out.is_dir():
        return usage_error(f"{out} 是一个文件夹。请写出输出文件名，例如 {out / ('目录.' + fmt)}。")
    result = validate(layout)
    if result.repository is None:
        print(format_text(result.problems))
        print("仓库中有数据错误，未导出。请先按上面的提示修正（可运行 gongkai validate 查看），再导出。")
        return EXIT_PROBLEMS
    repo = result.repository
    schemas = load_schemas(layout.schema)
    refs = References(schemas, repo.domains, repo.catalogues, ())
    catalogue: Catalogue | None = None
    domain: Domain | None = None
    if args.catalogue:
        found = find_catalogue(refs, args.catalogue)
        if isinstance(found, str):
            return usage_error(found)
        catalogue = found
    if args.domain:
        found_domain = find_domain(refs, args.domain)
        if isinstance(found_domain, str):
            return usage_error(found_domain)
        domain = found_domain
    entries = sorted((e for e in repo.entries
                      if (catalogue is None or e.catalogue == catalogue.slug) and (domain is None or e.domain == domain.slug)),
                     key=sort_key(repo))
    schema: Schema = schemas["entry"]
    rows = SheetRows(standard_columns(schema), repo, channel_vocabulary(schema))
    if fmt == "json":
        _write_atomic(out, lambda path: write_json(path, entries))
    elif fmt == "csv":
        _write_atomic(out, lambda path: write_csv(path, entries, rows))
    else:
        groups = sheet_groups(repo, entries, catalogue)
        try:
            _write_atomic(out, lambda path: write_xlsx(path, groups, rows, domain))
        except CellTooLong as exc:
            print(format_text([exc.problem(layout.root)]))
            print("未导出。")
            return EXIT_PROBLEMS
    where = f"目录“{catalogue.name}”" if catalogue else "全部目录"
    print(f"已导出{where}{f'“{domain.name}”领域' if domain else ''}的 {len(entries)} 个事项到 {out}。")
    if not entries:
        print("没有符合条件的事项，导出的文件只有表头。")
    return EXIT_OK

