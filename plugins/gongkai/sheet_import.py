"""`gongkai import-xlsx`: the rows of a catalogue sheet -> checked entry files, updated in place, never duplicated.

Reads the layouts real county and township sheets use: one or two header rows (公开对象 over
全社会|特定群体), labels in their variants, merged cells, 同上, ■/□ channel lists and √ columns in
their glyph variants (▲, R/£, 口), numbered 公开依据. Also reads what `gongkai export` writes
(.xlsx, .csv, .json), including its extra columns, so an exported catalogue imports back unchanged.

Every row is checked with the same schema and rules as `gongkai validate` before anything is
written, and any row error writes nothing unless --write-good-rows. Nothing is guessed: a
公开时限 the parser cannot read is kept verbatim, marked for review and reported.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any

from .clock import china_today
from .excel import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXTRA_LABELS,
    FORMULA_START,
    JSON_FORMAT,
    JSON_VERSION,
    ChannelReading,
    Channels,
    References,
    channel_vocabulary,
    find_catalogue,
    find_domain,
    format_basis,
    mark_state,
    norm,
    read_basis,
    read_channel_text,
    read_references,
    usage_error,
)
from .files import write_atomic
from .loader import SourceDoc, load, parse_text
from .model import Catalogue, Domain, Entry, entry_from
from .paths import DATA_SUFFIX, SLUG_RE, Layout, Place, place_of, slugify
from .problems import Problem, Severity
from .rules import entry_rules
from .schema import Schema
from .schema_errors import field_name, translate
from .textrules import nfc_if_safe
from .timelimits import Ditto, parse_time_limit
from .yamltext import carry_comments, dump_document

ROW_FIELD = "（整行）"
HEADER_SEARCH_ROWS = 30
MAX_ROWS = 20000

# ---------------------------------------------------------------- cell text


def cell_text(value: Any) -> str:
    """A cell as clean text: Excel line breaks as \\n, no control characters, no surrounding blanks."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate({0x0B: "\n", 0x0C: "\n", 0x2028: "\n", 0x2029: "\n", 0x09: " "})
    text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]", "", text)
    return nfc_if_safe("\n".join(line.rstrip() for line in text.strip().split("\n")))  # Mac Excel writes é as e + ◌́


def long_text(text: str) -> str:
    """House style for long fields: several lines end with a line break (they are written as `|` blocks)."""
    return text + "\n" if "\n" in text else text


def short_text(text: str) -> str:
    """A name on one line: line breaks inside a cell are only wrapping."""
    return "".join(line.strip() for line in text.split("\n"))


def subject_text(text: str) -> str:
    """公开主体 on one line: a cell listing one body per line becomes a 、-separated list."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    out = ""
    for line in lines:
        out += line if not out or out[-1] in "、，,；;" else f"、{line}"
    return out


_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")


def bare(text: str) -> str:
    """A header label without its bracketed notes: 公开内容（要素） -> 公开内容, 特定群体(请写明) -> 特定群体."""
    label, previous = norm(text), None
    while label != previous:
        previous, label = label, _BRACKETED.sub("", label)
    return label.strip(":：*※.、")


# ---------------------------------------------------------------- labels

MAIN_LABELS = {
    "序号": "seq",
    "一级事项": "l1", "一级目录": "l1", "一级": "l1", "一级公开事项": "l1", "一级事项名称": "l1", "公开事项一级": "l1",
    "二级事项": "title", "二级目录": "title", "二级": "title", "二级公开事项": "title", "二级事项名称": "title",
    "事项名称": "title", "公开事项名称": "title", "公开事项二级": "title",
    "三级事项": "l3", "三级目录": "l3", "三级": "l3",
    "公开事项": "item_group",
    "公开内容": "content", "公开要素": "content", "公开内容要素": "content", "公开内容及要求": "content",
    "公开依据": "basis", "公开依据文件": "basis", "依据": "basis", "政策依据": "basis",
    "公开时限": "time_limit", "时限": "time_limit",
    "公开主体": "subject", "责任主体": "subject", "公开责任主体": "subject", "公开责任单位": "subject", "责任单位": "subject",
    "公开渠道和载体": "channels", "公开渠道及载体": "channels", "公开渠道与载体": "channels", "公开渠道": "channels",
    "公开载体": "channels", "渠道和载体": "channels", "公开渠道载体": "channels",
    "公开对象": "audience", "公开方式": "mode", "公开层级": "level",
    "领域": "domain", "相应领域": "domain", "所属领域": "domain", "公开领域": "domain", "试点领域": "domain",
    "事项编号": "id", "时限结构": "time_json", "已公开内容": "published_json", "待公开信息": "pending_json",
    "其他渠道": "channels_other",
    "特定群体说明": "audience_detail", "备注": "note",
}
"""Header labels seen in real catalogues (after `bare`), and the field each column holds."""
MAIN_LABELS |= {bare(label): key for key, label in EXTRA_LABELS.items()}

GROUPS = ("item_group", "channels", "audience", "mode", "level")
"""Headers that may stand over a row of sub-headers (one column per choice)."""

AUDIENCE_LABELS = {"全社会": "全社会", "社会公众": "全社会", "公众": "全社会", "特定群体": "特定群体",
                   "特定群众": "特定群体", "特定对象": "特定群体", "特定人群": "特定群体"}
MODE_LABELS = {"主动": "主动", "主动公开": "主动", "依申请": "依申请", "依申请公开": "依申请"}

PLACEHOLDERS = ("/", "／", "\\", "-", "—", "——")
"""What sheets put in an optional cell that has nothing to say."""

DITTO = re.compile(r"^[（(]?\s*同上\s*[)）]?[。.]?$")
"""A cell that means "as the row above"."""


def main_kind(label: str) -> str | None:
    """The field a header label stands for, allowing notes after it (公开渠道和载体■表示必选项)."""
    key = bare(label)
    if not key:
        return None
    if key in MAIN_LABELS:
        return MAIN_LABELS[key]
    prefixes = [k for k in MAIN_LABELS if len(k) >= 2 and key.startswith(k)]
    return MAIN_LABELS[max(prefixes, key=len)] if prefixes else None


def choice(table: dict[str, str], label: str) -> str | None:
    key = bare(label)
    if key in table:
        return table[key]
    prefixes = [k for k in table if key.startswith(k)]
    return table[max(prefixes, key=len)] if prefixes else None


def level_of(label: str) -> tuple[str, int] | None:
    """(schema level, preference) for a level header: 县级/区级/市级 mean the county tier, 乡级/镇(街)级/乡、村级 the township."""
    text = norm(label)
    if not text.endswith("级") or len(text) > 9 or bare(text) == "公开层级":
        return None
    if any(ch in text for ch in "乡镇街"):
        return "乡级", 0
    if any(word in text for word in ("村", "嘎查", "社区", "州", "省")):
        return None
    if any(ch in text for ch in "县区旗"):
        return "县级", 0
    if "市" in text:
        return "县级", 1
    return None


# ---------------------------------------------------------------- grids


@dataclass
class Grid:
    """One sheet as text: rows[i][j] is Excel row i+1, column j+1, with merged cells filled in."""

    name: str
    rows: list[list[str]]


class SheetError(Exception):
    """The file cannot be read at all: a usage error, said in Chinese."""


def read_xlsx(path: Path, only: str | None) -> list[Grid]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise SheetError(f"无法作为 Excel 文件打开 {path}（{type(exc).__name__}）。请确认它是 .xlsx 文件；"
                         "旧的 .xls 文件请先在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）。") from exc
    sheets = [ws for ws in book.worksheets if hasattr(ws, "merged_cells")]
    if only is not None:
        chosen = [ws for ws in sheets if ws.title == only or ws.title.strip() == only.strip()]
        if not chosen:
            names = "、".join(f"“{ws.title}”" for ws in sheets)
            raise SheetError(f"{path} 中没有名为“{only}”的工作表。已有的工作表：{names}。")
        sheets = chosen
    grids = []
    for ws in sheets:
        # openpyxl keeps only the cells that exist in `_cells`; walking the whole used range instead
        # would create millions of empty cells for a sheet formatted down to row 1048576.
        cells = [(r, c, cell.value) for (r, c), cell in ws._cells.items() if cell.value is not None and r <= MAX_ROWS]
        height = max((r for r, _, _ in cells), default=0)
        width = max((c for _, c, _ in cells), default=0)
        rows = [[""] * width for _ in range(height)]
        for r, c, value in cells:
            rows[r - 1][c - 1] = cell_text(value)
        for merged in ws.merged_cells.ranges:
            top, left = merged.min_row, merged.min_col
            if top > height or left > width:
                continue
            value = rows[top - 1][left - 1]
            for r in range(top, min(merged.max_row, height) + 1):
                for c in range(left, min(merged.max_col, width) + 1):
                    rows[r - 1][c - 1] = value
        grids.append(Grid(ws.title, rows))
    return grids


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), or GB18030, which Chinese Excel uses when it saves CSV."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(f"{path} 既不是 UTF-8 也不是 GBK 编码的文本，无法读取。请在 Excel 中另存为“CSV UTF-8”。")


def read_csv(path: Path) -> Grid:
    text = decode(path.read_bytes(), path)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise SheetError(f"{path} 不是有效的 CSV 文件（{exc}）。") from exc
    return Grid("", [[cell_text(unguard(cell)) for cell in record] for record in records[:MAX_ROWS]])


def unguard(cell: str) -> str:
    """Undo export's formula guard: a leading ' before = + - @ or ' is not part of the value."""
    if cell.startswith("'") and cell[1:2] and cell[1] in (*FORMULA_START, "'", "\t", "\r"):
        return cell[1:]
    return cell


