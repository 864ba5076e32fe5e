"""Pure checks on strings departments write: published-document URLs, text values and identifiers.

Departments paste from web pages, Word and WeChat, so values arrive with invisible characters, look-alike
letters and links to intranet hosts. These functions only look at the string: no file, network or DNS
access, so they can run anywhere (validation, the web form, tests) and always give the same answer.

Findings are grouped: one finding per kind of problem per string, with a count and the first position,
so a pasted document gives a handful of findings rather than hundreds. Messages are one Chinese sentence
each, say what is wrong and what to do, and quote at most about 40 characters of the value.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import unquote

__all__ = ["TextFinding", "nfc_if_safe", "text_findings", "url_findings"]

ERROR, WARNING = "error", "warning"
QUOTE_LIMIT = 40
"""At most this many characters of a value are quoted in a message."""
CONTEXT = 6
"""Characters shown either side of the first occurrence, so the writer can find it."""


@dataclass(frozen=True)
class TextFinding:
    """One problem in a string; `index` is the 0-based position of its first occurrence (0 when not meaningful)."""

    severity: str
    message: str
    index: int = 0


# --- character classes --------------------------------------------------------------------------------

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_ZERO_WIDTH = frozenset(
    "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u034f\u115f\u1160\u3164\uffa0"
    "\u17b4\u17b5\ufff9\ufffa\ufffb"
)
"""Invisible characters; the tag characters U+E0000–U+E007F are added in `_char_kind`."""
_LINE_SEPARATORS = frozenset("\u2028\u2029")
_CONTROL_NAMES = {
    "\x00": "空字符", "\x08": "退格符", "\t": "制表符", "\n": "换行符", "\x0b": "垂直制表符",
    "\x0c": "换页符", "\r": "回车符", "\x1b": "转义符", "\x7f": "删除符", "\x85": "下一行符",
}
_IDENTIFIER_OK = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


_TAB_NEWLINE = str.maketrans("", "", "\t\n\r")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
"""What browsers strip from both ends of a URL."""
_SUSPECT = re.compile(
    "[" + re.escape("".join(sorted(_BIDI | _ZERO_WIDTH | _LINE_SEPARATORS)))
    + "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff\U000e0000-\U000e007f"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(1, 17)) + "\U000f0000-\U0010fffd]"
)
"""Every character `_char_kind` can object to in text: one search in C spares the character loop for almost all values."""


def _is_noncharacter(cp: int) -> bool:
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _is_private_use(cp: int) -> bool:
    return 0xE000 <= cp <= 0xF8FF or 0xF0000 <= cp <= 0xFFFFD or 0x100000 <= cp <= 0x10FFFD


def _is_control(ch: str, *, allow_tab_newline: bool) -> bool:
    cp = ord(ch)
    if ch in "\t\n":
        return not allow_tab_newline
    return cp < 0x20 or 0x7F <= cp <= 0x9F


def _char_kind(ch: str, index: int, mode: str) -> str | None:
    """The kind of problem one character is, or None; each character belongs to at most one kind.

    mode is "text", "identifier" or "url"; a leading U+FEFF in text is a byte-order mark, not a problem.
    """
    cp = ord(ch)
    if cp < 0x80 and 0x20 <= cp < 0x7F:
        if mode == "identifier" and ch not in _IDENTIFIER_OK:
            return "identifier"
        if mode == "url" and ch == " ":
            return "space"
        return None
    if 0xD800 <= cp <= 0xDFFF:
        return "surrogate"
    if _is_noncharacter(cp):
        return "noncharacter"
    if ch in _BIDI:
        return "bidi"
    if ch in _ZERO_WIDTH or 0xE0000 <= cp <= 0xE007F:
        if ch == "\ufeff" and index == 0 and mode == "text":
            return None
        return "invisible"
    if _is_control(ch, allow_tab_newline=mode == "text"):
        return "control"
    if ch in _LINE_SEPARATORS:
        return "line_separator"
    if _is_private_use(cp):
        return "private_use"
    if mode == "url" and (ch.isspace() or unicodedata.category(ch) == "Zs"):
        return "space"
    if mode == "identifier" and ch not in _IDENTIFIER_OK:
        return "identifier"
    return None


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def _char_name(ch: str) -> str:
    """Code point and name, e.g. U+202E RIGHT-TO-LEFT OVERRIDE; controls get a Chinese name, surrogates none."""
    name = _CONTROL_NAMES.get(ch) or unicodedata.name(ch, "")
    return f"{_code(ch)} {name}" if name else _code(ch)


def _shown(ch: str) -> str:
    """A character as it can safely appear inside a message: invisible and reordering ones as [U+XXXX]."""
    if ch in "\t\n":
        return " "
    if _char_kind(ch, 1, "text") is not None or (unicodedata.category(ch)[0] in "CZ" and ch != " "):
        return f"[{_code(ch)}]"
    return ch


def visible(text: str) -> str:
    """`text` safe to print in a message or a log: invisible and reordering characters as [U+XXXX]."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(ch if ch == "\n" else _shown(ch) for ch in text)


