"""Personal information in catalogue text: what must be found, what must pass, and that masks never leak.

ID numbers and card numbers are constructed here with the check algorithms written independently of the
module (the ID check via powers of two mod 11, Luhn via digit sums), so a shared mistake cannot hide.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
import unicodedata
from itertools import pairwise

import pytest

from gongkai.privacy import PersonalFinding, find_personal, mask_personal

TODAY = dt.date(2025, 6, 30)
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


def id_check(first17: str) -> str:
    """GB 11643-1999: weight of the digit k places left of the check is 2**k mod 11; check = (12 - S mod 11) mod 11."""
    total = sum(int(digit) * pow(2, 17 - index, 11) for index, digit in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(region: str, birth: dt.date, sequence: str) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    return first17 + id_check(first17)


def wrong_check(number: str) -> str:
    """The same ID with a check character that is not the right one."""
    right = number[-1]
    return number[:-1] + ("0" if right != "0" else "1")


def luhn_digit(partial: str) -> str:
    """The digit that makes partial + digit pass Luhn."""
    total = 0
    for index, char in enumerate(reversed(partial)):
        doubled = int(char) * (2 if index % 2 == 0 else 1)
        total += sum(divmod(doubled, 10))
    return str((10 - total % 10) % 10)


def make_card(prefix: str, length: int, fill: str = "0123456789") -> str:
    body = (prefix + fill * length)[: length - 1]
    return body + luhn_digit(body)


def luhn_broken(card: str) -> str:
    return card[:-1] + str((int(card[-1]) + 1) % 10)


def full_width(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789Xx-+()"} | {ord(" "): "\u3000"})


def digits_only(text: str) -> str:
    return re.sub(r"[^0-9X]", "", unicodedata.normalize("NFKC", text).upper())


def grouped(number: str, sizes: tuple[int, ...], separator: str) -> str:
    parts, position = [], 0
    for size in sizes:
        parts.append(number[position : position + size])
        position += size
    assert position == len(number)
    return separator.join(parts)


def find(text: str) -> list[PersonalFinding]:
    return find_personal(text, today=TODAY)


def assert_never_leaks(text: str, number: str) -> None:
    """Neither the masked text nor any message repeats the number, written as it was or as bare digits."""
    bare = digits_only(number)
    masked_text = mask_personal(text, today=TODAY)
    assert number not in masked_text
    assert bare not in digits_only(masked_text)
    for finding in find(text):
        assert bare not in digits_only(finding.masked)
        assert bare not in digits_only(finding.message)


def assert_one(text: str, kind: str, severity: str, masked: str, number: str) -> PersonalFinding:
    findings = find(text)
    assert len(findings) == 1, findings
    (finding,) = findings
    assert (finding.kind, finding.severity, finding.masked) == (kind, severity, masked)
    assert digits_only(text[finding.start : finding.end]) == digits_only(number)
    assert masked in finding.message
    assert_never_leaks(text, number)
    return finding


def assert_none(text: str) -> None:
    assert find(text) == [], find(text)
    assert mask_personal(text, today=TODAY) == text


# --- resident ID numbers -----------------------------------------------------------------------------------

KNOWN_ID = "11010519491231002X"
GENERATED_IDS = [
    make_id("440305", dt.date(1985, 7, 9), "123"),
    make_id("620102", dt.date(2000, 2, 29), "045"),
    make_id("510107", dt.date(1900, 1, 1), "999"),
    make_id("652101", dt.date(2012, 12, 31), "300"),
    make_id("370102", TODAY, "001"),
]


def test_the_independent_check_agrees_with_the_known_example() -> None:
    assert id_check(KNOWN_ID[:17]) == "X"


@pytest.mark.parametrize("number", [KNOWN_ID, *GENERATED_IDS])
def test_valid_id_is_an_error(number: str) -> None:
    finding = assert_one(
        f"申请人身份证号{number}，住址某村。", "id_number", "error", number[:6] + "********" + number[-4:], number
    )
    assert "身份证号" in finding.message
    assert "请改写为" in finding.message
    assert "保留前六位和后四位" in finding.message


def test_lower_case_x_counts_and_the_mask_shows_upper_case() -> None:
    assert_one("证件号：11010519491231002x。", "id_number", "error", "110105********002X", KNOWN_ID)


def test_position_refers_to_the_original_text() -> None:
    text = f"某某：{KNOWN_ID}。"
    (finding,) = find(text)
    assert text[finding.start : finding.end] == KNOWN_ID
    assert mask_personal(text, today=TODAY) == "某某：110105********002X。"


@pytest.mark.parametrize("number", [KNOWN_ID, *GENERATED_IDS])
def test_wrong_check_digit_is_a_warning(number: str) -> None:
    bad = wrong_check(number)
    finding = assert_one(f"身份证：{bad}", "id_number", "warning", bad[:6] + "********" + bad[-4:], bad)
    assert "可能是身份证号，校验位不符" in finding.message
    assert "请核对，如果是身份证号请遮盖" in finding.message


@pytest.mark.parametrize(
    "spelling",
    [
        full_width(KNOWN_ID),
        "１１０１０５１９４９１２３１００２ｘ",
        "110105 19491231 002X",
        "110105-1949-1231-002X",
        "110105 - 19491231 - 002X",
        "110105　19491231　002X",
        "１１０１０５－１９４９－１２３１－００２Ｘ",
        "110105 1949 12 31 002X",
        "1101 0519 4912 3100 2X",
        "1101\u200b0519491231002X",
        "".join(char + ZERO_WIDTH[index % len(ZERO_WIDTH)] for index, char in enumerate(KNOWN_ID)),
        "\ufeff110105\u2060 19491231 \u200c002X\u200d",
    ],
)
def test_id_in_other_spellings(spelling: str) -> None:
    text = f"身份证号：{spelling}；"
    finding = assert_one(text, "id_number", "error", "110105********002X", KNOWN_ID)
    found = text[finding.start : finding.end]
    assert digits_only(found[0]) == "1"
    assert digits_only(found[-1]) == "X"


@pytest.mark.parametrize(
    "url",
    [
        "https://x.gov.cn/a?sfz={}",
        "https://x.gov.cn/a?sfz={}&page=2",
        "https://x.gov.cn/people/{}/index.html",
        "https://x.gov.cn/files/{}.pdf",
        "http://x.gov.cn/a?id=3&idcard={}#top",
    ],
)
def test_id_inside_a_url(url: str) -> None:
    assert_one("详见 " + url.format(KNOWN_ID) + " 。", "id_number", "error", "110105********002X", KNOWN_ID)


def test_the_url_example_with_a_wrong_check_character_is_a_warning() -> None:
    assert id_check("11010519491231000") != "X"
    assert_one("https://x.gov.cn/a?sfz=11010519491231000X", "id_number", "warning", "110105********000X", "11010519491231000X")


def test_old_fifteen_digit_id_is_a_warning() -> None:
    finding = assert_one("旧身份证110105491231002。", "id_number", "warning", "110105******002", "110105491231002")
    assert "15位" in finding.message
    assert "请核对，如果是身份证号请遮盖" in finding.message


def test_old_fifteen_digit_id_with_spaces_or_full_width() -> None:
    assert_one("110105 491231 002", "id_number", "warning", "110105******002", "110105491231002")
    assert_one(full_width("110105491231002"), "id_number", "warning", "110105******002", "110105491231002")


@pytest.mark.parametrize(
    "text",
    [
        "9" + KNOWN_ID,  # a 19-character run
        KNOWN_ID[:-1] + "01",  # a 19-digit run
        "1" + KNOWN_ID[:-1],  # an ID's first 17 digits inside 18 digits that are no ID
        "编号" + "8" * 4 + KNOWN_ID[:-1] + "X",
        KNOWN_ID[:-1] + "5" + "123",
        "0" + "10105491231002",  # a 15-digit run with no region code
        "110105491231002" + "7",  # 16 digits, not a card
    ],
)
def test_id_inside_a_longer_run_is_not_found(text: str) -> None:
    assert_none(text)


@pytest.mark.parametrize(
    "text",
    [
        "110105********0002",
        "1101**********0002",
        "110105********002X",
        "110105******002",
        "身份证号：110105XXXXXXXX002X",
        "身份证号：110105xxxxxxxx0002",
        "110105 **** **** 0002",
    ],
)
def test_masked_ids_pass(text: str) -> None:
    assert_none(text)


@pytest.mark.parametrize(
    "first17",
    [
        "11010519491331002",  # month 13
        "11010520230230002",  # 30 February
        "11010518991231002",  # before 1900
        "11010520250701002",  # after TODAY
        "01010519491231002",  # region code starting with 0
        "11010500000000002",
    ],
)
def test_id_shapes_without_a_real_birth_date_or_region_are_not_ids(first17: str) -> None:
    assert_none(f"编号{first17 + id_check(first17)}")


def test_birth_date_limit_is_today() -> None:
    tomorrow = make_id("110105", TODAY + dt.timedelta(days=1), "002")
    assert find_personal(tomorrow, today=TODAY) == []
    assert len(find_personal(tomorrow, today=TODAY + dt.timedelta(days=1))) == 1


def test_default_today_is_used_without_the_argument() -> None:
    assert [f.kind for f in find_personal(KNOWN_ID)] == ["id_number"]
    assert mask_personal(KNOWN_ID) == "110105********002X"


# --- mobile numbers ----------------------------------------------------------------------------------------

MOBILE = "13812345678"


@pytest.mark.parametrize(
    "spelling",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "138 - 1234 - 5678",
        "138 12345678",
        "1381234 5678",
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "+86 13812345678",
        "+8613812345678",
        "008613812345678",
        "0086 13812345678",
        "86-13812345678",
        "86 13812345678",
        "(+86)13812345678",
        "（+86）13812345678",
        "(86) 138-1234-5678",
        full_width("13812345678"),
        full_width("138-1234-5678"),
        full_width("(+86)138 1234 5678"),
        "138\u200b1234\u200d5678",
        "\u20601\u200c3\u200b8\ufeff12345678",
        "138\u00a01234\u00a05678",
        "138\u20131234\u20135678",
    ],
)
def test_mobile_in_every_spelling(spelling: str) -> None:
    text = f"联系人张三，手机{spelling}，工作日受理。"
    finding = assert_one(text, "mobile", "error", "138****5678", MOBILE)
    assert "保留前三位和后四位" in finding.message
    assert "请改写为 138****5678 这样的形式" in finding.message


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_every_mobile_prefix(prefix: str) -> None:
    number = prefix + "987654321"
    assert_one(f"电话：{number}", "mobile", "error", number[:3] + "****" + number[-4:], number)


def test_mobile_in_a_url() -> None:
    assert_one("https://x.gov.cn/contact?tel=13912345678&x=1", "mobile", "error", "139****5678", "13912345678")
    assert_one("tel:+86-139-1234-5678", "mobile", "error", "139****5678", "13912345678")


def test_numbers_that_went_through_a_spreadsheet_as_floats() -> None:
    assert mask_personal("手机 13812345678.0，", today=TODAY) == "手机 138****5678.0，"
    number = CARDS[0]
    assert_one(f"{number}.00", "bank_card", "error", card_mask(number), number)


def test_mask_keeps_the_country_code_and_the_text_around() -> None:
    assert mask_personal("请拨打 +86 138 1234 5678 咨询", today=TODAY) == "请拨打 +86 138****5678 咨询"
    assert mask_personal("(+86)13812345678", today=TODAY) == "(+86)138****5678"


@pytest.mark.parametrize(
    "text",
    [
        "0755-12345678",
        "(0755)12345678",
        "（0755）12345678",
        "0755 1234 5678",
        "010-12345678",
        "01012345678",
        "021-6123 4567",
        "12345",
        "12345678",
        "400-123-4567",
        "400 123 4567",
        "4001234567",
        "800-830-8300",
        "95588",
        "10086",
        "12345转8",
        "0755-12345678-1388",
        "12812345678",  # 12 is no mobile prefix
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "213812345678",
        "138123456780001",
        "138****5678",
        "138xxxx5678",
        "138XXXX5678",
        "138 **** 5678",
        "138-****-5678",
        "3.13812345678",  # decimals
        "13812345678.5",
        "138.1234.5678",
    ],
)
def test_landlines_hotlines_long_runs_and_masked_mobiles_pass(text: str) -> None:
    assert_none(f"咨询电话：{text}。")


# --- bank card numbers -------------------------------------------------------------------------------------

CARDS = [
    make_card("622202", 16),
    make_card("622848", 19),
    make_card("621700", 19, fill="31415926"),
    make_card("601382", 19),
    make_card("4367", 16),
    make_card("4563", 19),
    make_card("5123", 16),
    make_card("3528", 16),
    make_card("955880", 19),
    make_card("623456", 17),
    make_card("625800", 18, fill="77"),
]


def card_mask(number: str) -> str:
    hidden = len(number) - 8
    stars = ["****"] * (hidden // 4) + (["*" * (hidden % 4)] if hidden % 4 else [])
    return " ".join([number[:4], *stars, number[-4:]])


def test_card_mask_shape() -> None:
    assert card_mask("6222020123456789") == "6222 **** **** 6789"
    assert card_mask("6228480123456789012") == "6228 **** **** *** 9012"


@pytest.mark.parametrize("number", CARDS)
def test_valid_card_is_an_error(number: str) -> None:
    finding = assert_one(f"收款账号：{number}（张三）", "bank_card", "error", card_mask(number), number)
    assert "银行卡号" in finding.message
    assert "保留前四位和后四位" in finding.message


@pytest.mark.parametrize("number", CARDS)
@pytest.mark.parametrize("separator", [" ", "-", "　", "－"])
def test_card_in_groups_of_four(number: str, separator: str) -> None:
    sizes = (4,) * (len(number) // 4) + ((len(number) % 4,) if len(number) % 4 else ())
    assert_one(f"卡号 {grouped(number, sizes, separator)} 。", "bank_card", "error", card_mask(number), number)


def test_card_in_other_spellings() -> None:
    number = CARDS[1]
    assert_one(full_width(number), "bank_card", "error", card_mask(number), number)
    assert_one(grouped(number, (6, 13), " "), "bank_card", "error", card_mask(number), number)
    assert_one("\u200b".join(number), "bank_card", "error", card_mask(number), number)
    assert_one(f"https://x.gov.cn/pay?card={number}", "bank_card", "error", card_mask(number), number)


@pytest.mark.parametrize("number", CARDS)
def test_card_failing_luhn_is_not_reported(number: str) -> None:
    assert_none(f"账号{luhn_broken(number)}")
    assert_none(f"账号{grouped(luhn_broken(number), (4, 4, 4, len(number) - 12), ' ')}")


@pytest.mark.parametrize(
    "number",
    [
        make_card("7", 16),
        make_card("1", 19),
        make_card("2024", 16),
        make_card("5144", 18),  # a 统一社会信用代码 of a social organisation, not a Mastercard
        make_card("5310", 18),
        make_card("4401", 18),  # Visa is 16 or 19 digits
        make_card("62", 15),
        make_card("62", 20),
    ],
)
def test_luhn_alone_is_not_a_card(number: str) -> None:
    assert_none(f"代码{number}")


def test_valid_id_that_also_passes_luhn_is_an_id() -> None:
    for sequence in range(1000):
        number = make_id("620102", dt.date(1990, 5, 17), f"{sequence:03d}")
        if number[-1] != "X" and luhn_digit(number[:-1]) == number[-1]:
            break
    else:
        pytest.fail("no such ID")
    assert_one(number, "id_number", "error", number[:6] + "********" + number[-4:], number)
    assert_one(grouped(number, (4, 4, 4, 4, 2), " "), "id_number", "error", number[:6] + "********" + number[-4:], number)


# --- catalogue numbers that are nobody's -------------------------------------------------------------------

FALSE_POSITIVES = [
    "2024-03-01",
    "2024年3月1日",
    "20240301",
    "2024.03.01",
    "2024/03/01",
    "20240301-20241231",
    "2019—2024年",
    "国发〔2016〕14号",
    "示民发〔2024〕3号",
    "国办发〔2019〕54号",
    "1,234,567.89元",
    "12,345,678,901,234元",
    "1234567.89万元",
    "990101",
    "110105",
    "邮编 518000",
    "https://x.gov.cn/2024/0301-1234.html",
    "https://x.gov.cn/a?id=20240301123456",
    "https://x.gov.cn/art/2024/3/1/art_1229_5867123.html",
    "https://x.gov.cn/t20240301_1234567.html",
    "https://x.gov.cn/attach/5f3a13812345678e9b0c1d2e3f4a5b6c.pdf",
    "10.0.0.1",
    "3.14159265358979",
    "版本 1.13812345678",
    "第12345678901234567890123号",
    "统一社会信用代码 11440300007542104J",
    "统一社会信用代码 12440300455761237D",
    "工作日 09:00-12:00 14:00-17:30",
    "第1-3项 第4-6项",
    "2023年 2024年 2025年",
    "表1 2 3 4 5 6 7 8 9 10 11 12",
]


@pytest.mark.parametrize("text", FALSE_POSITIVES)
def test_ordinary_catalogue_numbers_pass(text: str) -> None:
    assert_none(text)


def test_decimal_runs_inside_a_hash_in_a_link_pass() -> None:
    number = GENERATED_IDS[0]
    assert number[-1] != "X"
    assert_none(f"https://x.gov.cn/a/0a1b2c3d4e5f{number}.pdf")
    assert_none(f"https://x.gov.cn/a/{MOBILE}deadbeef0123.pdf")
    # Letters that are no hex digits are no hash: the number is still found.
    assert [f.kind for f in find(f"https://x.gov.cn/a?sfz{number}")] == ["id_number"]
    assert [f.kind for f in find(f"mobile{MOBILE}")] == ["mobile"]


def test_the_whole_false_positive_list_in_one_text() -> None:
    assert_none("；".join(FALSE_POSITIVES))
    assert_none(" ".join(FALSE_POSITIVES))


# --- several numbers ---------------------------------------------------------------------------------------


def kinds(text: str) -> list[tuple[str, str, str]]:
    return [(f.kind, f.severity, f.masked) for f in find(text)]


def test_numbers_side_by_side() -> None:
    text = "13812345678 13912345678"
    assert kinds(text) == [("mobile", "error", "138****5678"), ("mobile", "error", "139****5678")]
    assert mask_personal(text, today=TODAY) == "138****5678 139****5678"
    assert_never_leaks(text, "13812345678")
    assert_never_leaks(text, "13912345678")


def test_mobiles_with_and_without_separators_in_one_list() -> None:
    text = "138 1234 5678、139-8765-4321，15012345678,18600001111"
    assert [f.masked for f in find(text)] == ["138****5678", "139****4321", "150****5678", "186****1111"]


def test_id_directly_followed_by_a_mobile() -> None:
    text = KNOWN_ID + MOBILE
    assert kinds(text) == [("id_number", "error", "110105********002X"), ("mobile", "error", "138****5678")]
    assert mask_personal(text, today=TODAY) == "110105********002X138****5678"


def test_two_runs_glued_together_are_one_longer_run() -> None:
    assert_none(MOBILE + "13912345678")
    assert_none(KNOWN_ID[:-1] + "1" + MOBILE)


def test_a_year_before_a_mobile_is_not_part_of_it() -> None:
    text = "2024 13812345678"
    (finding,) = find(text)
    assert (finding.kind, finding.start, finding.end) == ("mobile", 5, 16)


def test_id_mobile_card_and_landline_in_one_sentence() -> None:
    card = CARDS[0]
    text = f"申请人张三（身份证 {KNOWN_ID}，电话 0755-12345678，手机 138-1234-5678），退款至 {grouped(card, (4, 4, 4, 4), ' ')}。"
    findings = find(text)
    assert [(f.kind, f.masked) for f in findings] == [
        ("id_number", "110105********002X"),
        ("mobile", "138****5678"),
        ("bank_card", card_mask(card)),
    ]
    assert all(a.end <= b.start for a, b in pairwise(findings))
    masked = mask_personal(text, today=TODAY)
    assert "0755-12345678" in masked
    for number in (KNOWN_ID, MOBILE, card):
        assert number not in digits_only(masked)


def test_mobile_then_landline_separated_by_a_space() -> None:
    assert kinds("手机 13812345678 0755-1234567") == [("mobile", "error", "138****5678")]


def test_text_without_numbers() -> None:
    assert find("") == []
    assert mask_personal("", today=TODAY) == ""
    assert_none("本目录依据《中华人民共和国政府信息公开条例》编制。")


def test_findings_are_frozen() -> None:
    (finding,) = find(MOBILE)
    with pytest.raises(AttributeError):
        finding.start = 0  # type: ignore[misc]


# --- long text ---------------------------------------------------------------------------------------------


def long_text(size: int = 100_000) -> tuple[str, list[str]]:
    """Mixed Chinese and numbers of every harmless kind, with a few personal numbers planted in it.

    Pieces are joined with 、 so that two harmless numbers never glue into a long run that by chance
    has the shape of an old ID (that would be a real finding, not a false positive)."""
    rng = random.Random(20240301)
    harmless = [*FALSE_POSITIVES, "12345", "0755-12345678", "400-123-4567", "138****5678", "政务公开", "，", "。", " "]
    planted = [KNOWN_ID, MOBILE, CARDS[0], *GENERATED_IDS[:2]]
    pieces: list[str] = []
    expected: list[str] = []
    length = 0
    while length < size:
        if rng.random() < 0.01:
            number = rng.choice(planted)
            piece = f"，{number}，"
            expected.append(number)
        elif rng.random() < 0.3:
            piece = "".join(rng.choice("0123456789 -") for _ in range(rng.randint(1, 9))) + "号"
        else:
            piece = rng.choice(harmless)
        pieces.append(piece)
        length += len(piece) + 1
    return "、".join(pieces), expected


def test_long_mixed_text() -> None:
    text, expected = long_text()
    assert len(text) >= 100_000
    findings = find(text)
    assert [digits_only(text[f.start : f.end]) for f in findings] == [digits_only(n) for n in expected]
    assert all(a.end <= b.start for a, b in pairwise(findings))
    masked = mask_personal(text, today=TODAY)
    assert find(masked) == []
    assert masked.count("，138****5678，") == expected.count(MOBILE)
    for number in {KNOWN_ID, CARDS[0], *GENERATED_IDS[:2]}:  # 13812345678 is also part of harmless hashes
        assert number not in masked


@pytest.mark.parametrize(
    "text",
    [
        "1" * 100_000,
        "1 " * 50_000,
        "1-" * 50_000,
        "138 " * 25_000,
        "1234 " * 20_000,
        "1X" * 50_000,
        "1." * 50_000,
        "a1" * 50_000,
        "\u200b1" * 50_000,
        "０" * 100_000,
    ],
)
def test_pathological_inputs_finish(text: str) -> None:
    started = time.perf_counter()
    find(text)
    mask_personal(text, today=TODAY)
    print(f"{text[:8]!r}…: {time.perf_counter() - started:.3f}s")