# ---------------------------------------------------------------- header


@dataclass(frozen=True)
class Col:
    """What one column holds: a field (key), and for one-column-per-choice layouts the choice it ticks."""

    index: int
    key: str
    option: str = ""
    label: str = ""


@dataclass
class Header:
    """The header rows of a sheet (0-based, inclusive) and what each column holds."""

    first: int
    last: int
    columns: list[Col]
    ignored: list[str]
    duplicates: list[str]

    def of(self, key: str) -> list[Col]:
        return [c for c in self.columns if c.key == key]


def find_header(grid: Grid, channels: Channels) -> Header | None:
    """The first row naming at least three fields (one of them the item's name), and its sub-header row if any."""
    for r, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        kinds = {main_kind(cell) for cell in row if cell} - {None}
        if len(kinds) >= 3 and kinds & {"title", "l1", "item_group"}:
            below = grid.rows[r + 1] if r + 1 < len(grid.rows) else []
            top = _inherit_groups(row)
            if below and _is_sub_row(top, below, channels):
                return _columns(r, r + 1, top, below, channels)
            return _columns(r, r, row, [], channels)
    return None


def _inherit_groups(row: list[str]) -> list[str]:
    """An empty header cell right of a group header belongs to the group (an unmerged group header)."""
    out: list[str] = []
    for cell in row:
        previous = out[-1] if out else ""
        out.append(cell or (previous if main_kind(previous) in GROUPS else ""))
    return out


def _is_label(text: str, group: str | None, channels: Channels) -> bool:
    if group == "channels" and len(text) <= 40 and "\n" not in text.strip():
        return True
    return bool(main_kind(text) or choice(AUDIENCE_LABELS, text) or choice(MODE_LABELS, text) or level_of(text)
                or channels.value(text))


def _is_sub_row(top: list[str], below: list[str], channels: Channels) -> bool:
    """Sub-headers: every cell is a label or repeats the header above (vertically merged), and one is new."""
    informative = False
    for above, cell in zip_longest(top, below, fillvalue=""):
        if not cell or cell == above:
            continue
        if not _is_label(cell, main_kind(above), channels):
            return False
        informative = True
    return informative


def _columns(first: int, last: int, top: list[str], sub: list[str], channels: Channels) -> Header:
    columns: list[Col] = []
    ignored: list[str] = []
    for index, (above, below) in enumerate(zip_longest(top, sub, fillvalue="")):
        label = below if below and below != above else ""
        group = main_kind(above)
        column = _classify(index, label, group, channels) if label else _classify_single(index, above, channels)
        if column is None:
            if (label or above).strip():
                ignored.append((label or above).replace("\n", ""))
            continue
        columns.append(column)
    kept: list[Col] = []
    duplicates: list[str] = []
    for column in columns:
        same = next((k for k in kept if (k.key, k.option) == (column.key, column.option)), None)
        if same is None or (column.key == "channels" and column.option == "其他"):  # each unknown channel has its column
            kept.append(column)
        elif column.key == "level" and _preference(column) < _preference(same):
            kept[kept.index(same)] = column  # 市级/县级/乡级: the 县级 column is the county's, 市级 is above it
        elif column.key != "level":
            duplicates.append(column.label)
    kept.sort(key=lambda c: c.index)
    return Header(first, last, kept, ignored, duplicates)


def _preference(column: Col) -> int:
    level = level_of(column.label)
    return level[1] if level else 9


def _classify(index: int, label: str, group: str | None, channels: Channels) -> Col | None:
    """A sub-header under a group header."""
    kind = main_kind(label)
    if kind and kind not in GROUPS and group in (None, "item_group"):
        return Col(index, kind, label=label)
    if group == "audience" or (group is None and choice(AUDIENCE_LABELS, label)):
        option = choice(AUDIENCE_LABELS, label)
        return Col(index, "audience", option, label) if option else None
    if group == "mode" or (group is None and choice(MODE_LABELS, label)):
        option = choice(MODE_LABELS, label)
        return Col(index, "mode", option, label) if option else None
    if group == "level" or (group is None and level_of(label)):
        level = level_of(label)
        return Col(index, "level", level[0], label) if level else None
    if group == "channels":
        return Col(index, "channels", channels.value(label) or "其他", label)
    if kind and kind not in GROUPS:
        return Col(index, kind, label=label)
    return _classify_single(index, label, channels)


