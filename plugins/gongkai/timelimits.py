"""Read a 公开时限 cell of a real catalogue into the schema's `time_limit` structure.

The parser is deliberately conservative: every part of a cell must be understood, or the
whole cell is left unread (`None`) so the importer keeps the text verbatim and warns.
A wrong structured reading would be published as fact; a missing one only costs a review.

A cell that says 同上 ("as above") is not a time limit at all: `parse_time_limit` raises
`Ditto`, and the importer repeats the time limit of the row above.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Ditto", "ParsedTimeLimit", "parse_time_limit"]


@dataclass(frozen=True)
class ParsedTimeLimit:
    clauses: tuple[dict[str, Any], ...]
    law_may_override: bool = False


class Ditto(Exception):
    """The cell says 同上: use the time limit of the row above."""


class _Unreadable(Exception):
    """Internal: some part of the cell was not understood, so the whole cell is left unread."""


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_ALTERNATIVE_SEP = re.compile(r"\s+/\s+|\n")
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"…+|\.{2,}|⋯+")
_WRAPPED_WORD = re.compile(r"\((工作日|自然日|日|天|小时|予以公开|公开|公布|答复)\)")
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+(?=个|工作日|自然日|日|天|小时|月|年|次)")
_DITTO = re.compile(r"同上[。.;,]?")
_OVERRIDE = re.compile(
    r"[,;。]?\(?(?:法律、?法规|法律法规|法律、行政法规)(?:对[^,;。()]{0,30}?)?另有规定的?,?(?:从其规定|依照其规定|按其规定|除外)(?:执行)?\)?[。;]?"
)
_SENTENCE_SEP = re.compile(r"[;。]")
_ITEM_MARKER = re.compile(r"^(?:\(?\d{1,2}[.、)]|[一二三四五六七八九十][、.]|[①-⑩])(?!\d)")
_COLON_SCOPE = re.compile(r"^(?P<scope>[^:\d]{1,30}):(?P<rest>.+)$")
_SHOULD_SCOPE = re.compile(r"^(?:其中)?(?P<scope>[^\d,]{2,30}?)(?:应当|应|须)(?=在|自|于|从|\d)(?P<rest>.+)$")
_AT_SCOPE = re.compile(r"^(?P<scope>[^\d,]{2,20}?(?:信息|事项))在(?P<rest>[^\d]+?(?:之日起|之日|之后|后)\d.+)$")

_AMOUNT = re.compile(r"(?P<n>\d+)(?:(?P<ge>个)?(?P<unit>工作日|自然日|小时|月)|(?P<unit2>日|天|年))")
_UNITS = {"工作日": "工作日", "自然日": "日", "日": "日", "天": "日", "小时": "小时", "月": "月", "年": "年"}
_HEAD_FILLER = re.compile(r"(?:的)?(?:最迟|最长)?(?:要|应当|应|须)?(?:在|于)?$")
_HEAD_MARK = re.compile(r"(?:之日起|之日|之后|以后|后|起)$")
_HEAD_LEAD = re.compile(r"^(?:自|从|于|在)")
_ANCHOR_NOISE = re.compile(r"[\d,;:]")
_VAGUE = re.compile(r"规定|情况|视|根据|按照|另行|附件|相关要求|等")

_TAIL = re.compile(
    r"^(?:以内|内)?(?:予以|及时|依法|主动|向社会|对外)*"
    r"(?:在[^\d,]{1,15}?(?:公示栏|公告栏|公开栏|网站|平台|大厅|显著位置)(?:上|内|中)?)?"
    r"(?:予以|及时|依法|主动|向社会|对外)*"
    r"(?:(?P<verb>公开|公布|公告|公示|发布|答复|举行|召开|更新)(?P<obj>[^\d,:]{0,20}))?$"
)
_CHANNEL_HINT = re.compile(
    r"^(?:并)?在[^\d,]{1,15}?(?:公示栏|公告栏|公开栏|网站|平台|大厅|显著位置|村|社区)(?:上|内|中)?(?:予以)?(?:公开|公示|公布|张贴|发布)$"
)
_CONTEXTS = {re.compile(r"^对涉及(?:特别重大、)?重大突发事件的政务舆情$"): "重大突发事件舆情"}

_MIN_DISPLAY = re.compile(
    r"^(?P<pre>[^\d,]*?)(?P<kw>公示|公告|征求意见)(?:期限|期|时间)?(?:应|为|不得少于|不少于|不低于|不短于|至少)*"
    r"(?P<amount>\d+(?:个)?(?:工作日|自然日|小时|月|日|天))(?:以上)?$"
)
_REALTIME = re.compile(r"^实时(?:公开|更新|发布)?$")
_ASAP = re.compile(
    r"^(?:(?:按|根据)(?P<progress>[^\d,]{1,10}?)情况|(?P<event>[^\d,]{2,30}?)(?:后|时))?"
    r"(?:及时|即时|第一时间)(?:予以)?(?:公开|发布|公布|更新)?$"
)
_STANDING = re.compile(r"^(?P<word>长期|常年|永久|常态化?)(?:公开|有效)?(?:\((?P<note>[^()\d]{1,20})\))?$")
_DUE = re.compile(r"^每年(?P<month>\d{1,2})月(?P<day>\d{1,2})日(?:前|之前|以前)(?P<tail>.*)$")
_EVERY_PREFIXED = re.compile(r"^(?:至少)?(?:每|按)(?P<every>月|季度|季|半年|年)(?:度)?(?:至少)?(?:公开|更新|发布|公布)?(?:1次)?$")
_EVERY_COUNTED = re.compile(r"^(?P<every>月|季度|季|半年|年)(?:度)?(?:至少|不少于)?(?:公开|更新|发布|公布)1次$")
_SYNC_WITH = re.compile(r"^随(?:同)?(?P<what>[^\d,]{2,40}?)(?:一并|一同|同步)?(?:公开|发布|公布)$")
_SYNC_ALONG = re.compile(r"^与(?P<what>[^\d,]{2,40}?)同步(?:公开|发布|公布)?$")
_SYNC_WHEN = re.compile(r"^在(?P<what>[^\d,]{2,40}?)时(?:同步)?(?:公开|公布|公示|发布)?$")
_SYNC_BARE = re.compile(r"^同步(?:公开|发布|公布)$")
_ON_REQUEST = re.compile(r"^依申请(?:公开)?$")
_KEY_ORDER = ("kind", "anchor", "amount", "unit", "every", "due", "applies_to", "note")
_EVERY_NAMES = {"月": "月", "季": "季度", "季度": "季度", "半年": "半年", "年": "年"}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

_FORMED_OR_CHANGED = "信息形成或变更"
_DEFAULT_ANCHOR = "信息形成"
"""What catalogues mean by a bare "20个工作日" (the regulation's default term): counted from when the information is formed.
Bare calendar-day, month or hour terms have no such convention and stay unread."""

_INFO_HOLDER = r"(?:自)?(?:该|本|公开事项|相关)?(?:政府)?"


_TWO_ADMIN_ACTS = re.compile(r"^行政(\w+?)(?:和|及|、|或)行政(\w+)$")


def _decided(match: re.Match[str]) -> str:
    subject = _TWO_ADMIN_ACTS.sub(r"行政\1或\2", match["what"])
    return f"作出{subject}决定"


_ANCHORS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(_INFO_HOLDER + r"(?:信息)?形成(?:(?:或者|或|和|及|、)变更|\((?:或)?变更\))"), lambda m: _FORMED_OR_CHANGED),
    (re.compile(_INFO_HOLDER + r"信息形成"), lambda m: _DEFAULT_ANCHOR),
    (re.compile(r"信息形成\(变更\)下发至本单位|(?:文件)?下发至本单位"), lambda m: "文件下发至本单位"),
    (re.compile(r"信息获取\(形成、?(?:或)?变更\)"), lambda m: "信息获取、形成或变更"),
    (re.compile(r"(?P<verb>制定|制作)或(?:者)?获取(?:该)?(?:政府)?信息"), lambda m: f"{m['verb']}或获取"),
    (re.compile(r"收到(?:政府信息公开)?申请"), lambda m: "收到申请"),
    (re.compile(r"(?:[^\d,]+?经)?(?:本级)?(?:政府)?财政部门批复"), lambda m: "财政部门批复"),
    (re.compile(r"(?:本级)?人大(?:会议)?批复"), lambda m: "人大批复"),
    (re.compile(r"(?:本级)?(?:人民代表大会|人大)(?:或其|及其|或)(?:常务委员会|常委会)批准"), lambda m: "人大或其常委会批准"),
    (re.compile(r"(?P<what>[^\d,]*?)决定作出"), _decided),
    (re.compile(r"拟征收土地现状调查结束"), lambda m: "现状调查结束"),
)
_OTHER_INFO = re.compile(r"(?P<scope>其他[^\d,]{0,6}?信息)(?P<event>形成(?:或者|或)变更)")


@dataclass
class _Sentence:
    """State shared by the comma-separated pieces of one sentence."""

    scope: str | None = None
    context: str | None = None
    on_request: bool = False
    clauses: list[dict[str, Any]] = field(default_factory=list)


def parse_time_limit(text: str) -> ParsedTimeLimit | None:
    """None when the wording cannot be read with confidence: the caller keeps the text verbatim and warns; never guess."""
    if not text or not text.strip():
        return None
    normalized = [_normalize(part) for part in _ALTERNATIVE_SEP.split(text.translate(_FULL_WIDTH))]
    normalized = [part for part in normalized if part]
    if len(normalized) == 1 and _DITTO.fullmatch(normalized[0]):
        raise Ditto(text)
    try:
        return _parse_cell(normalized)
    except _Unreadable:
        return None


def _normalize(part: str) -> str:
    part = _SPACE.sub("", part)
    part = _ELLIPSIS.sub(",", part)
    part = _WRAPPED_WORD.sub(r"\1", part)
    return _CN_NUMBER.sub(lambda m: str(_chinese_number(m.group())), part)


def _chinese_number(numeral: str) -> int:
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if "十" not in numeral and "百" not in numeral:
        return int("".join(str(digits[c]) for c in numeral))
    total, current = 0, 0
    for char in numeral:
        if char in digits:
            current = digits[char]
        else:
            total += (current or 1) * (10 if char == "十" else 100)
            current = 0
    return total + current


def _parse_cell(parts: list[str]) -> ParsedTimeLimit | None:
    law_may_override = False
    clauses: list[dict[str, Any]] = []
    for part in parts:
        part, count = _OVERRIDE.subn(";", part)
        law_may_override = law_may_override or count > 0
        for sentence in _SENTENCE_SEP.split(part):
            clauses.extend(_parse_sentence(sentence))
    if not clauses or len(clauses) > 10:
        return None
    return ParsedTimeLimit(tuple(clauses), law_may_override)


def _parse_sentence(sentence: str) -> list[dict[str, Any]]:
    sentence = _ITEM_MARKER.sub("", sentence.strip(","))
    if not sentence:
        return []
    state = _Sentence()
    if scoped := _COLON_SCOPE.match(sentence):
        state.scope, sentence = scoped["scope"], scoped["rest"]
    for piece in sentence.split(","):
        if piece:
            _parse_piece(piece, state)
    if not state.clauses:
        raise _Unreadable(sentence)
    if state.on_request and not any(c["kind"] == "on_request" for c in state.clauses):
        raise _Unreadable(sentence)
    return state.clauses


def _parse_piece(piece: str, state: _Sentence) -> None:
    for pattern, anchor in _CONTEXTS.items():
        if pattern.match(piece):
            state.context = anchor
            return
    if _ON_REQUEST.match(piece):
        state.on_request = True
        return
    if _CHANNEL_HINT.match(piece):
        if not state.clauses:
            raise _Unreadable(piece)
        return
    clause = _simple_clause(piece) or _min_display(piece) or _deadline(piece, state)
    if clause is None:
        raise _Unreadable(piece)
    if state.scope and "applies_to" not in clause:
        clause["applies_to"] = state.scope
    state.clauses.append({key: clause[key] for key in _KEY_ORDER if key in clause})


def _simple_clause(piece: str) -> dict[str, Any] | None:
    if _REALTIME.match(piece):
        return {"kind": "realtime"}
    if m := _ASAP.match(piece):
        if m["progress"] or m["event"]:
            anchor = _anchor(m["event"], marked=True) if m["event"] else m["progress"]
            return None if anchor is None or _VAGUE.search(anchor) else {"kind": "asap", "anchor": anchor}
        return {"kind": "asap"}
    if m := _STANDING.match(piece):
        clause: dict[str, Any] = {"kind": "standing"}
        notes = [n for n in ("永久" if m["word"] == "永久" else None, m["note"]) if n]
        if notes:
            clause["note"] = ";".join(notes)
        return clause
    if m := _DUE.match(piece):
        month, day = int(m["month"]), int(m["day"])
        note = _tail_note(m["tail"])
        if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
            return None
        clause = {"kind": "periodic", "due": f"{month:02d}-{day:02d}"}
        return clause | {"note": note} if note else clause
    if m := _EVERY_PREFIXED.match(piece) or _EVERY_COUNTED.match(piece):
        return {"kind": "periodic", "every": _EVERY_NAMES[m["every"]]}
    if m := _SYNC_WITH.match(piece) or _SYNC_ALONG.match(piece):
        return _event_sync("/".join(m["what"].split("、")) + "发布")
    if m := _SYNC_WHEN.match(piece):
        return _event_sync(m["what"])
    if _SYNC_BARE.match(piece):
        return {"kind": "event_sync"}
    return None


def _event_sync(anchor: str) -> dict[str, Any] | None:
    return None if _VAGUE.search(anchor) else {"kind": "event_sync", "anchor": anchor}


def _min_display(piece: str) -> dict[str, Any] | None:
    m = _MIN_DISPLAY.match(piece)
    if m is None:
        return None
    amount = _AMOUNT.fullmatch(m["amount"])
    if amount is None:
        return None
    clause: dict[str, Any] = {"kind": "min_display", **_amount_unit(amount)}
    pre = m["pre"].removesuffix("的")
    if pre and _VAGUE.search(pre):
        return None
    if marked := _HEAD_MARK.search(pre):
        anchor = _anchor(_HEAD_LEAD.sub("", pre[: marked.start()]), marked=True)
        if anchor is None:
            return None
        clause["anchor"] = anchor
    elif pre:
        clause["applies_to"] = pre + m["kw"]
    if m["kw"] == "征求意见":
        clause["note"] = "征求意见期"
    return clause


def _deadline(piece: str, state: _Sentence) -> dict[str, Any] | None:
    rest, scope = piece, None
    if (scoped := _SHOULD_SCOPE.match(piece) or _AT_SCOPE.match(piece)) and not _VAGUE.search(scoped["scope"]):
        rest, scope = scoped["rest"], scoped["scope"]
    amounts = list(_AMOUNT.finditer(rest))
    if len(amounts) != 1:
        return None
    amount = amounts[0]
    note = _tail_note(rest[amount.end() :])
    head = _HEAD_FILLER.sub("", rest[: amount.start()])
    marked = _HEAD_MARK.search(head)
    if marked:
        head = head[: marked.start()]
    head = _HEAD_LEAD.sub("", head)
    clause: dict[str, Any] = {"kind": "deadline"}
    if scope:
        clause["applies_to"] = scope
    if head:
        if other := _OTHER_INFO.fullmatch(head):
            clause["applies_to"] = other["scope"]
            head = "信息" + other["event"]
        anchor = _anchor(head, marked=marked is not None)
    elif state.context:
        anchor = state.context
    elif state.on_request:
        anchor = "收到申请"
    elif not note and amount["unit"] == "工作日":
        anchor = _DEFAULT_ANCHOR
    else:
        return None
    if anchor is None:
        return None
    if anchor == "收到申请":
        clause["kind"] = "on_request"
    clause |= {"anchor": anchor, **_amount_unit(amount)}
    return clause | {"note": note} if note else clause


def _anchor(raw: str, *, marked: bool) -> str | None:
    """Canonical anchor for known wordings; other anchors only when the text marks them as the start (之日起, 后)."""
    for pattern, canonical in _ANCHORS:
        if m := pattern.fullmatch(raw):
            return canonical(m)
    if not marked or not 2 <= len(raw) <= 30 or _VAGUE.search(raw) or _ANCHOR_NOISE.search(raw):
        return None
    return raw


def _amount_unit(m: re.Match[str]) -> dict[str, Any]:
    amount = int(m["n"])
    if not 1 <= amount <= 3660:
        raise _Unreadable(m.group())
    return {"amount": amount, "unit": _UNITS[m["unit"] or m["unit2"]]}


def _tail_note(tail: str) -> str | None:
    """What follows the amount: None when it only says "publish", else the published object, kept as a note."""
    m = _TAIL.match(tail)
    if m is None or (m["obj"] and _VAGUE.search(m["obj"])):
        raise _Unreadable(tail)
    return m["obj"] or None