def _clip(value: str, limit: int = QUOTE_LIMIT) -> str:
    """At most `limit` characters of a value, made safe to show (never the whole of a long value)."""
    shown = "".join(_shown(ch) for ch in value[:limit])
    return shown + "…" if len(value) > limit else shown


def _context(text: str, index: int) -> str:
    """The few characters around one position, so the writer can find it in a long text."""
    start, end = max(0, index - CONTEXT), min(len(text), index + CONTEXT + 1)
    shown = "".join(_shown(ch) for ch in text[start:end])
    return ("…" if start else "") + shown + ("…" if end < len(text) else "")


def _names(chars: Iterable[str], limit: int = 3) -> str:
    distinct = list(dict.fromkeys(chars))
    listed = "、".join(_char_name(ch) for ch in distinct[:limit])
    return listed + (" 等" if len(distinct) > limit else "")


# --- grouped character findings -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Kind:
    severity: str
    label: str
    advice: str
    describe: str = "names"
    """How the message shows the characters: "names" (Unicode names), "quote" (the characters) or "none"."""


_TEXT_KINDS: dict[str, _Kind] = {
    "bidi": _Kind(ERROR, "看不见的文字方向控制符", "通常是从网页或 Word 复制时带入的，请删除"),
    "invisible": _Kind(WARNING, "零宽字符", "请删除，否则搜索时可能找不到"),
    "control": _Kind(ERROR, "控制字符", "可能是从其他软件复制时带入的，请删除（需要换行时请直接换行）"),
    "surrogate": _Kind(ERROR, "残缺字符", "这是不成对的代理码位，说明文字编码已损坏，请重新输入该处的文字"),
    "noncharacter": _Kind(ERROR, "不是有效文字的非字符码位", "请删除"),
    "private_use": _Kind(WARNING, "私用区字符", "可能是 Word 的特殊符号，在其他电脑上显示不出来，请改为普通文字或符号"),
    "line_separator": _Kind(WARNING, "特殊分行符", "有些软件会把它当作换行、有些则显示不出来，请改为普通换行"),
}
_IDENTIFIER_KINDS: dict[str, _Kind] = {
    **_TEXT_KINDS,
    "invisible": _Kind(ERROR, "零宽字符", "标识符中不能有看不见的字符，否则看起来相同的名称实际并不相同，请删除"),
    "control": _Kind(ERROR, "控制字符", "标识符中不能有控制字符（包括制表符和换行），请删除"),
    "line_separator": _Kind(ERROR, "特殊分行符", "标识符中不能有这类字符，请删除"),
    "private_use": _Kind(ERROR, "私用区字符", "标识符中不能有这类字符，请删除"),
    "identifier": _Kind(ERROR, "不允许的字符", "标识符只能使用小写英文字母 a-z、数字 0-9 和连字符 -，请修改", "quote"),
}
_URL_KINDS: dict[str, _Kind] = {
    "bidi": _Kind(ERROR, "看不见的文字方向控制符", "它会让网址显示的样子和实际打开的不同，请删除"),
    "invisible": _Kind(ERROR, "零宽字符", "它会让网址显示的样子和实际打开的不同，请删除"),
    "control": _Kind(ERROR, "控制字符", "网址中不能有控制字符（包括制表符和换行），请删除"),
    "surrogate": _Kind(ERROR, "残缺字符", "这是不成对的代理码位，请重新粘贴正确的网址"),
    "noncharacter": _Kind(ERROR, "不是有效文字的非字符码位", "请删除"),
    "private_use": _Kind(ERROR, "私用区字符", "网址中不能有这类字符，请删除"),
    "line_separator": _Kind(ERROR, "特殊分行符", "网址中不能有这类字符，请删除"),
    "space": _Kind(ERROR, "空格", "请删除，网址本身需要空格时请写成 %20", "none"),
}


