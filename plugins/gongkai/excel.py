"""Catalogue sheets (Excel, CSV, JSON): the layout import and export share, and the two commands.

Departments keep their catalogues in Excel in the layout of the national sample table
(序号, 一级事项, 二级事项, 公开内容（要素）, 公开依据, 公开时限, 公开主体, 公开渠道和载体,
公开对象, 公开方式, 公开层级). `gongkai export` writes that layout, plus a few clearly labelled
columns at the right that carry what the layout cannot (the entry's id, the structured time
limit, the published documents), so that an exported sheet imports back without loss.
openpyxl is imported only when a command runs, so `gongkai validate` does not pay for it.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loader import load
from .model import Catalogue, Domain, catalogue_from, domain_from
from .paths import CATALOGUE_FILE, DATA_SUFFIX, Layout, place_of
from .schema import Schema, SchemaSet, load_schemas

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
"""The same codes as cli.py: 0 done (warnings allowed), 1 rows or data with errors, 2 the command itself is wrong."""

CHECKED, UNCHECKED, TICK = "■", "□", "√"
"""How export marks a chosen channel, an unchosen one, and a chosen 公开对象/方式/层级 column."""

ITEM_GROUP = "公开事项"
"""The group header over 一级事项 and 二级事项 in the national sample table."""

EXTRA_LABELS = {
    "domain": "领域",
    "id": "事项编号",
    "l3": "三级事项",
    "channels_other": "其他渠道",
    "time_json": "时限结构（JSON）",
    "published_json": "已公开内容（JSON）",
    "pending_json": "待公开信息（JSON）",
    "note": "备注",
}
"""Columns export adds at the right of the standard layout, in this order. 事项编号 keeps the file an
exported row came from, so renaming an item in the sheet updates that file instead of creating another."""

JSON_FORMAT = "gongkai-entries"
JSON_VERSION = 1

FORMULA_START = ("=", "+", "-", "@")
"""Spreadsheet programs treat a cell starting with one of these as a formula."""

XLSX_OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
"""XlsxWriter's workbook options for our files: text is written as text, never as a number, formula or link."""


def write_cell(ws: Any, row: int, col: int, value: str | int | float, plain: Any = None, quoted: Any = None) -> None:
    """One value into an XlsxWriter sheet as what it is: '' as an empty cell (kept only for its format), text in
    `quoted` when it starts like a formula (so Excel keeps it text when someone edits it), numbers as numbers."""
    if value == "":
        ws.write_blank(row, col, None, plain)
    elif isinstance(value, str):
        ws.write_string(row, col, value, quoted if value.startswith(FORMULA_START) else plain)
    else:
        ws.write_number(row, col, value, plain)


@dataclass(frozen=True)
class SheetColumn:
    """One column of the standard layout: the field it holds, its header (and group header), the choice it ticks."""

    key: str
    label: str
    group: str = ""
    option: str = ""


def standard_columns(schema: Schema) -> list[SheetColumn]:
    """The columns export writes, in the official order, labelled with the schema's Chinese titles."""

    def title(name: str) -> str:
        return schema.label((name,))

    def choices(name: str) -> list[str]:
        node = schema.at((name,)) or {}
        return list(node.get("enum") or (schema.at((name, 0)) or {}).get("enum") or [])

    columns = [
        SheetColumn("seq", "序号"),
        SheetColumn("l1", title("l1"), ITEM_GROUP),
        SheetColumn("title", title("title"), ITEM_GROUP),
        *(SheetColumn(name, title(name)) for name in ("content", "basis", "time_limit", "subject", "channels")),
    ]
    for name in ("audience", "mode", "level"):
        columns.extend(SheetColumn(name, option, title(name), option) for option in choices(name))
    columns.extend(SheetColumn(key, label) for key, label in EXTRA_LABELS.items())
    return columns


def channel_vocabulary(schema: Schema) -> list[str]:
    return list((schema.at(("channels", 0)) or {}).get("enum", []))


# ---------------------------------------------------------------- cells: 公开渠道和载体 and √ columns

_QUOTES = re.compile(r"[\s\"'“”‘’「」]")


def norm(text: str) -> str:
    """Compatibility-normalised (full-width brackets become ASCII), without blanks and quotes: for comparing names."""
    return _QUOTES.sub("", unicodedata.normalize("NFKC", text))


