"""String formats of our forms: the Chinese identifiers with their checksums, plus the standard formats that
jsonschema leaves unchecked without optional packages.

Checks are strict on purpose: a form that accepts a mistyped 公民身份号码 moves the error to a clerk three
departments later. A rejected value comes with a reason (``FormatReason``) so the applicant knows what to fix.
The browser must offer the same formats (rjsf ``customFormats``) for "the API rejects what the form would".
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from jsonschema import Draft202012Validator, FormatChecker

from engine.regions import divisions

CST = ZoneInfo("Asia/Shanghai")

CUSTOM_FORMATS = frozenset({"cn-id-card", "cn-uscc", "cn-mobile", "cn-region-code"})
# Draft 2020-12 format vocabulary, plus the two formats rjsf itself knows (file and colour widgets).
STANDARD_FORMATS = frozenset(
    {
        "date-time",
        "date",
        "time",
        "duration",
        "email",
        "idn-email",
        "hostname",
        "idn-hostname",
        "ipv4",
        "ipv6",
        "uri",
        "uri-reference",
        "iri",
        "iri-reference",
        "uuid",
        "uri-template",
        "json-pointer",
        "relative-json-pointer",
        "regex",
        "data-url",
        "color",
    }
)
KNOWN_FORMATS = STANDARD_FORMATS | CUSTOM_FORMATS


class FormatReason(ValueError):
    """Why a value does not have its format, in Chinese and English."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


# --- 公民身份号码 (GB 11643) ---

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
# 港澳台居民居住证 numbers follow GB 11643 with 810000 / 820000 / 830000; 83 is no GB/T 2260 province.
_RESIDENCE_PERMIT_PREFIXES = frozenset({"81", "82", "83"})
_OLDEST_BIRTH_YEAR = 1880


def id_card_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits of a 公民身份号码."""
    remainder = (12 - sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11) % 11
    return "X" if remainder == 10 else str(remainder)


def id_card_problem(value: str, today: date | None = None) -> FormatReason | None:
    """Why ``value`` is no valid 18-digit 公民身份号码, or ``None`` if it is one.

    Only the province part of the address code is checked: a number keeps the county code of its holder's
    first registration, which may have been abolished since (江干区 330104).
    """
    if len(value) != 18:
        return FormatReason("应为 18 位", "must have 18 characters")
    if not _ID_SHAPE.fullmatch(value):
        return FormatReason("前 17 位应为数字，末位为数字或大写 X", "17 digits then a digit or capital X")
    province = divisions.lookup(value[:2] + "0000")
    if value[:2] not in _RESIDENCE_PERMIT_PREFIXES and (province is None or province.level != "province"):
        return FormatReason("地址码无效", "unknown region code")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return FormatReason("出生日期无效", "invalid date of birth")
    if born.year < _OLDEST_BIRTH_YEAR or born > (today or datetime.now(CST).date()):
        return FormatReason("出生日期无效", "implausible date of birth")
    if id_card_check_char(value[:17]) != value[17]:
        return FormatReason("校验码不正确", "wrong check character")
    return None


def is_cn_id_card(value: object, today: date | None = None) -> bool:
    """Whether ``value`` is a valid 18-digit 公民身份号码; non-strings pass, as with every format."""
    return not isinstance(value, str) or id_card_problem(value, today) is None


# --- 统一社会信用代码 (GB 32100-2015) ---

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O S V Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character of the first 17 characters of a 统一社会信用代码."""
    total = sum(_USCC_VALUES[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(value: str) -> FormatReason | None:
    """Why ``value`` is no valid 统一社会信用代码, or ``None`` if it is one."""
    if len(value) != 18:
        return FormatReason("应为 18 位", "must have 18 characters")
    if any(c not in _USCC_VALUES for c in value):
        return FormatReason("含有不允许的字符（I、O、S、V、Z 及小写字母不可用）", "characters outside the GB 32100 set")
    if uscc_check_char(value[:17]) != value[17]:
        return FormatReason("校验码不正确", "wrong check character")
    return None


def is_cn_uscc(value: object) -> bool:
    """Whether ``value`` is a valid 统一社会信用代码; non-strings pass."""
    return not isinstance(value, str) or uscc_problem(value) is None


# --- mobile numbers and region codes ---

_MOBILE = re.compile(r"1[3-9][0-9]{9}")  # [0-9], not \d: \d accepts full-width and other Unicode digits


def is_cn_mobile(value: object) -> bool:
    """Whether ``value`` is an 11-digit mainland mobile number (no +86, no spaces); non-strings pass."""
    return not isinstance(value, str) or _MOBILE.fullmatch(value) is not None


def is_cn_region_code(value: object) -> bool:
    """Whether ``value`` is a current division code of the shipped table (any level); non-strings pass."""
    return not isinstance(value, str) or (len(value) == 6 and divisions.is_valid(value))


# --- standard formats that jsonschema checks only with optional packages installed ---

_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)([Zz]|[+-]\d{2}:\d{2})")
_TIME = re.compile(r"(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))?")
_DURATION = re.compile(r"P(?!$)(?:(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?|\d+W)")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]*")
_URI_REFERENCE = re.compile(r"[^\s]*")
_HOSTNAME = re.compile(
    r"(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?"
)
_JSON_POINTER = re.compile(r"(?:/(?:[^~/]|~0|~1)*)*")
_RELATIVE_JSON_POINTER = re.compile(r"(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~0|~1)*)*)")
_DATA_URL = re.compile(r"data:([a-z]+/[a-z0-9+.-]+)?;(?:name=(.*);)?base64,(.*)", re.DOTALL)
_COLOR = re.compile(r"#?(?:[0-9A-Fa-f]{3}){1,2}")


