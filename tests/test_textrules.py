"""Pure checks on department-written strings: document URLs, text values, identifiers and safe NFC.

Each rule has a case that trips it and the clean values departments really write must give nothing;
messages are asserted by severity and a key phrase, since the full wording may still be polished.
"""

from __future__ import annotations

import socket
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai import textrules
from gongkai.textrules import TextFinding, nfc_if_safe, text_findings, url_findings

HIDDEN = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u2060\ufeff")


def _one(findings: list[TextFinding], severity: str, *phrases: str) -> TextFinding:
    assert len(findings) == 1, findings
    return _has(findings, severity, *phrases)


def _has(findings: list[TextFinding], severity: str, *phrases: str) -> TextFinding:
    for finding in findings:
        if finding.severity == severity and all(p in finding.message for p in phrases):
            return finding
    raise AssertionError(f"no {severity} with {phrases} in {findings}")


# --- url_findings: clean values --------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://www.shilixian.gov.cn/zwgk/2024/通知.html",
    "https://www.shilixian.gov.cn/zwgk/2024/%E9%80%9A%E7%9F%A5.html",
    "https://www.shilixian.gov.cn/module/download/downfile.jsp?classid=0&filename=abc.pdf",
    "https://www.gov.cn/zhengce/content/2024-01/05/content_6924321.htm?ddtab=true#p2",
    "https://WWW.GOV.CN/",
    "https://www.shilixian.gov.cn:8443/a/b?c=d&e=%20f",
    "https://www.shilixian.example/zwgk/fgj/2023/0315-touzi-shenpi-zhinan.html",
    "http://www.example.com/not-a-government-site",
    "https://www.gov.cn./trailing-dot-is-a-full-name",
    "https://mp.weixin.qq.com/s/AbC_dEf-123",
])
def test_ordinary_urls_give_no_finding(url: str) -> None:
    assert url_findings(url) == []


# --- url_findings: scheme -----------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
])
def test_active_schemes_are_errors(url: str) -> None:
    _one(url_findings(url), "error", "运行代码", "https://")


@pytest.mark.parametrize(("url", "hidden"), [
    (" javascript:alert(1)", "空格"),
    ("\x01javascript:alert(1)", "控制字符"),
    ("java\tscript:alert(1)", "控制字符"),
    ("java\nscript:alert(1)", "控制字符"),
    ("\u200bjavascript:alert(1)", "零宽字符"),
])
def test_scheme_tricks_are_seen_through(url: str, hidden: str) -> None:
    findings = url_findings(url)
    _has(findings, "error", "“javascript:”", "运行代码")
    _has(findings, "error", hidden)


@pytest.mark.parametrize(("url", "scheme"), [("file:///etc/passwd", "file:"), ("ftp://ftp.gov.cn/a.pdf", "ftp:"),
                                             ("mailto:zwgk@gov.cn", "mailto:")])
def test_other_schemes_are_errors(url: str, scheme: str) -> None:
    _one(url_findings(url), "error", f"“{scheme}”", "http:// 或 https://")


def test_protocol_relative_and_missing_scheme() -> None:
    _one(url_findings("//evil.example/x"), "error", "以 // 开头", "https://")
    _one(url_findings("\\\\evil.example/x"), "error", "以 // 开头")
    _one(url_findings("www.shilixian.gov.cn/zwgk/1.html"), "error", "不是以 http:// 或 https:// 开头")


def test_no_host_and_bad_slashes() -> None:
    _one(url_findings("https://"), "error", "没有网站域名")
    findings = url_findings("https:///?q=1")
    _has(findings, "error", "两个斜杠")
    _has(findings, "error", "没有网站域名")
    _one(url_findings("https:www.gov.cn/x"), "error", "两个斜杠")


def test_backslash_in_the_host_part() -> None:
    _has(url_findings("https://www.gov.cn\\@evil.example/"), "error", "反斜杠")


# --- url_findings: credentials and ports --------------------------------------------------------------

def test_user_and_password_before_the_host() -> None:
    finding = _one(url_findings("https://admin:s3cret-pass@www.shilixian.gov.cn/x"), "error", "用户名或密码", "www.shilixian.gov.cn")
    assert "s3cret" not in finding.message
    _one(url_findings("https://www.gov.cn@evil.example/x"), "error", "用户名或密码", "实际打开的是“evil.example”")