def _grouped(text: str, mode: str, kinds: dict[str, _Kind], subject: str) -> list[TextFinding]:
    """One finding per kind of problem character, at its first position, with the count."""
    positions: dict[str, list[int]] = {}
    for index, ch in enumerate(text):
        kind = _char_kind(ch, index, mode)
        if kind is not None:
            positions.setdefault(kind, []).append(index)
    findings = []
    for kind, where in positions.items():
        spec = kinds[kind]
        chars = [text[i] for i in where]
        first = where[0]
        if spec.describe == "names":
            what = _names(chars) + "，"
        elif spec.describe == "quote":
            distinct = list(dict.fromkeys("空格" if ch == " " else f"“{_shown(ch)}”" for ch in chars))
            what = "、".join(distinct[:5]) + (" 等" if len(distinct) > 5 else "") + "，"
        else:
            what = ""
        near = f"在“{_context(text, first)}”处"
        if len(where) == 1:
            message = f"{subject}第 {first + 1} 个字符是{spec.label}（{what}{near}），{spec.advice}"
        else:
            message = f"{subject}有 {len(where)} 个{spec.label}（{what}第 {first + 1} 个字符起，首个{near}），{spec.advice}"
        findings.append(TextFinding(spec.severity, message, first))
    return findings


def any_suspect(texts: Iterable[str]) -> bool:
    """Whether any of `texts` has a character `text_findings` could object to: one search over a whole file's
    strings spares a call per string for almost every file ("\n" is allowed, so it cannot join two into one)."""
    return _SUSPECT.search("\n".join(texts)) is not None


def text_findings(text: str, *, identifier: bool = False) -> list[TextFinding]:
    """Problem characters in a text value, or with identifier=True in a file name, slug or key.

    Ordinary typographic characters (①、㎡、〔〕、full-width punctuation) are fine: legal text is kept as
    written and never NFKC-normalised, so only characters that are invisible, broken or unportable count.
    """
    if identifier:
        kinds = _IDENTIFIER_KINDS
        if any("A" <= ch <= "Z" for ch in text):
            kinds = {**kinds, "identifier": replace(kinds["identifier"], advice=kinds["identifier"].advice + "（大写字母请改为小写）")}
        findings = _grouped(text, "identifier", kinds, "标识符")
    elif _SUSPECT.search(text) is None:
        return []
    else:
        findings = _grouped(text, "text", _TEXT_KINDS, "")
    return sorted(findings, key=lambda f: f.index)


# --- URLs ---------------------------------------------------------------------------------------------

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_ACTIVE_SCHEMES = frozenset({"javascript", "vbscript", "data", "livescript", "mocha", "blob"})
_DOTS = "．｡。"
"""Besides ".", the characters IDNA treats as label separators (browsers turn them into ".")."""
_HOST_ASCII_OK = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-_")
_INTERNAL_SUFFIXES = ("local", "internal", "intranet", "lan", "home.arpa", "localdomain")
_GOV_SUFFIXES = ("gov.cn", "gov", "政务")
_CJK_SCRIPTS = frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA", "BOPOMOFO", "HANGUL"})
"""Scripts that may share one label (UTS 39 "highly restrictive"): Chinese with Latin letters is normal."""
_SCRIPT_NAMES = {
    "LATIN": "英文（拉丁）", "CYRILLIC": "西里尔（俄文）", "GREEK": "希腊", "ARMENIAN": "亚美尼亚",
    "HAN": "汉字", "HIRAGANA": "日文平假名", "KATAKANA": "日文片假名", "HANGUL": "韩文",
}
_LATIN_LOOKALIKES = frozenset("ıȷɡɑɩɪʏɴʀǀɵᴀᴄᴅᴇᴊᴋᴍᴏᴘᴛᴜᴠᴡᴢ")
"""Non-ASCII Latin letters that NFKC leaves alone but that read as plain ASCII letters."""
_SCRIPT_LOOKALIKES = frozenset("аеіјорсухѕԁһӏԛԝүαικνορυօոսհզ")
"""Cyrillic, Greek and Armenian letters that look like ASCII letters (a label made only of them is a fake)."""