CHANNEL_VARIANTS = {
    "政府网站": ["政府门户网站", "门户网站", "县政府门户网站", "区政府门户网站", "市政府门户网站", "县政府网站", "区政府网站"],
    "政府公报": ["公报"],
    "两微一端": ["一微一端", "政务新媒体", "新媒体", "微信公众号", "政务微信", "政务微博", "微博微信", "微信微博"],
    "发布会/听证会": ["发布会听证会", "新闻发布会", "发布会", "听证会"],
    "广播电视": ["广播", "电视"],
    "纸质媒体": ["纸质载体", "报刊", "报纸"],
    "公开查阅点": ["查阅点", "政务公开专区", "公开查阅点/政务公开专区", "政府信息公开查阅点", "信息公开查阅点"],
    "政务服务中心": ["提供政务服务的场所", "政府服务中心", "行政服务中心", "政务服务大厅"],
    "便民服务站": ["便民服务点"],
    "入户/现场": ["入户现场", "入户/现场宣传", "入户", "现场"],
    "社区/企事业单位/村公示栏（电子屏）": ["社区/企事业单位/村公示栏", "社区/企事业单位公示栏", "村居/企事业单位公示栏",
                                     "企事业单位/村公示栏", "社区/村公示栏"],
    "精准推送": [],
    "其他": ["其它"],
}
"""Channel names real sheets write for each value of the schema's closed list (2019 template, the 2019
条例 wording, typing variants). Anything else that is ticked becomes 其他 with its own name kept."""

CHECK_MARKS = "■▲√✓✔☑◆●★☒✅þü"
UNCHECK_MARKS = "□☐○〇◇◻⬜▢£¨û"
CONTEXT_CHECK = "Rt"
"""Wingdings ticks that come through as letters (R checked, £ unchecked) and one portal's 't'."""
CONTEXT_UNCHECK = "口"
"""□ typed as the character 口 (mouth).

These letters are marks only before a channel name or at the start of an item, never inside a word (窗口)."""
CHECK_WORDS = {"是", "有", "Y", "YES", "TRUE", "R", "T", "1"}
UNCHECK_WORDS = {"否", "无", "N", "NO", "FALSE", "0", "不公开"}
UNCHECK_CHARS = UNCHECK_MARKS + CONTEXT_UNCHECK + "×✗✘╳-—/"


class Channels:
    """The schema's closed channel list and the names real sheets use for each value."""

    def __init__(self, vocabulary: list[str]) -> None:
        self.vocabulary = vocabulary
        self._by_key: dict[str, str] = {}
        self.names: list[str] = []
        for value in vocabulary:
            for name in (value, *CHANNEL_VARIANTS.get(value, ())):
                self._by_key.setdefault(self.key(name), value)
                self.names.extend({name, unicodedata.normalize("NFKC", name)})
        self.names.sort(key=len, reverse=True)

    @staticmethod
    def key(name: str) -> str:
        return re.sub(r"\(电子屏\)|电子屏|[/、,，;；|()]", "", norm(name))

    def value(self, name: str) -> str | None:
        return self._by_key.get(self.key(name))

    def starts_name(self, text: str) -> bool:
        rest = text.lstrip()
        return any(rest.startswith(name) for name in self.names)


def mark_state(text: str) -> tuple[bool, str]:
    """(ticked?, words written besides the tick) for a cell of a √ column."""
    t = text.strip()
    if not t:
        return False, ""
    compact = t.replace(" ", "")
    if all(ch in CHECK_MARKS + CONTEXT_CHECK for ch in compact) or compact.upper() in CHECK_WORDS:
        return True, ""
    if all(ch in UNCHECK_CHARS for ch in compact) or compact.upper() in UNCHECK_WORDS:
        return False, ""
    if t[0] in CHECK_MARKS:
        return True, t[1:].strip().strip("（）():：")
    if t[0] in UNCHECK_MARKS + CONTEXT_UNCHECK:
        return False, ""
    return True, t


def split_marked(text: str, channels: Channels) -> list[tuple[str | None, str]]:
    """'■政府网站□政府公报R两微一端' -> [('■', '政府网站'), ('□', '政府公报'), ('R', '两微一端')]."""
    tokens: list[tuple[str | None, str]] = []
    mark: str | None = None
    start = 0
    for i, ch in enumerate(text):
        is_mark = ch in CHECK_MARKS or ch in UNCHECK_MARKS or (ch in CONTEXT_CHECK + CONTEXT_UNCHECK and (
            channels.starts_name(text[i + 1 :]) or (_starts_item(text, i) and "\u4e00" <= text[i + 1 : i + 2] <= "\u9fff")))
        if is_mark:
            if mark is not None or text[start:i].strip():
                tokens.append((mark, text[start:i]))
            mark, start = ch, i + 1
    tokens.append((mark, text[start:]))
    return tokens