@pytest.mark.parametrize("url", ["https://www.gov.cn:abc/", "https://www.gov.cn:0/", "https://www.gov.cn:70000/"])
def test_bad_ports(url: str) -> None:
    _one(url_findings(url), "error", "端口号")


# --- url_findings: addresses --------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "address"), [
    ("http://127.0.0.1/", "127.0.0.1"),
    ("http://10.1.2.3/", "10.1.2.3"),
    ("http://172.16.0.1/", "172.16.0.1"),
    ("http://192.168.1.1:8080/oa", "192.168.1.1"),
    ("http://169.254.169.254/latest/meta-data", "169.254.169.254"),
    ("http://0.0.0.0/", "0.0.0.0"),
    ("http://100.64.0.1/", "100.64.0.1"),
    ("http://224.0.0.1/", "224.0.0.1"),
    ("http://255.255.255.255/", "255.255.255.255"),
    ("http://[::1]/", "::1"),
    ("http://[fe80::1]/", "fe80::1"),
    ("http://[fc00::1]/", "fc00::1"),
    ("http://[::]/", "::"),
    ("http://[ff02::1]/", "ff02::1"),
    ("http://[::ffff:127.0.0.1]/", "127.0.0.1"),
    ("http://[::ffff:7f00:1]/", "127.0.0.1"),
    ("http://[64:ff9b::a00:1]/", "64:ff9b::a00:1"),
    ("http://[2002:c0a8:101::]/", "2002:c0a8:101::"),
])
def test_internal_ip_literals_are_errors(url: str, address: str) -> None:
    _one(url_findings(url), "error", f"内部网络或本机地址 {address}", "外部访问不到")


@pytest.mark.parametrize("spelling", ["2130706433", "0177.0.0.1", "0x7f.0.0.1", "127.1", "0x7f.1", "0x7F000001", "017700000001"])
def test_odd_ipv4_spellings_are_read_like_inet_aton(spelling: str) -> None:
    assert socket.inet_aton(spelling) == bytes([127, 0, 0, 1])  # parsing only; inet_aton never looks anything up
    finding = _one(url_findings(f"http://{spelling}/x"), "error", "127.0.0.1", f"写作“{spelling}”")
    assert finding.index == len("http://")


def test_odd_spelling_of_a_private_network() -> None:
    _one(url_findings("http://3232235777/"), "error", "192.168.1.1")
    _one(url_findings("http://0xa.1.2.3/"), "error", "10.1.2.3")
    _one(url_findings("http://127.0.0.1./"), "error", "127.0.0.1")


def test_ipv4_parser_matches_inet_aton_where_both_accept() -> None:
    for spelling in ["1.2.3.4", "1.2.772", "1.131844", "16909060", "0x1.0x2.0x3.0x4", "01.02.03.04", "0x01020304"]:
        address = textrules._parse_ipv4(spelling)
        assert address is not None and address.packed == socket.inet_aton(spelling), spelling
    for spelling in ["256.1.1.1", "1.2.3.4.5", "08.1.1.1", "1.2.3.256", "1..2", "1.2.3.4 x"]:
        assert textrules._parse_ipv4(spelling) is None, spelling
    # Browsers (WHATWG) read a bare "0x" as 0 where glibc refuses it; the browser's reading is the one that opens.
    assert str(textrules._parse_ipv4("0x")) == "0.0.0.0"
    _one(url_findings("http://0x/"), "error", "0.0.0.0")


@pytest.mark.parametrize("url", ["http://1.2.3.4.5/", "https://shilixian.123/", "http://999.1.1.1/"])
def test_hosts_browsers_take_for_broken_ip_addresses(url: str) -> None:
    _one(url_findings(url), "error", "以数字结尾", "不是有效的 IP 地址")


def test_bad_ipv6_literals() -> None:
    _one(url_findings("http://[::1/"), "error", "缺少右方括号")
    _one(url_findings("http://[not-an-address]/"), "error", "不是有效的 IPv6 地址")


def test_public_ip_literal_is_only_a_warning() -> None:
    _one(url_findings("https://202.108.22.5/zwgk/"), "warning", "IP 地址 202.108.22.5", "域名")
    _one(url_findings("https://[2400:3200::1]/"), "warning", "IP 地址")


# --- url_findings: internal names ---------------------------------------------------------------------