def _active_scheme_message(scheme: str) -> str:
    return f"网址以“{_clip(scheme, 20)}:”开头，这类链接会在浏览器中运行代码或直接嵌入内容，请改为 http:// 或 https:// 开头的网址"


def internal_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Addresses the public cannot reach, including IPv4 hidden inside IPv6 (mapped, 6to4, NAT64)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in ipaddress.IPv6Network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and internal_address(embedded):
            return True
        if address.is_site_local:
            return True
    return (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
            or address.is_multicast or address.is_unspecified or not address.is_global)


def _ipv4_number(part: str) -> int | None:
    """One part of an IPv4 host as browsers and inet_aton read it: decimal, 0-prefixed octal or 0x hex."""
    digits, radix = part, 10
    if part[:2] in ("0x", "0X"):
        digits, radix = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        digits, radix = part[1:], 8
    if digits == "":
        return 0 if radix != 10 else None
    allowed = "0123456789abcdefABCDEF"[: {8: 8, 10: 10, 16: 22}[radix]]
    if any(ch not in allowed for ch in digits):
        return None
    return int(digits, radix)


def _ipv4_parts(host: str) -> list[str]:
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return parts


def _ends_in_number(host: str) -> bool:
    """Whether browsers treat the host as an IPv4 address (WHATWG URL "ends in a number")."""
    last = _ipv4_parts(host)[-1]
    return bool(re.fullmatch(r"[0-9]+", last)) or (last != "" and _ipv4_number(last) is not None)


def _parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """An IPv4 host in any spelling inet_aton accepts (2130706433, 0177.0.0.1, 0x7f.1, 127.1), else None.

    Written out rather than calling socket.inet_aton, whose C versions differ (glibc ignores anything after
    a space); this follows the WHATWG URL IPv4 parser, which is also what browsers do. No DNS.
    """
    parts = _ipv4_parts(host)
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    value = values[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(values[:-1]))
    return ipaddress.IPv4Address(value)


def _script(ch: str) -> str | None:
    """The script of a letter (first word of its Unicode name), None for digits, marks and symbols."""
    if ch.isascii():
        return "LATIN" if ch.isalpha() else None
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    if name.startswith("CJK ") or "IDEOGRAPH" in name:
        return "HAN"
    return name.split(" ")[0].split("-")[0] or None


def _script_name(script: str) -> str:
    return _SCRIPT_NAMES.get(script, script.title())