def _classify_single(index: int, label: str, channels: Channels) -> Col | None:
    """A header with nothing under it: a field, or (one header row) a choice such as 全社会 or 县级."""
    kind = main_kind(label)
    if kind == "item_group":
        return None
    if kind:
        return Col(index, kind, label=label)
    for key, table in (("audience", AUDIENCE_LABELS), ("mode", MODE_LABELS)):
        option = choice(table, label)
        if option:
            return Col(index, key, option, label)
    level = level_of(label)
    if level:
        return Col(index, "level", level[0], label)
    value = channels.value(label)
    if value:
        return Col(index, "channels", value, label)
    return None


# ---------------------------------------------------------------- cell readers


def read_audience_text(text: str) -> tuple[str | None, str, str]:
    """(公开对象, 特定群体说明, error) from a text cell: 全社会 / 特定群体（申请人） / 申请人."""
    t = text.strip()
    everyone = "全社会" in t or bare(t) in ("社会公众", "公众")
    group = re.match(r"^(?:特定群体|特定群众|特定对象|特定人群)\s*(?:[（(]\s*(?:请写明)?\s*[:：]?(.*?)[)）]|[:：]\s*(.*))?\s*$", t, re.S)
    if everyone and ("特定" in t):
        return None, "", "同时写了“全社会”和“特定群体”，只能选一个"
    if everyone:
        return "全社会", "", ""
    if group:
        return "特定群体", short_text((group.group(1) or group.group(2) or "").strip()), ""
    if mark_state(t) == (True, ""):
        return None, "", "只打了勾，看不出是“全社会”还是“特定群体”"
    return "特定群体", short_text(t), ""


def read_mode_text(text: str) -> tuple[str | None, str]:
    active, on_request = "主动" in text, "依申请" in text
    if active and on_request:
        return None, "同时写了“主动”和“依申请”，只能选一个"
    if active or on_request:
        return ("主动" if active else "依申请"), ""
    return None, f"“{text}”看不出是“主动”还是“依申请”"


def read_level_text(text: str) -> tuple[list[str], str]:
    """县级、乡级 / 县级;乡、村级 / 镇(街)级: the county and township tiers named; others (州级, 村级) are not ours."""
    found: list[str] = []
    for token in re.split(r"[、，,；;/\s和及与]+", text):
        if not token:
            continue
        level = level_of(token if token.endswith("级") else token + "级")
        if level is None:
            if any(word in token for word in ("村", "嘎查", "社区", "州", "省")):
                continue
            return [], f"“{token}”不是公开层级；应为“县级”“乡级”或两者"
        if level[0] not in found:
            found.append(level[0])
    return sorted(found, key=["县级", "乡级"].index), "" if found else f"“{text}”中没有县级或乡级"


# ---------------------------------------------------------------- existing entries


@dataclass
class Existing:
    """The catalogue's entry files as they are: by path, by (domain, title), and the file names taken."""

    by_path: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_title: dict[tuple[str, str], str] = field(default_factory=dict)
    taken: dict[str, set[str]] = field(default_factory=dict)
    valid: dict[str, Entry] = field(default_factory=dict)


def read_existing(layout: Layout, catalogue: str, schema: Schema) -> Existing:
    existing = Existing()
    folder = layout.catalogues / catalogue
    for file in sorted(folder.glob(f"*/*{DATA_SUFFIX}")):
        rel = layout.relative(file)
        place = place_of(rel)
        existing.taken.setdefault(file.parent.name, set()).add(file.stem)
        if isinstance(place, str) or place.kind != "entry":
            continue
        doc, problems = load(file, rel, place)
        if doc is None or not isinstance(doc.data.get("title"), str):
            continue
        existing.by_path[rel] = doc.data
        existing.by_title.setdefault((place.domain, doc.data["title"]), rel)
        if not problems and schema.fast.is_valid(doc.data):
            existing.valid[rel] = entry_from(doc)
    return existing


# ---------------------------------------------------------------- rows

JSON_SHEET = "\0json"
"""Row.sheet of the entries of a JSON file: their problems name the entry's position, not a cell."""

INSTRUCTION_SHEETS = ("说明", "填写说明", "填报说明", "目录说明", "使用说明")


@dataclass
class Row:
    """One row of the sheet on its way to an entry file."""

    row: int
    sheet: str
    order: int
    domain: str = ""
    target: str = ""
    data: dict[str, Any] | None = None
    columns: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    status: str = ""

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