def _is_date_time(value: str) -> bool:
    match = _DATE_TIME.fullmatch(value)
    if match is None:
        return False
    try:
        datetime.fromisoformat(f"{match[1]}T{match[2]}{'+00:00' if match[3] in 'Zz' else match[3]}")
    except ValueError:
        return False
    return True


def _is_time(value: str) -> bool:
    match = _TIME.fullmatch(value)
    if match is None:
        return False
    hour, minute, second = int(match[1]), int(match[2]), int(match[3])
    offset_ok = match[4] is None or (int(match[4]) < 24 and int(match[5]) < 60)
    return hour < 24 and minute < 60 and second < 60 and offset_ok


_FALLBACKS = {
    "date-time": _is_date_time,
    "time": _is_time,
    "duration": lambda v: _DURATION.fullmatch(v) is not None,
    "uri": lambda v: _URI.fullmatch(v) is not None,
    "uri-reference": lambda v: _URI_REFERENCE.fullmatch(v) is not None,
    "hostname": lambda v: _HOSTNAME.fullmatch(v) is not None,
    "json-pointer": lambda v: _JSON_POINTER.fullmatch(v) is not None,
    "relative-json-pointer": lambda v: _RELATIVE_JSON_POINTER.fullmatch(v) is not None,
    "data-url": lambda v: _DATA_URL.fullmatch(v) is not None,
    "color": lambda v: _COLOR.fullmatch(v) is not None,
}


def format_checker(today: date | None = None) -> FormatChecker:
    """A ``FormatChecker`` with the Draft 2020-12 formats and ours.

    ``today`` fixes the date against which 公民身份号码 birth dates are checked (tests, replays); by default it is
    the current date in Asia/Shanghai at the moment of each check, so a cached checker never goes stale.
    """
    checker = FormatChecker(formats=())
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    for name, check in _FALLBACKS.items():
        if name not in checker.checkers:
            checker.checks(name)(lambda value, check=check: not isinstance(value, str) or check(value))

    @checker.checks("cn-id-card", raises=FormatReason)
    def _id_card(value: object) -> bool:
        if isinstance(value, str) and (reason := id_card_problem(value, today)) is not None:
            raise reason
        return True

    @checker.checks("cn-uscc", raises=FormatReason)
    def _uscc(value: object) -> bool:
        if isinstance(value, str) and (reason := uscc_problem(value)) is not None:
            raise reason
        return True

    checker.checks("cn-mobile")(is_cn_mobile)
    checker.checks("cn-region-code")(is_cn_region_code)
    return checker
