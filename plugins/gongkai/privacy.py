"""Personal information in department-written text: resident ID, mobile and bank card numbers.

The disclosure rules require de-identification (去标识化): published catalogue text must not carry a
person's ID number, mobile number or bank card number. Such numbers get pasted in by accident and spelled
every which way (full-width digits, spaces or hyphens between groups, invisible characters copied from chat
tools, inside a link), so the search runs on a normalised copy and reports positions in the original text.

Catalogue text is full of innocent numbers (dates, document numbers, amounts, hotlines, ids in links), so a
number is only reported when its whole digit run has the right length and grouping and passes the checks of
its kind; digits inside a longer run are never a finding. Pure: no I/O, only "today" for birth dates.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from .clock import china_today

ID_NUMBER, MOBILE, BANK_CARD = "id_number", "mobile", "bank_card"
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class PersonalFinding:
    kind: str
    """"id_number", "mobile" or "bank_card"."""
    severity: str
    """"error" when the number certainly is one (check digit, Luhn), "warning" when it only looks like one."""
    start: int
    """Index in the original text where the number starts."""
    end: int
    """Index just after it, in the original text."""
    masked: str
    """The number as it may be shown: never the full number."""
    message: str
    """One sentence for the department: what was found (masked), why it may not be published, how to mask it."""


# --- normalising -------------------------------------------------------------------------------------------

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
"""Invisible characters that chat tools and word processors leave inside numbers; dropped before searching."""
_ZERO_WIDTH_RUN = re.compile(f"[{_ZERO_WIDTH}]+")

_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # full-width digits
        "Ｘ": "X",
        "ｘ": "x",
        "＋": "+",
        "（": "(",
        "）": ")",
        **dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"),
    }
)
"""NFKC restricted to what numbers are written with: digits, X and separators, one character for one.
Deliberately not full NFKC: ① or ² would become digits and glue onto a following number."""


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """The searchable copy and, when characters were dropped, the original index of each of its characters."""
    if not _ZERO_WIDTH_RUN.search(text):
        return text.translate(_FOLD), None
    origin: list[int] = []
    kept: list[str] = []
    position = 0
    for run in _ZERO_WIDTH_RUN.finditer(text):
        kept.append(text[position : run.start()])
        origin.extend(range(position, run.start()))
        position = run.end()
    kept.append(text[position:])
    origin.extend(range(position, len(text)))
    return "".join(kept).translate(_FOLD), origin


# --- the checks of each kind -------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_EARLIEST_BIRTH = dt.date(1900, 1, 1)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def id_check_character(first17: str) -> str:
    """The GB 11643-1999 check character (0-9 or X) of the first 17 digits of a resident ID."""
    return _ID_CHECK[sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check that bank card numbers carry in their last digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _real_birth(year: int, month: int, day: int, today: dt.date) -> bool:
    try:
        birth = dt.date(year, month, day)
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= birth <= today


def _id18_shape(number: str, today: dt.date) -> bool:
    """Region code, a real birth date and sequence digits: what an 18-digit ID looks like before its check."""
    return number[0] != "0" and _real_birth(int(number[6:10]), int(number[10:12]), int(number[12:14]), today)


def _id15_shape(number: str) -> bool:
    """The 15-digit IDs issued before 1999: region code, 19YYMMDD birth date, 3-digit sequence, no check."""
    return number[0] != "0" and _real_birth(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]), dt.date.max)


def _plausible_iin(digits: str) -> bool:
    """Issuer prefixes of cards in use in China, each with the lengths it is issued in.

    Deliberately narrow, because 18-digit 统一社会信用代码 of social organisations (51…, 52…, 53…) and other
    long codes are published legitimately and one in ten passes Luhn by chance."""
    length = len(digits)
    if digits.startswith(("62", "60")):  # UnionPay; 601382… Bank of China
        return True
    if digits[0] == "4":  # Visa
        return length in (16, 19)
    if digits.startswith("35"):  # JCB
        return length in (16, 19)
    if length == 16 and ("51" <= digits[:2] <= "55" or "2221" <= digits[:4] <= "2720"):  # Mastercard
        return True
    return length == 19 and digits.startswith(("9558", "95599"))  # ICBC and ABC domestic cards


# --- masks and messages ------------------------------------------------------------------------------------


def _mask_id(number: str) -> str:
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[-4:]
    return number[:6] + "*" * 6 + number[-3:]


def _mask_mobile(number: str) -> str:
    return number[:3] + "****" + number[-4:]


def _mask_card(number: str) -> str:
    hidden = len(number) - 8
    stars = ["****"] * (hidden // 4) + (["*" * (hidden % 4)] if hidden % 4 else [])
    return " ".join([number[:4], *stars, number[-4:]])


def _message(kind: str, severity: str, masked: str, length: int) -> str:
    if kind == MOBILE:
        return (
            f"发现手机号码 {masked}：个人手机号码属于个人信息，按去标识化要求不得公开，"
            f"请改写为 {masked} 这样的形式（保留前三位和后四位），或改用办公电话。"
        )
    if kind == BANK_CARD:
        return (
            f"发现银行卡号 {masked}：个人银行卡号属于个人信息，按去标识化要求不得公开，"
            f"请改写为 {masked} 这样的形式（保留前四位和后四位）。"
        )
    kept = "保留前六位和后四位" if length == 18 else "保留前六位和后三位"
    if severity == ERROR:
        return f"发现身份证号 {masked}：身份证号属于个人信息，按去标识化要求不得公开，请改写为 {masked} 这样的形式（{kept}）。"
    if length == 18:
        what = "可能是身份证号，校验位不符，但地区码和出生日期都像身份证号"
    else:
        what = "可能是15位旧身份证号，地区码和出生日期都像身份证号"
    return f"{masked} {what}：身份证号属于个人信息，不得公开，请核对，如果是身份证号请遮盖为 {masked} 这样的形式（{kept}）。"


# --- finding numbers ---------------------------------------------------------------------------------------

_GROUP = re.compile(r"[0-9]+(?:\.[0-9]+)*(?:[Xx](?![A-Za-z]))?")
"""A maximal digit run; a trailing X not followed by a letter (an ID's check character) belongs to it. Runs joined by a decimal point
(3.1415926, 10.0.0.1) are one number and never personal: they only break chains."""
_SPREADSHEET_FLOAT = re.compile(r"([0-9]{11,19})\.0+")
"""13812345678.0: a number that went through a spreadsheet as a float; its integer part is the number."""
_SEPARATOR = re.compile(r"[ \t]{1,2}|[ \t]?-[ \t]?")
"""What people put between the groups of one number: 138 1234 5678, 138-1234-5678, 110105 - 1949…"""
_HEXLIKE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{16,}(?![0-9A-Za-z])")
"""Hashes and ids in links (5f3a13812345678e…): decimal runs inside them are not numbers someone wrote."""

_MOBILE_BREAKS = frozenset({3, 7})
_ID18_BREAKS = frozenset({6, 10, 12, 14, 17})
_ID15_BREAKS = frozenset({6, 8, 10, 12})
_FOURS = frozenset({4, 8, 12, 16})
_BIN = frozenset({6})
_ANY_BREAK = _MOBILE_BREAKS | _ID18_BREAKS | _ID15_BREAKS | _FOURS | _BIN
"""Where a separator may stand inside a number (digits before it): 3-4-4 mobiles, an ID split after its
region code, year, month, day or before its check, groups of four, a card split after its 6-digit BIN."""
_LONGEST = 19
_KIND_ORDER = {ID_NUMBER: 0, BANK_CARD: 1, MOBILE: 2}


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    number: str
    """Digits, and X last for an ID check character."""


@dataclass(frozen=True)
class _Candidate:
    kind: str
    severity: str
    number: str
    start: int
    end: int


def _classify(number: str, breaks: frozenset[int], today: dt.date) -> tuple[str, str] | None:
    """(kind, severity) of a whole number written with separators after `breaks` digits, or None."""
    length = len(number)
    if length == 18:
        as_id = _id18_shape(number, today) and (breaks <= _ID18_BREAKS or breaks <= _FOURS)
        if as_id and id_check_character(number[:17]) == number[17].upper():
            return ID_NUMBER, ERROR
        if number[-1] not in "Xx" and _is_card(number, breaks):
            return BANK_CARD, ERROR
        return (ID_NUMBER, WARNING) if as_id else None
    if number[-1] in "Xx":
        return None
    if length == 11:
        return (MOBILE, ERROR) if breaks <= _MOBILE_BREAKS and _MOBILE.fullmatch(number) else None
    if length == 15:
        return (ID_NUMBER, WARNING) if breaks <= _ID15_BREAKS and _id15_shape(number) else None
    if 16 <= length <= _LONGEST:
        return (BANK_CARD, ERROR) if _is_card(number, breaks) else None
    return None


def _is_card(number: str, breaks: frozenset[int]) -> bool:
    return (breaks <= _FOURS or breaks <= _BIN) and _plausible_iin(number) and luhn_ok(number)


def _chains(norm: str) -> Iterator[list[_Group]]:
    """Digit groups joined by single separators: the numbers as written, before deciding where one ends."""
    chain: list[_Group] = []
    for match in _GROUP.finditer(norm):
        text = match.group()
        if "." in text:
            if chain:
                yield chain
            chain = []
            whole = _SPREADSHEET_FLOAT.fullmatch(text)
            if whole:
                yield [_Group(match.start(), match.start() + len(whole[1]), whole[1])]
            continue
        group = _Group(match.start(), match.end(), text.upper())
        if chain:
            previous = chain[-1]
            between = norm[previous.end : group.start]
            if previous.number[-1] == "X" or len(between) > 3 or not _SEPARATOR.fullmatch(between):
                yield chain
                chain = []
        chain.append(group)
    if chain:
        yield chain


def _country_code_mobile(group: _Group, norm: str) -> _Candidate | None:
    """+8613812345678 and 008613812345678: a mobile with the country code written without a separator."""
    number = group.number
    for prefix, needs_plus in (("86", True), ("0086", False)):
        rest = number[len(prefix) :]
        if (
            number.startswith(prefix)
            and len(rest) == 11
            and _MOBILE.fullmatch(rest)
            and (not needs_plus or norm[group.start - 1 : group.start] == "+")
        ):
            return _Candidate(MOBILE, ERROR, rest, group.start + len(prefix), group.end)
    return None


def _chain_findings(chain: list[_Group], norm: str, today: dt.date) -> list[_Candidate]:
    """The best non-overlapping numbers of one chain: errors before warnings, then the longer number.

    Every run of whole groups is tried (at most 19 digits, so this stays linear in the chain): "2024 13812345678"
    is a year and a mobile, "138 1234 5678" one mobile."""
    found: list[tuple[tuple[int, int, int, int], int, int, _Candidate]] = []
    for first in range(len(chain)):
        number = ""
        breaks: list[int] = []
        for last in range(first, len(chain)):
            group = chain[last]
            if last > first:
                if len(number) not in _ANY_BREAK:
                    break
                breaks.append(len(number))
            number += group.number
            if len(number) > _LONGEST:
                break
            kind_severity = _classify(number, frozenset(breaks), today)
            if kind_severity:
                candidate = _Candidate(*kind_severity, number, chain[first].start, group.end)
            elif last == first:
                candidate = _country_code_mobile(group, norm)
            else:
                candidate = None
            if candidate:
                rank = (candidate.severity != ERROR, -len(candidate.number), _KIND_ORDER[candidate.kind], candidate.start)
                found.append((rank, first, last, candidate))
            if group.number[-1] == "X":
                break
    found.sort(key=lambda item: item[0])
    taken = [False] * len(chain)
    chosen: list[_Candidate] = []
    for _rank, first, last, candidate in found:
        if not any(taken[first : last + 1]):
            taken[first : last + 1] = [True] * (last - first + 1)
            chosen.append(candidate)
    return chosen


_DIGIT = re.compile("[0-9\uff10-\uff19]")


def find_personal(text: str, *, today: dt.date | None = None) -> list[PersonalFinding]:
    """Every resident ID, mobile and bank card number in `text`, in order, never overlapping.

    `today` bounds the birth dates an ID may have (Beijing time by default)."""
    if len(_DIGIT.findall(text)) < 11:
        return []  # the shortest number looked for (a mobile) has 11 digits; most text has far fewer
    today = today or china_today()
    norm, origin = _normalise(text)
    hexlike = [(m.start(), m.end()) for m in _HEXLIKE.finditer(norm) if not m.group().isdigit()]
    hex_starts = [start for start, _end in hexlike]

    def in_hexlike(position: int) -> bool:
        index = bisect_right(hex_starts, position) - 1
        return index >= 0 and position < hexlike[index][1]

    findings: list[PersonalFinding] = []
    for chain in _chains(norm):
        for candidate in _chain_findings(chain, norm, today):
            if in_hexlike(candidate.start) or in_hexlike(candidate.end - 1):
                continue
            start = origin[candidate.start] if origin is not None else candidate.start
            end = origin[candidate.end - 1] + 1 if origin is not None else candidate.end
            number = candidate.number
            if candidate.kind == ID_NUMBER:
                masked = _mask_id(number)
            elif candidate.kind == MOBILE:
                masked = _mask_mobile(number)
            else:
                masked = _mask_card(number)
            message = _message(candidate.kind, candidate.severity, masked, len(number))
            findings.append(PersonalFinding(candidate.kind, candidate.severity, start, end, masked, message))
    findings.sort(key=lambda finding: finding.start)
    return findings


def mask_personal(text: str, *, today: dt.date | None = None) -> str:
    """`text` with every finding replaced by its masked form, safe to repeat in error messages and logs."""
    pieces: list[str] = []
    position = 0
    for finding in find_personal(text, today=today):
        pieces.append(text[position : finding.start])
        pieces.append(finding.masked)
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)