@dataclass
class Importer:
    """The rows of one import, checked together: titles must not repeat, files must not be written twice."""

    layout: Layout
    refs: References
    catalogue: Catalogue
    domain: Domain | None
    schema: Schema
    existing: Existing
    display: str
    multi_sheet: bool = False
    rows: list[Row] = field(default_factory=list)
    notes: list[tuple[int, Problem]] = field(default_factory=list)
    """Problems that belong to no converted row (skipped rows, sheets, columns), with their sheet's position."""
    unplaced: int = 0
    """Rows left out because no domain could be found for them (reported once per sheet)."""
    channels: Channels = field(init=False)
    _titles: dict[tuple[str, str], Row] = field(default_factory=dict)
    _targets: dict[str, Row] = field(default_factory=dict)
    _assigned: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.channels = Channels(channel_vocabulary(self.schema))

    # -- messages

    def field_label(self, key: str) -> str:
        """`mode（公开方式）` for a field; the Chinese word for what is not a field of the entry."""
        names = {"domain": "领域", "id": "事项编号", "time_json": "time_limit", "published_json": "published",
                 "pending_json": "pending", "row": ROW_FIELD}
        name = names.get(key, key)
        return field_name(self.schema, (name,)) if name in self.schema.field_names(()) else name

    def where(self, sheet: str, row: int, column: int | None) -> str:
        if sheet == JSON_SHEET:
            return f"第 {row} 个事项："
        place = f"{_column_letter(column)}{row} 单元格" if column else f"第 {row} 行"
        return f"工作表“{sheet}”{place}：" if self.multi_sheet and sheet else f"{place}："

    def problem(self, sheet: str, row: int, column: int | None, key: str, message: str,
                severity: Severity = "error") -> Problem:
        return Problem(self.display, row, column or 1, self.field_label(key), self.where(sheet, row, column) + message, severity)

    # -- sheets

    def read_grid(self, grid: Grid, order: int, required: bool) -> None:
        header = find_header(grid, self.channels)
        if header is None:
            if required:
                raise SheetError(f"{self.display}{f' 的工作表“{grid.name}”' if grid.name else ''} 中找不到目录的表头："
                                 f"前 {HEADER_SEARCH_ROWS} 行中没有一行同时有“二级事项”“公开内容”“公开依据”“公开时限”等列名。"
                                 "请检查是否选对了文件和工作表（--sheet），或补上表头。")
            if bare(grid.name) not in INSTRUCTION_SHEETS and any(any(row) for row in grid.rows):
                self.notes.append((order, self.problem(grid.name, 1, None, "row", f"工作表“{grid.name}”中找不到目录的表头，已跳过。"
                                                       "如果它是目录，请补上表头（“二级事项”“公开内容”“公开依据”等列名）。", "warning")))
            return
        if not header.of("title"):
            raise SheetError(f"{self.display}{f' 的工作表“{grid.name}”' if grid.name else ''} 第 {header.first + 1} 行的表头中"
                             "没有“二级事项”（事项名称）列，无法导入。请补上这一列。")
        if header.ignored:
            self.notes.append((order, self.problem(grid.name, header.first + 1, None, "row",
                                                   f"以下列无法识别，已忽略：{'、'.join(header.ignored)}。如果其中有需要导入的内容，"
                                                   "请把列名改成标准列名（例如“公开内容（要素）”“公开渠道和载体”）。", "warning")))
        if header.duplicates:
            self.notes.append((order, self.problem(grid.name, header.first + 1, None, "row",
                                                   f"以下列与前面的列重复，只读取了前面的一列：{'、'.join(header.duplicates)}。",
                                                   "warning")))
        titles = " ".join(" ".join(row) for row in grid.rows[: header.first])
        _SheetReader(self, grid, order, header, self.domain_in(grid.name) or self.domain_in(titles)).read()

    def domain_in(self, text: str) -> Domain | None:
        """The one domain whose name or a name variant the text contains (a sheet name, a title row, a section row)."""
        if not text:
            return None
        squeezed = norm(text)
        found = {slug for slug, d in self.refs.domains.items() if any(norm(n) in squeezed for n in (d.name, *d.variants))}
        return self.refs.domains[found.pop()] if len(found) == 1 else None

    # -- files

    def target_of(self, domain: str, title: str, entry_id: str) -> str:
        """The existing file a row will update, if any: the one its 事项编号 names, else the one with its title."""
        if entry_id:
            catalogue, folder, slug = entry_id.split("/")
            return f"data/catalogues/{catalogue}/{folder}/{slug}{DATA_SUFFIX}"
        return self.existing.by_title.get((domain, title), "")

    def place_row(self, row: Row, entry_id: str, id_column: int | None) -> None:
        """Decide the file a row writes (its 事项编号, the entry with its title, or a new name); refuse repeats."""
        assert row.data is not None
        title = row.data["title"]
        first = self._titles.setdefault((row.domain, title), row)
        if first is not row:
            row.problems.append(self.problem(row.sheet, row.row, row.columns.get("title"), "title",
                                             f"二级事项“{title}”与{self.row_name(first, row)}重复（同一领域内不能重名）。"
                                             "请删除重复的一行，或把名称改得更具体。"))
            return
        target = self.target_of(row.domain, title, entry_id)
        if not target:
            taken = self.existing.taken.get(row.domain, set()) | self._assigned.setdefault(row.domain, set())
            slug = slugify(title, taken)
            self._assigned[row.domain].add(slug)
            target = f"data/catalogues/{self.catalogue.slug}/{row.domain}/{slug}{DATA_SUFFIX}"
        first = self._targets.setdefault(target, row)
        if first is not row:
            row.problems.append(self.problem(row.sheet, row.row, id_column or row.columns.get("title"), "id",
                                             f"与{self.row_name(first, row)}写入同一个事项文件 {target}。请删除重复的一行。"))
            return
        row.target = target

    def row_name(self, other: Row, row: Row) -> str:
        if other.sheet == JSON_SHEET:
            return f"第 {other.row} 个事项"
        return f"工作表“{other.sheet}”第 {other.row} 行" if other.sheet != row.sheet else f"第 {other.row} 行"

    # -- checks

    def check(self) -> None:
        """The schema and the cross-file rules of `gongkai validate`, on every row that converted."""
        entries: dict[str, Entry] = dict(self.existing.valid)
        by_path: dict[str, Row] = {}
        for row in self.rows:
            if row.data is None or not row.target or row.failed:
                continue
            self._check_schema(row)
            if row.failed:
                continue
            place = place_of(row.target)
            assert isinstance(place, Place)
            entries[row.target] = entry_from(SourceDoc(row.target, place, row.data, ""))
            by_path[row.target] = row
        for finding in entry_rules(entries.values(), {self.catalogue.slug: self.catalogue}, self.layout.docs, china_today()):
            row = by_path.get(finding.path)
            if row is not None:
                key = str(finding.json_path[0]) if finding.json_path else "row"
                row.problems.append(self.problem(row.sheet, row.row, row.columns.get(key), key, finding.message, finding.severity))

    def _check_schema(self, row: Row) -> None:
        if self.schema.fast.is_valid(row.data):
            return
        reported = {p.field for p in row.problems}
        for error in self.schema.detailed.iter_errors(row.data):
            for path, message in translate(error, self.schema):
                key = str(path[0]) if path else "row"
                name = field_name(self.schema, path) if path else ROW_FIELD
                if name in reported or self.field_label(key) in reported:
                    continue
                reported.add(name)
                column = row.columns.get(key)
                row.problems.append(Problem(self.display, row.row, column or 1, name, self.where(row.sheet, row.row, column) + message))