def _starts_item(text: str, i: int) -> bool:
    return i == 0 or text[i - 1] in " \u3000\n、，,；;|"


_NOTICEBOARD = re.compile(r"社区\s*[、/]\s*企事业单位\s*[、/]\s*村?\s*公示栏\s*(?:[（(]\s*电子屏\s*[)）])?")
SEPARATORS = re.compile(r"[、，,；;\n|]+")


@dataclass
class ChannelReading:
    """The ticked channels of a cell, in the cell's order, and the names written for 其他."""

    channels: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)

    def add(self, value: str, other: str = "") -> None:
        if value not in self.channels:
            self.channels.append(value)
        for item in SEPARATORS.split(other):
            item = item.strip()
            if item and item not in self.others:
                self.others.append(item)


def read_channel_text(text: str, channels: Channels) -> ChannelReading:
    """Channels from checkbox text ('■政府网站□政府公报…■其他：…'), or from a plain list when nothing is marked."""
    reading = ChannelReading()
    text = _NOTICEBOARD.sub("社区/企事业单位/村公示栏（电子屏）", text)
    tokens = split_marked(text, channels)
    if all(mark is None for mark, _ in tokens):
        for name in SEPARATORS.split(text):
            _read_channel_name(name, reading, channels)
        return reading
    for mark, body in tokens:
        if mark is not None and (mark in CHECK_MARKS or mark in CONTEXT_CHECK):
            _read_channel_name(body, reading, channels)
    return reading


def _read_channel_name(name: str, reading: ChannelReading, channels: Channels) -> None:
    name = name.strip().strip("、，,；;| ")
    if not name:
        return
    other = re.match(r"^(其他|其它)\s*[:：（(]?\s*(.*?)\s*[)）]?$", name, re.S)
    if other:
        reading.add("其他", other.group(2))
        return
    value = channels.value(name)
    if value:
        reading.add(value)
    else:
        reading.add("其他", name)


def channel_text(ticked: Sequence[str], others: Sequence[str], vocabulary: list[str]) -> str:
    """How export writes the channels: '■政府网站 □政府公报 … ■其他：…' over the whole vocabulary.

    Ticked channels stay where the template has them; a file that lists them in another order gets
    them first, in its order, so that reading the text back gives the same list."""
    in_order = [v for v in vocabulary if v in ticked]
    sequence = vocabulary if list(ticked) == in_order else [*ticked, *(v for v in vocabulary if v not in ticked)]
    parts = []
    for value in sequence:
        label = f"{value}：{'、'.join(others)}" if value == "其他" and value in ticked and others else value
        parts.append((CHECKED if value in ticked else UNCHECKED) + label)
    return " ".join(parts)


# ---------------------------------------------------------------- 公开依据