@pytest.mark.parametrize(("url", "phrase"), [
    ("http://localhost/", "本机"),
    ("http://LOCALHOST:8000/", "本机"),
    ("http://oa.localhost/", "本机"),
    ("http://localhost./", "本机"),
    ("http://printer.local/", ".local"),
    ("http://db.corp.internal/", ".internal"),
    ("http://oa.intranet/", ".intranet"),
    ("http://nas.lan/", ".lan"),
    ("http://router.home.arpa/", ".home.arpa"),
    ("http://oa/", "没有点"),
    ("http://intranet/files/a.pdf", "没有点"),
])
def test_internal_names_are_errors(url: str, phrase: str) -> None:
    _one(url_findings(url), "error", phrase, "请")


def test_percent_encoded_host_is_decoded_and_reported() -> None:
    findings = url_findings("http://%6c%6fcalhost/")
    _has(findings, "error", "% 编码")
    _has(findings, "error", "本机")


def test_host_position_is_the_host_not_an_earlier_match() -> None:
    assert _one(url_findings("https://s/x"), "error", "没有点").index == len("https://")
    assert _has(url_findings("http://p@p/"), "error", "没有点").index == len("http://p@")


def test_malformed_host_names() -> None:
    _one(url_findings("https://www..gov.cn/"), "error", "连续的点")
    _one(url_findings("https://*.gov.cn/"), "error", "不允许的符号“*”")


# --- url_findings: look-alike hosts -------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://ｗｗｗ．ｇｏｖ．ｃｎ/", "https://www。gov。cn/", "https://www．gov．cn/", "https://www.gov.ｃｎ/"])
def test_full_width_host_characters(url: str) -> None:
    _one(url_findings(url), "error", "全角字符", "即“www.gov.cn”")


def test_full_width_digits_of_an_internal_address() -> None:
    findings = url_findings("http://１２７．０．０．１/")
    _has(findings, "error", "全角字符")
    _has(findings, "error", "127.0.0.1")


@pytest.mark.parametrize(("url", "char"), [("https://𝐠ov.cn/", "𝐠"), ("https://ⓖov.cn/", "ⓖ"), ("https://ɡov.cn/", "ɡ"),
                                           ("https://ﬁnance.gov.cn/", "ﬁ")])
def test_look_alikes_that_read_as_ascii(url: str, char: str) -> None:
    _has(url_findings(url), "error", "形似", f"“{char}”")


def test_cyrillic_mixed_with_latin() -> None:
    finding = _one(url_findings("https://www.g\u043ev.cn/zwgk/"), "error", "混用", "西里尔", "仿冒")
    assert finding.index == len("https://")
    _one(url_findings("https://www.gov.\u0441n/"), "error", "混用")
    _one(url_findings("https://\u03b1pple.com/"), "error", "混用", "希腊")


def test_whole_label_of_cyrillic_look_alikes() -> None:
    _one(url_findings("https://\u0455\u0441\u043e\u0440\u0435.com/"), "error", "全是与英文字母形似", "西里尔")


def test_punycode_that_decodes_to_mixed_scripts() -> None:
    label = "xn--" + "g\u043ev".encode("punycode").decode("ascii")
    _one(url_findings(f"https://www.{label}.cn/"), "error", "混用", label)
    _one(url_findings("https://xn--abc-.gov.cn/"), "error", "不是有效的国际化域名")


def test_symbol_that_looks_like_a_slash() -> None:
    _one(url_findings("https://www.gov.cn\u2215evil.example/"), "error", "不应出现的符号")


def test_chinese_domain_is_a_warning() -> None:
    _one(url_findings("https://中国政府网.政务/"), "warning", "中文域名请确认是否正确，建议使用英文域名")
    _one(url_findings("https://xn--fiqs8s.cn/"), "warning", "中文域名请确认是否正确", "中国.cn")


def test_other_foreign_domain_is_a_warning() -> None:
    _one(url_findings("https://пример.рф/"), "warning", "非英文字母")


# --- url_findings: characters anywhere ----------------------------------------------------------------