def _column_letter(index: int | None) -> str:
    letters, n = "", index or 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _SheetReader:
    """Reads the data rows under one header, remembering the row above for 同上."""

    def __init__(self, importer: Importer, grid: Grid, order: int, header: Header, default: Domain | None) -> None:
        self.importer = importer
        self.grid = grid
        self.order = order
        self.header = header
        self.domain = importer.domain or default
        self.previous: dict[int, str] = {}
        self.previous_limit: dict[str, Any] | None = None
        self.other_catalogue: dict[str, list[int]] = {}
        self.domain_missing: list[int] = []
        self.columns = self._problem_columns(header)

    @staticmethod
    def _problem_columns(header: Header) -> dict[str, int]:
        """The column (1-based) each field's problems point at; fields without a column of their own point where they are written."""
        columns: dict[str, int] = {}
        for column in header.columns:
            columns.setdefault(column.key, column.index + 1)
        for key in ("published", "pending"):
            if f"{key}_json" in columns:
                columns[key] = columns[f"{key}_json"]
        if "channels" in columns:
            columns.setdefault("channels_other", columns["channels"])
        special = [c.index + 1 for c in header.of("audience") if c.option == "特定群体"]
        if special or "audience" in columns:
            columns.setdefault("audience_detail", special[0] if special else columns["audience"])
        return columns

    def problem(self, row: int, key: str, message: str, severity: Severity = "error", column: int | None = None) -> Problem:
        return self.importer.problem(self.grid.name, row, column or self.columns.get(key), key, message, severity)

    def note(self, problem: Problem) -> None:
        self.importer.notes.append((self.order, problem))

    def read(self) -> None:
        for r in range(self.header.last + 1, len(self.grid.rows)):
            self.read_row(r)
        for catalogue, rows in self.other_catalogue.items():
            listed = "、".join(map(str, rows[:5])) + ("…" if len(rows) > 5 else "")
            self.note(self.problem(rows[0], "id", f"第 {listed} 行（共 {len(rows)} 行）的事项编号属于目录“{catalogue}”，"
                                   f"不是“{self.importer.catalogue.slug}”，已跳过。要导入这些行，请运行 "
                                   f"gongkai import-xlsx {self.importer.display} --catalogue {catalogue}。", "warning"))
        if self.domain_missing:
            rows = self.domain_missing
            listed = "、".join(map(str, rows[:5])) + ("…" if len(rows) > 5 else "")
            self.importer.unplaced += len(rows)
            self.note(self.problem(rows[0], "domain", f"无法确定第 {listed} 行（共 {len(rows)} 行）属于哪个领域，这些行没有导入。"
                                   "请用 --domain 指定（例如 --domain shehui-jiuzhu），或在工作表名称、标题行或“领域”列中写明领域名称。",
                                   column=1))

    def cells(self, raw: list[str], n: int, problems: list[Problem]) -> dict[int, str]:
        """Column index -> text, with 同上 replaced by the value of the row above."""
        values: dict[int, str] = {}
        for column in self.header.columns:
            text = raw[column.index] if column.index < len(raw) else ""
            if text and DITTO.match(text):
                if column.index in self.previous:
                    text = self.previous[column.index]
                elif column.key != "time_limit":  # the time limit says so itself, see convert_time_limit
                    problems.append(self.problem(n, column.key, "写的是“同上”，但上面没有可以沿用的行。请写出完整内容。",
                                                 column=column.index + 1))
                    text = ""
            values[column.index] = text
        return values

    def text(self, values: dict[int, str], key: str) -> str | None:
        """The text of a field's own column, or None when the sheet has none (or only one column per choice)."""
        found = [c for c in self.header.of(key) if not c.option]
        return values.get(found[0].index, "") if found else None

    def read_row(self, r: int) -> None:
        raw = self.grid.rows[r]
        n = r + 1
        problems: list[Problem] = []
        values = self.cells(raw, n, problems)
        core = [self.text(values, key) or "" for key in ("title", "content", "basis", "time_limit")]
        filled = [(index, cell) for index, cell in enumerate(raw) if cell]
        if len({cell for _, cell in filled}) == 1 and (len(filled) > 1 or filled[0][0] == 0 or not any(core)):
            # a section row (一、社会救助) merged across or written in the first column, a note, or one value merged down
            if (len(filled) > 1 or filled[0][0] == 0) and self.importer.domain is None:
                self.domain = self.importer.domain_in(filled[0][1]) or self.domain
            return
        if not any(core):
            if filled:
                self.note(self.problem(n, "row", "这一行没有二级事项、公开内容、公开依据和公开时限，不像是一个事项，已跳过。",
                                       "warning", column=1))
            return
        if MAIN_LABELS.get(bare(core[0])) == "title" or MAIN_LABELS.get(bare(core[1])) == "content":
            return  # the header again (printed sheets repeat it on every page)
        row = Row(n, self.grid.name, self.order, columns=dict(self.columns), problems=problems)
        entry_id = (self.text(values, "id") or "").strip()
        placed = self.read_id(row, entry_id) if entry_id else self.read_domain(row, values)
        if placed is None:
            return
        self.importer.rows.append(row)
        title = short_text(self.text(values, "title") or "")
        target = self.importer.target_of(row.domain, title, entry_id) if placed else ""
        existing = self.importer.existing.by_path.get(target) if target in self.importer.existing.valid else None
        if target in self.importer.existing.by_path and existing is None:
            problems.append(self.problem(n, "row", f"现有的事项文件 {target} 有错误（见 gongkai validate），将整个换成这一行的内容；"
                                         "表格中没有的字段（例如已公开内容）不会保留，请导入后核对。", "warning", column=1))
        row.data = self.convert(row, values, existing)
        self.previous.update({c.index: values.get(c.index, "") for c in self.header.columns})
        if placed and row.data.get("title"):
            self.importer.place_row(row, entry_id, self.columns.get("id"))

    def read_id(self, row: Row, entry_id: str) -> bool | None:
        """True when the 事项编号 names a file of this catalogue; None for another catalogue's row (skipped)."""
        parts = entry_id.split("/")
        if len(parts) != 3 or not all(SLUG_RE.match(p) for p in parts):
            row.problems.append(self.problem(row.row, "id", f"事项编号“{entry_id}”格式不对：应为“目录/领域/文件名”，"
                                             "例如 shili-xian/shehui-jiuzhu/zuidi-shenghuo-baozhang。新增的事项请让这一格空着。"))
            return False
        catalogue, domain, _ = parts
        if catalogue != self.importer.catalogue.slug:
            self.other_catalogue.setdefault(catalogue, []).append(row.row)
            return None
        if domain not in self.importer.refs.domains:
            row.problems.append(self.problem(row.row, "id", f"事项编号“{entry_id}”中的领域“{domain}”不存在（见 data/domains/）。"
                                             "请改正事项编号；新增的事项请让这一格空着。"))
            return False
        if self.importer.domain and self.importer.domain.slug != domain:
            row.problems.append(self.problem(row.row, "id", f"事项编号“{entry_id}”属于领域“{domain}”，与 --domain "
                                             f"{self.importer.domain.slug} 不一致。请去掉 --domain，或改正事项编号。"))
            return False
        row.domain = domain
        return True

    def read_domain(self, row: Row, values: dict[int, str]) -> bool | None:
        """True when the row's domain is known: --domain, the 领域 column, a section row, the sheet name or title."""
        domain = self.importer.domain
        cell = (self.text(values, "domain") or "").strip()
        if domain is None and cell:
            found = find_domain(self.importer.refs, cell)
            domain = found if isinstance(found, Domain) else self.importer.domain_in(cell)
            if domain is None:
                row.problems.append(self.problem(row.row, "domain", str(found)))
                return False
        domain = domain or self.domain
        if domain is None:
            self.domain_missing.append(row.row)
            return None
        row.domain = domain.slug
        return True

    # -- conversion

    def convert(self, row: Row, values: dict[int, str], existing: dict[str, Any] | None) -> dict[str, Any]:
        """The entry data of a row: the sheet's columns, and for fields the sheet has no column for, the existing file's."""
        report, n, old = row.problems, row.row, existing or {}
        data: dict[str, Any] = {}
        required = set(self.importer.schema.document.get("required", ()))
        for key, reader in (("l1", short_text), ("title", short_text), ("l3", short_text), ("content", long_text),
                            ("subject", subject_text), ("note", long_text)):
            text = self.text(values, key)
            label = self.importer.schema.label((key,))
            if text is None:
                if key in old:
                    data[key] = old[key]
                elif key in required:
                    report.append(self.problem(n, key, f"表格中没有“{label}”列，新事项无法填写这一项。请在表格中加上这一列。", column=1))
                continue
            value = reader(text)
            if key in ("l3", "note") and value in PLACEHOLDERS:
                value = ""
            if value:
                data[key] = value
            elif key in required:
                report.append(self.problem(n, key, f"“{label}”是空的。请填写后重新导入。"))
        self.convert_basis(values, old, data, report, n)
        self.convert_time_limit(values, old, data, report, n)
        self.convert_channels(values, old, data, report, n)
        self.convert_audience(values, old, data, report, n)
        self.convert_mode(values, old, data, report, n)
        self.convert_level(values, old, data, report, n)
        self.convert_listed(values, old, data, report, n, "published")
        self.convert_listed(values, old, data, report, n, "pending")
        return order_fields(data, self.importer.schema)

    def convert_basis(self, values: dict[int, str], old: dict[str, Any], data: dict[str, Any], report: list[Problem], n: int) -> None:
        text = self.text(values, "basis")
        if text is None:
            if "basis" in old:
                data["basis"] = old["basis"]
            return
        if not text:
            report.append(self.problem(n, "basis", "公开依据是空的。请写明依据的法律法规或文件，例如“《中华人民共和国政府信息公开条例》”。"))
        elif isinstance(old.get("basis"), list) and _squash(format_basis(old["basis"])) == _squash(text):
            data["basis"] = old["basis"]  # the same list as in the file, however the cell breaks its lines
        else:
            data["basis"] = read_basis(text)

    def convert_time_limit(self, values: dict[int, str], old: dict[str, Any], data: dict[str, Any], report: list[Problem],
                           n: int) -> None:
        raw = self.text(values, "time_limit")
        if raw is None:
            if "time_limit" in old:
                data["time_limit"] = old["time_limit"]
            return
        if not raw:
            report.append(self.problem(n, "time_limit", "公开时限是空的。请填写，例如“信息形成或者变更之日起20个工作日内”。"))
            return
        text = long_text(raw)
        limit: dict[str, Any] | None = None
        old_limit = old.get("time_limit")
        structure = (self.text(values, "time_json") or "").strip()
        if isinstance(old_limit, dict) and old_limit.get("text") == text:
            limit = old_limit  # same wording: keep the reading in the file, which may have been corrected by hand
        elif structure:
            try:
                stored = json.loads(structure)
            except ValueError:
                stored = None
                report.append(self.problem(n, "time_json", "时限结构不是有效的 JSON，已忽略，改为从公开时限原文识别。"
                                           "这一列由 gongkai export 生成，请不要手工修改。", "warning",
                                           column=self.columns.get("time_json")))
            if isinstance(stored, dict) and stored.get("text") == text:
                limit = {"text": text, **{k: stored[k] for k in ("clauses", "law_may_override") if k in stored}}
        if limit is None:
            limit = self.read_time_limit(raw, text, report, n)
        elif not limit.get("clauses"):
            report.append(self.problem(n, "time_limit", f"公开时限“{raw}”还没有结构化读法（事项文件中没有 time_limit.clauses），"
                                       "及时性统计不会计算这个事项。请在事项文件中补上 clauses。", "warning"))
        if limit is not None:
            self.previous_limit = limit
            data["time_limit"] = limit

    def read_time_limit(self, raw: str, text: str, report: list[Problem], n: int) -> dict[str, Any] | None:
        try:
            reading = parse_time_limit(raw)
        except Ditto:
            if self.previous_limit is None:
                report.append(self.problem(n, "time_limit", "写的是“同上”，但上面没有可以沿用的公开时限。请写出完整的公开时限。"))
            return self.previous_limit
        if reading is None:
            report.append(self.problem(
                n, "time_limit",
                f"无法自动识别公开时限“{raw}”。已按原文导入，没有写结构化读法（time_limit.clauses），"
                "网站会照原文显示，及时性统计不计算这个事项。请在导入后的事项文件中补上 clauses（例如 kind: deadline、"
                "anchor: 起算事件、amount: 天数、unit: 工作日）；或把表格中的时限改成常见写法"
                "（例如“信息形成或者变更之日起20个工作日内”）后重新导入。", "warning"))
            return {"text": text}
        limit: dict[str, Any] = {"text": text, "clauses": [dict(clause) for clause in reading.clauses]}
        if reading.law_may_override:
            limit["law_may_override"] = True
        return limit

    def merged_text(self, values: dict[int, str], options: list[Col]) -> str | None:
        """One text merged across a group's choice columns (全社会 over 全社会|特定群体) reads as a text cell."""
        cells = [values.get(c.index, "") for c in options]
        if len(options) > 1 and cells[0] and len(set(cells)) == 1 and mark_state(cells[0])[1]:
            return cells[0]
        return None

    def convert_channels(self, values: dict[int, str], old: dict[str, Any], data: dict[str, Any], report: list[Problem],
                         n: int) -> None:
        text = self.text(values, "channels")
        options = [c for c in self.header.of("channels") if c.option]
        if text is None and not options:
            data.update({key: old[key] for key in ("channels", "channels_other") if key in old})
            return
        reading = read_channel_text(text, self.importer.channels) if text is not None else ChannelReading()
        for column in options:
            ticked, words = mark_state(values.get(column.index, ""))
            if not ticked:
                continue
            if column.option != "其他":
                reading.add(column.option)
            elif bare(column.label) in ("其他", "其它"):
                reading.add("其他", words)  # the 其他 column: the cell names the channel
            else:
                reading.add("其他", column.label.replace("\n", ""))  # a column for a channel outside the schema's list
        listed = self.text(values, "channels_other")
        if listed:
            reading.others = [line.strip() for line in listed.split("\n") if line.strip()]
        if not reading.channels:
            report.append(self.problem(n, "channels", "公开渠道和载体一个也没有勾选。请至少勾选一个（■ 表示勾选），例如“■政府网站”。"))
            return
        if isinstance(old.get("channels"), list) and set(old["channels"]) == set(reading.channels):
            reading.channels = list(old["channels"])  # the same channels: keep the file's order
        data["channels"] = reading.channels
        if "其他" in reading.channels:
            others = reading.others or list(old.get("channels_other") or [])
            if others:
                data["channels_other"] = others
            else:
                report.append(self.problem(n, "channels_other", "勾选了“其他”，但没有写明是什么渠道。请写成“■其他：具体渠道”，"
                                           "例如“■其他：投资项目在线审批监管平台”。", column=self.columns.get("channels")))
        elif reading.others:
            report.append(self.problem(n, "channels_other", f"写了其他渠道“{'、'.join(reading.others)}”，但没有勾选“其他”，已忽略。"
                                       "如果要保留，请在公开渠道和载体中勾选“其他”。", "warning"))

    def convert_audience(self, values: dict[int, str], old: dict[str, Any], data: dict[str, Any], report: list[Problem],
                         n: int) -> None:
        text = self.text(values, "audience")
        options = [c for c in self.header.of("audience") if c.option]
        if text is None and not options:
            data.update({key: old[key] for key in ("audience", "audience_detail") if key in old})
            return
        text = text if text is not None else self.merged_text(values, options)
        detail = ""
        if text is not None:
            value, detail, error = read_audience_text(text) if text else (None, "", "公开对象是空的")
            if error:
                report.append(self.problem(n, "audience", f"{error}。请写“全社会”或“特定群体（写明是谁）”。"))
                return
        else:
            ticked: list[str] = []
            for column in options:
                is_ticked, words = mark_state(values.get(column.index, ""))
                if is_ticked and column.option not in ticked:
                    ticked.append(column.option)
                    if column.option == "特定群体" and words and choice(AUDIENCE_LABELS, words) is None:
                        detail = read_audience_text(words)[1] or short_text(words)
            if len(ticked) != 1:
                what = ("“全社会”和“特定群体”都打了勾，只能选一个。请删掉一个 √。" if ticked else
                        "公开对象没有打勾。请在“全社会”或“特定群体”列打 √（特定群体可以直接写明是谁，例如“申请人”）。")
                report.append(self.problem(n, "audience", what))
                return
            value = ticked[0]
        listed = self.text(values, "audience_detail")
        detail = short_text(listed) if listed else detail
        data["audience"] = value
        if value == "特定群体":
            detail = detail or str(old.get("audience_detail") or "")
            if detail:
                data["audience_detail"] = detail
            else:
                report.append(self.problem(n, "audience_detail", "公开对象是“特定群体”，但没有写明是哪些人。请在“特定群体”列写明，"
                                           "例如“申请人”“被征收人”。"))

    def convert_mode(self, values: dict[int, str], old: dict[str, Any], data: dict[str, Any], report: list[Problem],
                     n: int) -> None:
        text = self.text(values, "mode")
        options = [c for c in self.header.of("mode") if c.option]
        if text is None and not options:
            data.update({"mode": old["mode"]} if "mode" in old else {})
            return
        text = text if text is not None else self.merged_text(values, options)
        if text is not None:
            value, error = read_mode_text(text) if text else (None, "公开方式是空的")
            if error:
                report.append(self.problem(n, "mode", f"{error}。请写“主动”或“依申请”。"))
            else:
                data["mode"] = value
            return
        ticked = sorted({c.option for c in options if mark_state(values.get(c.index, ""))[0]})
        if len(ticked) == 1:
            data["mode"] = ticked[0]
            return
        what = "都打了勾，只能选一个。请删掉一个 √" if ticked else "都没有打勾。请在其中一列打 √"
        report.append(self.problem(n, "mode", f"公开方式“主动”和“依申请”{what}。"))

    def convert_level(self, values: dict[int, str], old: dict[str, Any], data: dict[str, Any], report: list[Problem],
                      n: int) -> None:
        text = self.text(values, "level")
        options = [c for c in self.header.of("level") if c.option]
        if text is None and not options:
            data["level"] = old.get("level") or [self.importer.catalogue.level]  # township sheets often have no level column
            return
        text = text if text is not None else self.merged_text(values, options)
        if text is not None:
            levels, error = read_level_text(text) if text else ([], "公开层级是空的")
            if error:
                report.append(self.problem(n, "level", f"{error}。请写“县级”“乡级”或“县级、乡级”。"))
                return
        else:
            levels = sorted({c.option for c in options if mark_state(values.get(c.index, ""))[0]}, key=["县级", "乡级"].index)
            if not levels:
                names = "、".join(f"“{c.label}”" for c in options)
                report.append(self.problem(n, "level", f"公开层级没有打勾。请在 {names} 中至少一列打 √。"))
                return
        data["level"] = levels

    def convert_listed(self, values: dict[int, str], old: dict[str, Any], data: dict[str, Any], report: list[Problem],
                       n: int, name: str) -> None:
        """已公开内容 and 待公开信息 travel as JSON in columns of their own; a sheet without the column keeps the file's."""
        text = self.text(values, f"{name}_json")
        if text is None:
            if name in old:
                data[name] = old[name]
            return
        if not text:
            return
        try:
            data[name] = json.loads(text)
        except ValueError:
            label = self.importer.schema.label((name,))
            report.append(self.problem(n, f"{name}_json", f"{label}不是有效的 JSON。这一列由 gongkai export 生成，请不要手工修改；"
                                       f"要登记新的{label}，请直接编辑事项文件。"))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def order_fields(data: Any, schema: Schema, path: tuple[str | int, ...] = ()) -> Any:
    """Keys in the schema's order at every level, so written files read like the hand-written ones."""
    if isinstance(data, list):
        return [order_fields(item, schema, (*path, index)) for index, item in enumerate(data)]
    if not isinstance(data, dict):
        return data
    order = list((schema.at(path) or {}).get("properties", {}))
    keys = [k for k in order if k in data] + [k for k in data if k not in order]
    return {k: order_fields(data[k], schema, (*path, k)) for k in keys}