_OPEN = {"《": "》", "(": ")", "（": "）", "〔": "〕", "[": "]", "【": "】", "<": ">", "〈": "〉", "“": "”"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_NUMBERING = re.compile(r"[（(]?\d{1,2}\s*[.、．)）](?!\d)")
_CN_DIGITS = "一二三四五六七八九十百千零〇两\\d"
_ARTICLE = rf"第[{_CN_DIGITS}]+条(?:之[{_CN_DIGITS}]+)?(?:第[{_CN_DIGITS}]+款)?(?:第[{_CN_DIGITS}]+项)?(?:[（(][{_CN_DIGITS}]+[)）])?"
_ARTICLES_AT_END = re.compile(rf"\s*({_ARTICLE}(?:\s*[、，,及和与至到]\s*{_ARTICLE})*)\s*$")
_PAREN_AT_END = re.compile(r"\s*[（(]([^()（）]*)[)）]\s*$")
_DOC_NUMBER = re.compile(
    rf"[〔\[(（【]\s*\d{{4}}\s*[〕\])）】]\s*\d+\s*号|令\s*第?\s*[{_CN_DIGITS}]+\s*号?|第\s*[{_CN_DIGITS}]+\s*号令?$"
    r"|^[A-Z]{2,}(?:/[A-Z])?\s*[\d.]+\s*[-—–]\s*\d{4}$"
)
"""What a 文号 looks like: 国发〔2014〕47号, 国务院令第711号, 第10号令, GB/T 32939—2016."""
_ITEM_END = ("》", ")", "）", "〕")


def _top_level_splits(text: str) -> list[str]:
    """Cut a 公开依据 cell into items at numbering and separators outside 《》 and brackets."""
    pieces: list[str] = []
    depth: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if depth:
            if ch in _CLOSE and _CLOSE[ch] in depth:
                while depth.pop() != _CLOSE[ch]:
                    pass
            elif ch in _OPEN:
                depth.append(ch)
            continue
        before = text[start:i].rstrip()
        numbering = _NUMBERING.match(text, i) if i == 0 or not text[i - 1].isdigit() else None
        starts_item = ch == "《" or numbering is not None
        ends_item = before.endswith(_ITEM_END) or (numbering is not None and text[numbering.end() :].lstrip().startswith("《"))
        if before and starts_item and ends_item:  # '》《' or '》 2.《' with no separator between the items
            pieces.append(text[start:i])
            start = i
        if ch in _OPEN:
            depth.append(ch)
            continue
        after = text[i + 1 :].lstrip()
        listing = ch in "、，," and (before.endswith(_ITEM_END) or after.startswith("《") or _NUMBERING.match(after) is not None)
        joined = ch in "及和与" and before.endswith("》") and after.startswith("《")
        if ch in "\n；;。" or listing or joined:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return pieces


_LEADING_NUMBER = re.compile(r"^[（(]?\d{1,2}\s*[.、．)）](?!\d)\s*")


def read_basis(text: str) -> list[dict[str, str]]:
    """'1.《A》（国发〔2014〕47号）第二十条 2.《B》' -> [{title, number, articles}, …]; text it cannot split stays one title."""
    items: list[dict[str, str]] = []
    for piece in _top_level_splits(text):
        piece = _LEADING_NUMBER.sub("", piece.strip()).strip("、，,；;。 ").strip()
        if not piece:
            continue
        item: dict[str, str] = {}
        written = piece
        while True:
            articles = _ARTICLES_AT_END.search(piece)
            if articles and "articles" not in item:
                item["articles"] = re.sub(r"\s+", "", articles.group(1))
                piece = piece[: articles.start()].rstrip()
                continue
            paren = _PAREN_AT_END.search(piece)
            if paren and paren.start() > 0 and "number" not in item and _DOC_NUMBER.search(paren.group(1).strip()):
                item["number"] = paren.group(1).strip()
                piece = piece[: paren.start()].rstrip()
                continue
            break
        if not piece:
            if items and "articles" in item:  # '《A》第十九条，第二十条' cut at the comma: more articles of the item before
                previous = items[-1]
                previous["articles"] = f"{previous['articles']}、{item['articles']}" if previous.get("articles") else item["articles"]
                continue
            piece, item = written, {}
        items.append({"title": piece.strip(), **{k: item[k] for k in ("number", "articles") if k in item}})
    return items


def format_basis(basis: list[dict[str, str]]) -> str:
    """How export writes 公开依据: one numbered line per item, 《title》（文号）第…条."""
    lines = []
    for item in basis:
        number = f"（{item['number']}）" if item.get("number") else ""
        lines.append(f"{item['title']}{number}{item.get('articles', '')}")
    if len(lines) == 1:
        return lines[0]
    return "\n".join(f"{n}.{line}" for n, line in enumerate(lines, 1))


# ---------------------------------------------------------------- domains and catalogues


@dataclass(frozen=True)
class References:
    """The domains and catalogues entries refer to, read straight from their files (entries are not needed)."""

    schemas: SchemaSet
    domains: dict[str, Domain]
    catalogues: dict[str, Catalogue]
    broken: tuple[str, ...]
    """Domain and catalogue files that do not pass validation; their names are still usable for suggestions."""


def read_references(layout: Layout) -> References:
    schemas = load_schemas(layout.schema)
    domains: dict[str, Domain] = {}
    catalogues: dict[str, Catalogue] = {}
    broken: list[str] = []
    files = sorted(layout.domains.glob(f"*{DATA_SUFFIX}")) + sorted(layout.catalogues.glob(f"*/{CATALOGUE_FILE}"))
    for file in files:
        rel = layout.relative(file)
        place = place_of(rel)
        if isinstance(place, str):
            continue
        doc, problems = load(file, rel, place)
        if doc is None or problems or not schemas[place.kind].fast.is_valid(doc.data):
            broken.append(rel)
            continue
        if place.kind == "domain":
            domains[place.domain] = domain_from(doc)
        elif place.kind == "catalogue":
            catalogues[place.catalogue] = catalogue_from(doc)
    return References(schemas, domains, catalogues, tuple(broken))


def _nearest(word: str, names: dict[str, str]) -> str:
    """'你是不是想写…' for the closest slug or display name, '' when nothing is close."""
    close = difflib.get_close_matches(word, list(names), n=1, cutoff=0.4)
    if not close:
        by_name = difflib.get_close_matches(word, list(names.values()), n=1, cutoff=0.3)
        close = [next(slug for slug, name in names.items() if name == by_name[0])] if by_name else []
    return f"你是不是想写“{close[0]}”（{names[close[0]]}）？" if close else ""


def find_catalogue(refs: References, wanted: str) -> Catalogue | str:
    """The catalogue named by folder name or full name, or a Chinese message saying what to write instead."""
    for slug, catalogue in refs.catalogues.items():
        if wanted in (slug, catalogue.name, catalogue.government):
            return catalogue
    broken = f"data/catalogues/{wanted}/{CATALOGUE_FILE}"
    if broken in refs.broken:
        return f"目录文件 {broken} 有错误。请先运行 gongkai validate 并修正它。"
    names = {slug: c.name for slug, c in refs.catalogues.items()}
    listing = "、".join(names) or "（没有）"
    return f"目录“{wanted}”不存在。{_nearest(wanted, names)}已有的目录（data/catalogues/ 下的文件夹名）：{listing}。"


def find_domain(refs: References, wanted: str) -> Domain | str:
    """The domain named by file name, name or a name variant, or a Chinese message saying what to write instead."""
    for slug, domain in refs.domains.items():
        if wanted in (slug, domain.name, *domain.variants):
            return domain
    names = {slug: d.name for slug, d in refs.domains.items()}
    return f"领域“{wanted}”不存在。{_nearest(wanted, names)}领域可以写文件名（例如 shehui-jiuzhu）或名称（例如 社会救助），见 data/domains/。"


def _configure_import(commands: Any) -> None:
    sheet = commands.add_parser(
        "import-xlsx", help="从 Excel 表格（或导出的 CSV、JSON）导入事项",
        description="读取标准格式的政务公开事项目录表格，把每一行写成一个事项文件；已有同名事项时更新原文件，不会重复。"
                    "任何一行有错误时不写入任何文件（除非加 --write-good-rows）。也可以读取 gongkai export 导出的 .csv 和 .json 文件。")
    sheet.add_argument("file", type=Path, metavar="FILE", help="要导入的 .xlsx、.csv 或 .json 文件")
    sheet.add_argument("--catalogue", required=True, help="导入到哪个目录：目录文件夹名（例如 shili-xian）或目录名称")
    sheet.add_argument("--sheet", help="只读取这个工作表（默认读取所有带表头的工作表）")
    sheet.add_argument("--domain", help="所有行都属于这个领域：文件名（例如 shehui-jiuzhu）或名称（例如 社会救助）。"
                                        "不填时从“领域”列、工作表名称或标题行中识别")
    sheet.add_argument("--write-good-rows", action="store_true", help="有错误的行不导入，其余的行照常写入")


def _run_import(args: argparse.Namespace, layout: Layout) -> int:
    from .sheet_import import run_import

    return run_import(args, layout)


def _configure_export(commands: Any) -> None:
    out = commands.add_parser(
        "export", help="把事项导出为 Excel 表格、CSV 或 JSON",
        description="按标准目录的列顺序导出事项，每个事项一行；右侧附加的几列（事项编号、时限结构等）用于原样导回，请勿删除。")
    out.add_argument("--catalogue", help="只导出这个目录：目录文件夹名或目录名称（默认全部目录）")
    out.add_argument("--domain", help="只导出这个领域：文件名或名称（默认全部领域）")
    out.add_argument("--format", choices=["xlsx", "csv", "json"], help="输出格式（默认按输出文件的扩展名）")
    out.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="输出文件")


def _run_export(args: argparse.Namespace, layout: Layout) -> int:
    from .sheet_export import run_export

    return run_export(args, layout)


IMPORT_COMMAND = (_configure_import, _run_import)
EXPORT_COMMAND = (_configure_export, _run_export)
"""(add the arguments, run) pairs for cli.COMMANDS."""


def usage_error(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_USAGE
