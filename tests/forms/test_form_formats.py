"""Formats of Chinese identifiers: an applicant's typo is caught in the form, not by a clerk days later."""

from datetime import date

import pytest
from jsonschema import Draft202012Validator

from engine.forms import (
    CUSTOM_FORMATS,
    KNOWN_FORMATS,
    format_checker,
    id_card_problem,
    is_cn_id_card,
    is_cn_mobile,
    is_cn_region_code,
    is_cn_uscc,
    uscc_problem,
)

TODAY = date(2026, 11, 21)

# --- 公民身份号码, GB 11643: the check character computed here from the standard's definition, independently ---


def gb11643_check(first17: str) -> str:
    """ISO 7064 MOD 11-2: weights 2^(17-i) mod 11; check value (12 - sum mod 11) mod 11, 10 written X."""
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(first17))
    return "10X98765432"[total % 11]


def id_number(region: str, born: str, sequence: str) -> str:
    first17 = region + born + sequence
    return first17 + gb11643_check(first17)


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the example of GB 11643-1999
        "440524188001010014",  # the other example of GB 11643-1999
        id_number("330106", "19900307", "123"),
        id_number("650102", "20000229", "002"),  # 29 February of a leap year
        id_number("330104", "19851010", "456"),  # 江干区, abolished 2021: old numbers stay valid
        id_number("810000", "19800101", "001"),  # 港澳台居民居住证
        id_number("830000", "19800101", "001"),
        id_number("110101", "20261121", "000"),  # born today
    ],
)
def test_valid_id_numbers(number: str) -> None:
    assert is_cn_id_card(number, today=TODAY), id_card_problem(number, TODAY)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002Y", "末位"),  # not a check character at all
        ("110105194912310021", "校验码"),  # wrong check character
        ("11010519491231002x", "大写 X"),  # lower-case x
        ("11010519491231002", "18 位"),
        ("1101051949123100２X", "末位"),  # full-width digit
        (id_number("990101", "19900101", "001"), "地址码"),
        (id_number("000000", "19900101", "001"), "地址码"),
        (id_number("330106", "19900230", "001"), "出生日期"),
        (id_number("330106", "19010229", "001"), "出生日期"),  # 1901 is no leap year
        (id_number("330106", "20261122", "001"), "出生日期"),  # tomorrow
        (id_number("330106", "18500101", "001"), "出生日期"),
    ],
)
def test_invalid_id_numbers(number: str, reason: str) -> None:
    problem = id_card_problem(number, TODAY)
    assert problem is not None and reason in problem.message
    assert not is_cn_id_card(number, today=TODAY)


def test_every_single_digit_change_breaks_the_check() -> None:
    number = "11010519491231002X"
    for position in range(14, 17):  # the sequence digits: any change keeps a plausible number otherwise
        for digit in "0123456789":
            if digit != number[position]:
                changed = number[:position] + digit + number[position + 1 :]
                assert not is_cn_id_card(changed, today=TODAY), changed


# --- 统一社会信用代码, GB 32100-2015 ---

USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def gb32100_check(first17: str) -> str:
    weights = [3**i % 31 for i in range(17)]  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
    total = sum(USCC.index(c) * w for c, w in zip(first17, weights, strict=True))
    return USCC[(31 - total % 31) % 31]


def test_gb32100_weights_are_powers_of_three() -> None:
    assert [3**i % 31 for i in range(17)] == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the example of GB 32100-2015
        "91350100M000100Y4" + gb32100_check("91350100M000100Y4"),
        "12100000400000398" + gb32100_check("12100000400000398"),
        "92330106MA2ABCDE0" + gb32100_check("92330106MA2ABCDE0"),
    ],
)
def test_valid_uscc(code: str) -> None:
    assert is_cn_uscc(code), uscc_problem(code)


def test_any_single_character_change_is_detected() -> None:
    code = "91350100M000100Y43"
    for position in range(18):
        for char in USCC:
            if char != code[position]:
                changed = code[:position] + char + code[position + 1 :]
                assert not is_cn_uscc(changed), changed


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y44", "校验码"),
        ("91350100m000100Y43", "字符"),  # lower case
        ("91350100M000100I43", "字符"),  # I is not in the alphabet
        ("91350100M000100Y4", "18 位"),
    ],
)
def test_invalid_uscc(code: str, reason: str) -> None:
    problem = uscc_problem(code)
    assert problem is not None and reason in problem.message


# --- mobile numbers and region codes ---


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("13800138000", True),
        ("19912345678", True),
        ("12345678901", False),
        ("1380013800", False),
        ("+8613800138000", False),
        ("138 0013 8000", False),
        ("１３８００１３８０００", False),
    ],
)
def test_mobile(value: str, ok: bool) -> None:
    assert is_cn_mobile(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("330100", True),
        ("330106", True),
        ("110000", True),
        ("999999", False),
        ("33010", False),
        ("3301000", False),
        ("371200", False),
    ],
)
def test_region_code(value: str, ok: bool) -> None:
    assert is_cn_region_code(value) is ok


# --- as a jsonschema FormatChecker ---


def test_format_checker_asserts_our_formats_and_ignores_non_strings() -> None:
    schema = {"type": "object", "properties": {k: {"format": k} for k in CUSTOM_FORMATS}}
    validator = Draft202012Validator(schema, format_checker=format_checker(today=TODAY))
    good = {
        "cn-id-card": "11010519491231002X",
        "cn-uscc": "91350100M000100Y43",
        "cn-mobile": "13800138000",
        "cn-region-code": "330100",
    }
    assert list(validator.iter_errors(good)) == []
    bad = {
        "cn-id-card": "110105194912310021",
        "cn-uscc": "91350100M000100Y44",
        "cn-mobile": "110",
        "cn-region-code": "999999",
    }
    assert sorted(e.path[0] for e in validator.iter_errors(bad)) == sorted(CUSTOM_FORMATS)
    assert list(validator.iter_errors(dict.fromkeys(CUSTOM_FORMATS, 12))) == []


def test_standard_formats_are_checked_without_optional_packages() -> None:
    checker = format_checker()
    assert checker.conforms("2026-11-21T08:00:00.000Z", "date-time")
    assert checker.conforms("2026-11-21T08:00:00+08:00", "date-time")
    assert not checker.conforms("2026-11-21", "date-time")
    assert not checker.conforms("2026-02-30T08:00:00Z", "date-time")
    assert checker.conforms("08:30:00", "time") and not checker.conforms("25:00:00", "time")
    assert checker.conforms("P3D", "duration") and not checker.conforms("3 days", "duration")
    assert checker.conforms("2026-11-21", "date") and not checker.conforms("2026-13-01", "date")
    assert checker.conforms("data:image/png;base64,iVBORw0KGgo=", "data-url")
    assert not checker.conforms("https://example.com/a.png", "data-url")
    assert {"cn-id-card", "date-time", "data-url"} <= KNOWN_FORMATS