class _HostCheck:
    """Collects host findings, one per kind, all at the host's position in the URL."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.found: dict[str, TextFinding] = {}

    def add(self, kind: str, severity: str, message: str) -> None:
        self.found.setdefault(kind, TextFinding(severity, message, self.index))

    def errors(self) -> bool:
        return any(f.severity == ERROR for f in self.found.values())


def _punycode(label: str) -> str | None:
    """The Unicode an xn-- label encodes (pure Python codec, no lookup), None when it is not valid punycode."""
    try:
        return label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return None


def _decoded_labels(host: str, check: _HostCheck) -> list[tuple[str, str]]:
    """(label as written, label as read) pairs; xn-- labels are read as the Unicode they encode."""
    labels = []
    for label in re.split(f"[.{_DOTS}]", host):
        read = _punycode(label) if label.lower().startswith("xn--") else label
        if read is None or (read.isascii() and read != label):
            check.add("punycode", ERROR, f"域名中的“{_clip(label)}”不是有效的国际化域名（xn--）编码，请改正")
            continue
        labels.append((label, read))
    return labels


def _check_host_characters(host: str, check: _HostCheck) -> None:
    """Full-width and look-alike characters and mixed scripts, the ways a fake host passes for a real one."""
    if host.isascii() and "xn--" not in host.lower():
        return  # every look-alike is outside ASCII, or hides in punycode
    fullwidth = [ch for ch in host if "\uff01" <= ch <= "\uff5e" or ch in _DOTS]
    if fullwidth:
        normal = unicodedata.normalize("NFKC", host).replace("。", ".").lower()
        check.add("fullwidth", ERROR, f"域名“{_clip(host)}”中有全角字符，请改为半角的英文字母、数字和点，即“{_clip(normal)}”")
    non_latin_idn = han = False
    for written, read in _decoded_labels(host, check):
        read = read.lower()
        shown = _clip(written) if written == read else f"{_clip(written)}（即 {_clip(read, 20)}）"
        for ch in read:
            if ch.isascii() or ch in fullwidth:
                continue
            folded = unicodedata.normalize("NFKC", ch)
            if folded.isascii() or ch in _LATIN_LOOKALIKES:
                check.add("lookalike", ERROR,
                          f"域名中有与英文字母或数字形似的字符“{ch}”（{_char_name(ch)}），可能是仿冒网站，请改为普通的英文字母和数字")
            elif unicodedata.category(ch)[0] not in "LMN":
                check.add("symbol", ERROR, f"域名中有不应出现的符号“{_shown(ch)}”（{_char_name(ch)}），请改正")
        normal = unicodedata.normalize("NFKC", read)
        scripts = {s for s in map(_script, normal) if s is not None}
        if len(scripts) > 1 and not scripts <= _CJK_SCRIPTS:
            odd = next(ch for ch in normal if _script(ch) not in (None, "LATIN", "HAN"))
            names = "和".join(_script_name(s) for s in sorted(scripts))
            check.add("mixed", ERROR,
                      f"域名的“{shown}”部分混用了{names}字母（如“{odd}”是{_script_name(_script(odd) or '')}字母），可能是仿冒网站，请改为普通的英文字母")
        elif len(scripts) == 1 and scripts <= {"CYRILLIC", "GREEK", "ARMENIAN"}:
            letters = [ch for ch in normal if _script(ch)]
            if all(ch in _SCRIPT_LOOKALIKES for ch in letters):
                check.add("lookalike_label", ERROR,
                          f"域名的“{shown}”部分全是与英文字母形似的{_script_name(next(iter(scripts)))}字母，可能是仿冒网站，请改为普通的英文字母")
        if any(not ch.isascii() and _script(ch) for ch in normal):
            han = han or "HAN" in scripts
            non_latin_idn = True
    if non_latin_idn and not check.errors():
        read_host = _read_name(host)
        shown_host = _clip(host) if read_host == host.lower().rstrip(".") else f"{_clip(host)}”，即“{_clip(read_host)}"
        if han:
            check.add("idn", WARNING, f"中文域名请确认是否正确，建议使用英文域名（本网址的域名是“{shown_host}”）")
        else:
            check.add("idn", WARNING, f"域名“{shown_host}”含有非英文字母，请确认是否正确，建议使用英文域名")


def _check_ip(host: str, bracketed: bool, written: str, check: _HostCheck) -> bool:
    """Findings for an IP-literal host; False when the host is a name, not an address."""
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    if bracketed:
        try:
            address = ipaddress.IPv6Address(host)
        except ValueError:
            check.add("ip", ERROR, f"方括号中的“{_clip(host)}”不是有效的 IPv6 地址，请改为网站的域名")
            return True
    elif _ends_in_number(host):
        address = _parse_ipv4(host)
        if address is None:
            check.add("ip", ERROR, f"域名“{_clip(written)}”以数字结尾，浏览器会把它当作 IP 地址，但它不是有效的 IP 地址，请改为网站的域名")
            return True
    else:
        return False
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    plain = str(mapped or address)
    spelled = "" if written.lower().strip("[]") == plain else f"（写作“{_clip(written)}”）"
    if internal_address(address):
        check.add("ip", ERROR, f"网址指向内部网络或本机地址 {plain}{spelled}，外部访问不到，请改为公开网站的网址")
    else:
        check.add("ip", WARNING, f"网址用的是 IP 地址 {plain}{spelled} 而不是域名，请确认是否正确，最好改用网站的域名")
    return True


def _check_name(name: str, host: str, written: str, check: _HostCheck) -> None:
    """Host names that only exist inside an organisation's network, and malformed names."""
    ascii_bad = [] if _HOST_ASCII_OK.issuperset(host.lower()) else [
        ch for ch in host if ch.isascii() and ch.lower() not in _HOST_ASCII_OK and ch.isprintable() and ch != " "]
    if ascii_bad:
        check.add("host_symbol", ERROR, f"域名中有不允许的符号“{_clip(''.join(dict.fromkeys(ascii_bad)), 10)}”，请改正")
    labels = name.split(".")
    if "" in labels:
        check.add("empty_label", ERROR, f"域名“{_clip(written)}”中有连续的点或以点开头，请改正")
    if name == "localhost" or name.endswith(".localhost"):
        check.add("internal_name", ERROR, f"网址指向本机（“{_clip(written)}”），外部访问不到，请改为公开网站的网址")
        return
    suffix = next((s for s in _INTERNAL_SUFFIXES if name.endswith("." + s) or (name == s and "." in s)), None)
    if suffix is not None:
        check.add("internal_name", ERROR, f"“{_clip(written)}”是内部网络的域名（以 .{suffix} 结尾），外部访问不到，请改为公开网站的网址")
    elif "." not in name:
        check.add("internal_name", ERROR,
                  f"域名“{_clip(written)}”中没有点，只在单位内部网络中有效，请填写完整的网站域名（如 www.xxx.gov.cn）")