# ---------------------------------------------------------------- JSON input


def read_json_rows(importer: Importer, path: Path) -> None:
    """The entries of a file written by `gongkai export --format json`."""
    try:
        document = json.loads(decode(path.read_bytes(), path))
    except ValueError as exc:
        raise SheetError(f"{path} 不是有效的 JSON（{exc}）。") from exc
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT or not isinstance(document.get("entries"), list):
        raise SheetError(f"{path} 不是 gongkai export 导出的 JSON（应有 \"format\": \"{JSON_FORMAT}\" 和 entries 列表）。")
    if document.get("version") != JSON_VERSION:
        raise SheetError(f"{path} 的格式版本是 {document.get('version')}，这个版本的 gongkai 只能读取版本 {JSON_VERSION}。"
                         "请用同一版本的 gongkai 重新导出。")
    skipped: dict[str, list[int]] = {}
    for index, item in enumerate(document["entries"], 1):
        row = Row(index, JSON_SHEET, 0)
        if not isinstance(item, dict) or not isinstance(item.get("data"), dict):
            row.problems.append(importer.problem(JSON_SHEET, index, None, "row", "应为一个含 id 和 data 的对象。"))
            importer.rows.append(row)
            continue
        entry_id = str(item.get("id") or "")
        parts = entry_id.split("/")
        if entry_id and parts[0] != importer.catalogue.slug:
            skipped.setdefault(parts[0], []).append(index)
            continue
        importer.rows.append(row)
        row.data = order_fields(dict(item["data"]), importer.schema)
        if entry_id and (len(parts) != 3 or not all(SLUG_RE.match(p) for p in parts) or parts[1] not in importer.refs.domains):
            row.problems.append(importer.problem(JSON_SHEET, index, None, "id",
                                                 f"事项编号“{entry_id}”不对：应为“目录/领域/文件名”，领域须在 data/domains/ 中。"))
            continue
        domain = parts[1] if entry_id else (importer.domain.slug if importer.domain else "")
        if not domain:
            row.problems.append(importer.problem(JSON_SHEET, index, None, "domain", "没有事项编号，无法确定领域。请用 --domain 指定领域。"))
            continue
        row.domain = domain
        if not isinstance(row.data.get("title"), str) or not row.data["title"].strip():
            row.problems.append(importer.problem(JSON_SHEET, index, None, "title", "缺少二级事项（title）。"))
            continue
        importer.place_row(row, entry_id, None)
    for catalogue, rows in skipped.items():
        listed = "、".join(map(str, rows[:5])) + ("…" if len(rows) > 5 else "")
        importer.notes.append((0, importer.problem(JSON_SHEET, rows[0], None, "id", f"第 {listed} 个事项（共 {len(rows)} 个）属于目录“{catalogue}”，"
                                                   f"不是“{importer.catalogue.slug}”，已跳过。要导入它们，请运行 gongkai import-xlsx "
                                                   f"{importer.display} --catalogue {catalogue}。", "warning")))