@pytest.mark.parametrize(("url", "phrase"), [
    ("https://www.gov.cn/a b.html", "空格"),
    (" https://www.gov.cn/", "空格"),
    ("https://www.gov.cn/a\u3000b.html", "空格"),
    ("https://www.gov.cn/a\u00a0b.html", "空格"),
    ("https://www.gov.cn/a\r\nb", "控制字符"),
    ("https://www.gov.cn/\x7f", "控制字符"),
    ("https://www.gov.cn/\u202egpj.exe", "RIGHT-TO-LEFT OVERRIDE"),
    ("https://www.gov\u200b.cn/", "ZERO WIDTH SPACE"),
    ("\ufeffhttps://www.gov.cn/", "零宽字符"),
    ("https://www.gov.cn/\ue000", "私用区"),
])
def test_hidden_characters_anywhere_in_a_url(url: str, phrase: str) -> None:
    _has(url_findings(url), "error", phrase)


def test_many_spaces_are_one_finding() -> None:
    finding = _one(url_findings("https://www.gov.cn/a b c d e.html"), "error", "有 4 个空格", "第 21 个字符起")
    assert finding.index == 20


# --- url_findings: http on government sites -----------------------------------------------------------

@pytest.mark.parametrize("url", ["http://www.shilixian.gov.cn/zwgk/", "http://www.usa.gov/", "http://gov.cn/", "http://中国政府网.政务/"])
def test_plain_http_government_site_is_a_warning(url: str) -> None:
    _has(url_findings(url), "warning", "政府网站应使用 https，请改为 https:// 开头的网址（如果该网站支持）")


def test_plain_http_other_site_is_fine() -> None:
    assert url_findings("http://www.shilixian-news.com/a.html") == []
    assert url_findings("http://www.gov.cn.example.com/") == []


# --- text_findings ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "关于印发《十里县政务公开工作要点》的通知",
    "①建设用地面积 1200㎡；②容积率≤2.0；增长 5﹪",
    "十政办发〔2024〕12 号：“依申请公开”（附件一）！？；、……——",
    "第一条　为了规范……\n第二条\t适用范围\n\n（一）县人民政府",
    "ＡＢＣ１２３　全角字母数字与全角空格",
    "\ufeff开头的字节顺序标记",
    "Café naïve e\u0301 — 𠀀𪚥 emoji 👍🏽",
    "",
])
def test_ordinary_text_gives_no_finding(text: str) -> None:
    assert text_findings(text) == []


def test_bidi_control_is_an_error_with_name_and_position() -> None:
    finding = _one(text_findings("关于\u202e印发的通知"), "error", "U+202E RIGHT-TO-LEFT OVERRIDE", "第 3 个字符",
                   "通常是从网页或 Word 复制时带入的，请删除")
    assert finding.index == 2
    for ch in "\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
        _one(text_findings(f"a{ch}b"), "error", unicodedata.name(ch))


def test_bidi_characters_never_appear_raw_in_messages() -> None:
    finding = _one(text_findings("abc\u202edef"), "error", "[U+202E]")
    assert not HIDDEN & set(finding.message)