def _read_name(host: str) -> str:
    """The host as browsers read it: NFKC (full-width to ASCII), lower case, 。 as ".", xn-- decoded."""
    normal = unicodedata.normalize("NFKC", host).lower()
    for dot in _DOTS:
        normal = normal.replace(dot, ".")
    labels = []
    for label in normal.split("."):
        decoded = _punycode(label) if label.startswith("xn--") else None
        labels.append(decoded or label)
    name = ".".join(labels)
    return name[:-1] if name.endswith(".") and name != "." else name


def _strip_for_parsing(url: str) -> str:
    """The URL as a browser would parse it, so hidden tricks (" javascript:", "java\\tscript:") are seen.

    Browsers drop leading and trailing controls and spaces and every tab and newline; invisible and bidi
    characters are dropped here too (they are reported separately), so the scheme and host underneath show.
    """
    if url.isascii():  # nothing bidi or invisible is ASCII: only the tabs, newlines and the ends to drop
        return url.translate(_TAB_NEWLINE).strip(_C0_AND_SPACE).strip()
    hidden = {"bidi", "invisible"}
    kept = "".join(ch for i, ch in enumerate(url) if ch not in "\t\n\r" and _char_kind(ch, i, "url") not in hidden)
    return kept.strip(_C0_AND_SPACE).strip()


def url_findings(url: str) -> list[TextFinding]:
    """Problems with the URL of a published document: only public http(s) web pages may be linked.

    Stands alone even though the schema checks the http(s) prefix: it parses the way browsers do (so
    odd spellings cannot slip past), never resolves names (no DNS), and so cannot see a public name that
    resolves to a private address; the link checker vets addresses when it connects.
    """
    plain = url.isascii() and url.isprintable() and " " not in url  # the common case: no character can be a problem
    findings = [] if plain else _grouped(url, "url", _URL_KINDS, "网址")
    findings.extend(_structure_findings(url))
    return sorted(findings, key=lambda f: f.index)