# ---------------------------------------------------------------- writing


def entry_yaml(data: dict[str, Any], schema: Schema, rel: str, previous: str | None = None) -> str:
    """The entry file's text, with the comments of the file it replaces, checked to read back as exactly the same data."""
    text = dump_document(data, list(schema.field_names(())))
    if previous is not None:
        text = carry_comments(previous, text)
    reread, problems, _ = parse_text(text, rel)
    if problems or reread != data:
        raise RuntimeError(f"internal error: the YAML written for {rel} does not read back as the same data")
    return text


# ---------------------------------------------------------------- command


def run_import(args: argparse.Namespace, layout: Layout) -> int:
    file: Path = args.file
    display = str(file)
    suffix = file.suffix.lower()
    if not file.is_file():
        return usage_error(f"找不到文件 {display}。请检查文件名和路径。")
    if suffix in (".xls", ".et", ".wps", ".ods", ".numbers"):
        return usage_error(f"{display} 不是 .xlsx 文件。请在 Excel 或 WPS 中打开它，“另存为”Excel 工作簿（.xlsx）后再导入。")
    if suffix not in (".xlsx", ".xlsm", ".csv", ".json"):
        return usage_error(f"无法导入 {display}：只能导入 .xlsx 表格，或 gongkai export 导出的 .csv、.json 文件。")
    if args.sheet is not None and suffix not in (".xlsx", ".xlsm"):
        return usage_error("--sheet 只适用于 .xlsx 文件。")
    refs = read_references(layout)
    catalogue = find_catalogue(refs, args.catalogue)
    if isinstance(catalogue, str):
        return usage_error(catalogue)
    domain: Domain | None = None
    if args.domain:
        found = find_domain(refs, args.domain)
        if isinstance(found, str):
            return usage_error(found)
        domain = found
    schema = refs.schemas["entry"]
    importer = Importer(layout, refs, catalogue, domain, schema, read_existing(layout, catalogue.slug, schema), display)
    try:
        if suffix == ".json":
            read_json_rows(importer, file)
        else:
            grids = [read_csv(file)] if suffix == ".csv" else read_xlsx(file, args.sheet)
            importer.multi_sheet = len(grids) > 1
            for order, grid in enumerate(grids):
                importer.read_grid(grid, order, required=len(grids) == 1)
            if len(grids) > 1 and not importer.rows and not importer.unplaced and not any(
                    "表头" not in p.message for _, p in importer.notes):
                raise SheetError(f"{display} 的所有工作表中都找不到目录的表头（“二级事项”“公开内容”“公开依据”等列名）。"
                                 "请检查文件，或用 --sheet 指定目录所在的工作表。")
    except SheetError as exc:
        return usage_error(str(exc))
    except OSError as exc:
        return usage_error(f"无法读取 {display}（{exc.strerror}）。")
    importer.check()
    return _finish(importer, args.write_good_rows)