@pytest.mark.parametrize("ch", ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\u180e"])
def test_zero_width_is_a_warning_in_text_and_an_error_in_identifiers(ch: str) -> None:
    _one(text_findings(f"政务{ch}公开"), "warning", "零宽字符", "请删除，否则搜索时可能找不到")
    _one(text_findings(f"zheng{ch}wu", identifier=True), "error", "零宽字符")


def test_byte_order_mark_only_counts_after_the_start() -> None:
    assert text_findings("\ufeff通知") == []
    _one(text_findings("通\ufeff知"), "warning", "零宽字符")


def test_many_zero_width_characters_are_one_finding_with_count() -> None:
    text = "第一段" + "\u200b" * 3 + "第二段" + "\u200b" * 200
    finding = _one(text_findings(text), "warning", "有 203 个零宽字符", "第 4 个字符起")
    assert finding.index == 3


@pytest.mark.parametrize("ch", ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_errors(ch: str) -> None:
    _one(text_findings(f"a{ch}b"), "error", "控制字符", f"U+{ord(ch):04X}")


def test_tab_and_newline_are_fine_in_text_but_not_in_identifiers() -> None:
    assert text_findings("a\tb\nc") == []
    _one(text_findings("a\tb", identifier=True), "error", "控制字符", "制表符")
    _one(text_findings("a\nb", identifier=True), "error", "控制字符")


def test_lone_surrogate_is_an_error() -> None:
    finding = _one(text_findings("附件\ud800一"), "error", "代理码位", "U+D800")
    finding.message.encode("utf-8")  # the message itself is printable


def test_private_use_is_a_warning() -> None:
    _one(text_findings("\uf06c 第一项"), "warning", "可能是 Word 的特殊符号，在其他电脑上显示不出来")
    _one(text_findings("\U000f0001"), "warning", "私用区")


@pytest.mark.parametrize("ch", ["\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"])
def test_noncharacters_are_errors(ch: str) -> None:
    _one(text_findings(f"a{ch}"), "error", "非字符")


def test_line_separator_is_a_warning() -> None:
    _one(text_findings("第一行\u2028第二行"), "warning", "普通换行")


def test_identifier_characters() -> None:
    assert text_findings("zhengfu-xinxi-2024", identifier=True) == []
    _one(text_findings("Zhengfu", identifier=True), "error", "“Z”", "小写")
    _one(text_findings("zheng_fu xinxi", identifier=True), "error", "有 2 个不允许的字符", "“_”", "空格")
    _one(text_findings("政府信息", identifier=True), "error", "有 4 个不允许的字符", "a-z")
    _one(text_findings("a.yml", identifier=True), "error", "“.”")


def test_findings_are_ordered_by_position_one_per_kind() -> None:
    text = "\ue000a\u200bb\u202ec\u200b\x00d\u202e"
    findings = text_findings(text)
    assert [f.index for f in findings] == [0, 2, 4, 7]
    assert [f.severity for f in findings] == ["warning", "warning", "error", "error"]
    assert "有 2 个" in findings[1].message and "有 2 个" in findings[2].message


def test_long_values_are_not_echoed() -> None:
    text = "很长的法律依据" * 100 + "\u200b" + "后面还有很多文字" * 100
    finding = _one(text_findings(text), "warning", "零宽字符")
    assert len(finding.message) < 150
    url = "https://" + "a" * 300 + ".local/"
    finding = _one(url_findings(url), "error", ".local")
    assert "a" * 41 not in finding.message


# --- nfc_if_safe --------------------------------------------------------------------------------------

def test_nfc_composes_combining_sequences() -> None:
    assert nfc_if_safe("Cafe\u0301") == "Caf\u00e9"
    assert nfc_if_safe("\u1100\u1161") == "\uac00"
    assert nfc_if_safe("通知") == "通知"


@pytest.mark.parametrize("text", [
    "\uf900",             # CJK COMPATIBILITY IDEOGRAPH-F900, NFC would make it U+8C48
    "\ufa10塚e\u0301",      # a compatibility ideograph next to a combining sequence: nothing changes
    "\U0002f800",
    "\u212b",             # ANGSTROM SIGN -> Å
    "\u2126",             # OHM SIGN -> Ω
    "e\u0301\u0958",      # DEVANAGARI LETTER QA is excluded from composition
])
def test_nfc_leaves_text_alone_when_it_would_rewrite_characters(text: str) -> None:
    assert unicodedata.normalize("NFC", text) != text
    assert nfc_if_safe(text) == text


def test_nfc_never_touches_compatibility_characters() -> None:
    text = "①㎡﹪〔2024〕ＡＢＣ"
    assert nfc_if_safe(text) == text
    assert nfc_if_safe(text + "e\u0301") == text + "\u00e9"


def test_unified_ideographs_in_the_compatibility_block_are_fine() -> None:
    assert nfc_if_safe("\ufa0ee\u0301") == "\ufa0e\u00e9"  # U+FA0E is a unified ideograph, NFC keeps it


# --- robustness ---------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.booleans())
def test_text_findings_never_fail_and_stay_short(text: str, identifier: bool) -> None:
    findings = text_findings(text, identifier=identifier)
    assert [f.index for f in findings] == sorted(f.index for f in findings)
    for finding in findings:
        assert finding.severity in ("error", "warning")
        assert 0 <= finding.index < max(1, len(text))
        assert not HIDDEN & set(finding.message)
        finding.message.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.text(max_size=40).map(lambda s: "https://" + s),
                 st.from_regex(r"\Ahttps?://[a-z0-9.:\[\]@%-]{0,30}/?\Z")))
def test_url_findings_never_fail(url: str) -> None:
    findings = url_findings(url)
    assert [f.index for f in findings] == sorted(f.index for f in findings)
    for finding in findings:
        assert finding.severity in ("error", "warning")
        assert not HIDDEN & set(finding.message)
        finding.message.encode("utf-8")