def _structure_findings(url: str) -> list[TextFinding]:
    parsed = _strip_for_parsing(url)
    match = _SCHEME.match(parsed)
    if match is None:
        if parsed[:2] in ("//", "\\\\", "/\\", "\\/"):
            return [TextFinding(ERROR, "网址以 // 开头，缺少 https: 部分，请写成以 https:// 或 http:// 开头的完整网址", 0)]
        return [TextFinding(ERROR, f"网址“{_clip(parsed)}”不是以 http:// 或 https:// 开头的完整网址，请改正", 0)]
    scheme = match.group()[:-1].lower()
    if scheme in _ACTIVE_SCHEMES:
        return [TextFinding(ERROR, _active_scheme_message(scheme), 0)]
    if scheme not in ("http", "https"):
        return [TextFinding(ERROR, f"网址以“{_clip(scheme, 20)}:”开头，只能填写 http:// 或 https:// 开头的网页网址，请改正", 0)]
    findings: list[TextFinding] = []
    rest = parsed[match.end():]
    after = rest.lstrip("/\\")
    if rest[: len(rest) - len(after)] != "//":
        findings.append(TextFinding(ERROR, f"网址的“{scheme}:”后面应紧跟两个斜杠 //，请改为 {scheme}:// 开头", 0))
    library_view = re.split(r"[/?#]", after, maxsplit=1)[0]
    authority = re.split(r"[/?#\\]", after, maxsplit=1)[0]
    if "\\" in library_view:
        findings.append(TextFinding(ERROR, "网址的域名部分有反斜杠 \\，不同的软件会把它当成不同的网站，请改为 / 或删除", max(0, url.find("\\"))))
    start = url.find(":") + 1
    if "@" in authority:
        start = url.find("@", start) + 1
        authority = authority.rpartition("@")[2]
        opens = authority.partition(":")[0] if not authority.startswith("[") else authority.partition("]")[0] + "]"
        really = f"实际打开的是“{_clip(opens)}”，" if opens else ""
        findings.append(TextFinding(
            ERROR, f"网址的域名前带有用户名或密码（“@”及其前面的部分），{really}请删除 @ 及其前面的部分", max(0, url.find("@"))
        ))
    findings.extend(_host_findings(url, authority, scheme, start))
    return findings


def _host_findings(url: str, authority: str, scheme: str, start: int) -> list[TextFinding]:
    """Findings about the host and port; `start` is where to look for the host in the URL as written."""
    bracketed = authority.startswith("[")
    if bracketed:
        close = authority.find("]")
        if close < 0:
            check = _HostCheck(max(start, url.find("[", start)))
            check.add("ip", ERROR, f"网址中的“{_clip(authority)}”缺少右方括号 ]，不是有效的 IPv6 地址，请改为网站的域名")
            return list(check.found.values())
        host, written, tail = authority[1:close], authority[: close + 1], authority[close + 1:]
    else:
        written = host = authority.partition(":")[0]
        tail = authority[len(written):]
    check = _HostCheck(max(start, url.find(written, start)) if written else 0)
    if tail:
        port = tail[1:] if tail.startswith(":") else tail
        if not tail.startswith(":") or (port and not (port.isascii() and port.isdigit() and 0 < int(port) <= 65535)):
            check.add("port", ERROR, f"网址中的端口号“{_clip(port, 10)}”不正确，端口应是 1 到 65535 的数字，请改正或删除")
    if host == "":
        check.add("no_host", ERROR, f"网址中 {scheme}:// 后面没有网站域名，请填写完整的网址")
        return list(check.found.values())
    if "%" in host:
        check.add("percent", ERROR, f"网址的域名“{_clip(written)}”中有 % 编码，请直接写出网站的域名")
        host = unquote(host, errors="replace")
    if bracketed:
        _check_ip(host, True, written, check)
        return list(check.found.values())
    _check_host_characters(host, check)
    name = _read_name(host)
    if not _check_ip(name, False, written, check):
        _check_name(name, host, written, check)
        if scheme == "http" and any(name == s or name.endswith("." + s) for s in _GOV_SUFFIXES):
            check.add("http", WARNING, "政府网站应使用 https，请改为 https:// 开头的网址（如果该网站支持）")
    return list(check.found.values())


# --- normalisation ------------------------------------------------------------------------------------

def nfc_if_safe(text: str) -> str:
    """NFC only when it merely composes combining sequences ("e\\u0301" -> "é"); otherwise the text as is.

    NFC is not harmless for Chinese text: it rewrites CJK compatibility ideographs (U+F900–U+FAFF,
    U+2F800–U+2FA1F) to different unified ideographs, which in names and legal text are different
    characters, and it replaces other singletons (U+212B ANGSTROM SIGN -> Å). So if any character would be
    rewritten on its own, nothing is changed. NFKC is never applied: it would turn ① into 1 and ㎡ into m2.
    """
    normal = unicodedata.normalize("NFC", text)
    if normal == text:
        return text
    if any(_rewritten_alone(ch) for ch in set(text)):
        return text
    return normal


def _rewritten_alone(ch: str) -> bool:
    """Whether NFC changes this character by itself: a singleton, a composition exclusion or a compat ideograph."""
    return unicodedata.normalize("NFC", ch) != ch