def _finish(importer: Importer, write_good_rows: bool) -> int:
    """Print the problems in sheet order, write what may be written, and say what happened."""
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    for row in importer.rows:
        if row.failed or row.data is None or not row.target:
            row.status = "error"
            continue
        before = importer.existing.by_path.get(row.target)
        if before is None and not (importer.layout.root / row.target).exists():
            row.status = "new"
        else:
            row.status = "unchanged" if before == row.data else "updated"
        counts[row.status] += 1
    errors = sum(row.status == "error" for row in importer.rows) + importer.unplaced
    located = [((order, p.line, p.column), p) for order, p in importer.notes]
    located += [((row.order, p.line, p.column), p) for row in importer.rows for p in row.problems]
    problems = [p for _, p in sorted(located, key=lambda item: item[0])]
    for problem in problems:
        print(problem.text())
    warned = sum(p.severity == "warning" for p in problems)
    if errors and not write_good_rows:
        print(f"未写入任何文件：0 新增，0 更新，{counts['unchanged']} 未改变，{errors} 行有错误，{warned} 个警告。"
              f"（没有错误的行中 {counts['new']} 行可新增、{counts['updated']} 行可更新。）"
              "请修正后重新导入，或加上 --write-good-rows 只写入没有错误的行。")
        return EXIT_PROBLEMS
    for row in importer.rows:
        if row.status in ("new", "updated") and row.data is not None:
            path = importer.layout.root / row.target
            previous = path.read_text(encoding="utf-8-sig", errors="replace") if row.status == "updated" else None
            write_atomic(path, entry_yaml(row.data, importer.schema, row.target, previous))
            print(f"{'新增' if row.status == 'new' else '更新'} {row.target}（第 {row.row} 行）")
    print(f"导入完成：{counts['new']} 新增，{counts['updated']} 更新，{counts['unchanged']} 未改变，"
          f"{errors} 行有错误，{warned} 个警告。")
    return EXIT_PROBLEMS if errors else EXIT_OK
