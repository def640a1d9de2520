"""Working-day arithmetic for statutory and promised time limits (法定时限 / 承诺时限), pure.

Days are days of China Standard Time (Asia/Shanghai): a clerk in 乌鲁木齐 and a server in UTC must agree on which
day an application was accepted. Inputs and outputs are aware datetimes; storing them in UTC is the caller's job.

Which day is a working day, in order of authority:

1. the admin's holiday table (``overrides``), which is how next year's 调休 gets in before a library release;
2. ``chinese_calendar`` for the years it knows (it raises ``NotImplementedError`` outside them; 1.11.0 stops at
   2026, and the range is probed at run time rather than written down here);
3. otherwise Monday–Friday. Such a day is *provisional*: the State Council publishes next year's holidays late
   each year, so a deadline reaching into an unpublished year is a guess that must be shown as one.

A year listed in ``known_years`` has been imported completely by the admin, so rule 3 is authoritative for its
days that the table does not mention: they are not provisional.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

CST = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59, 999999)
_DAY = timedelta(days=1)
# A table that marks a whole year as non-working would make the search for the next working day endless.
_MAX_NON_WORKING_RUN = 366


@dataclass(frozen=True, slots=True)
class Deadline:
    """End of the n-th working day, Asia/Shanghai. ``provisional`` when any day counted on the way (working or
    not) came from a year whose holidays nobody knows yet."""

    at: datetime
    provisional: bool


@dataclass(frozen=True, slots=True)
class Elapsed:
    """Working time between two instants, in working days (fractional on the last day)."""

    days: float
    provisional: bool


@lru_cache(maxsize=64)
def library_knows(year: int) -> bool:
    """Whether chinese_calendar has the holidays of ``year``; asked, not hard-coded, so a library upgrade that adds
    2027 just works."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _as_cst_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return _as_cst(value).date()
    return value


def _as_cst(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("an aware datetime is required (naive datetimes have no day in Asia/Shanghai)")
    return value.astimezone(CST)


class WorkCalendar:
    """Which days are working days, from an admin table over chinese_calendar over plain weekends.

    Build one per request from the stored holiday table; it keeps its own copies, so later edits of the table do
    not change a calendar already in use.
    """

    __slots__ = ("_days", "_known_years", "_overrides")

    def __init__(self, overrides: Mapping[date, bool] | None = None, known_years: Iterable[int] = ()) -> None:
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._known_years: frozenset[int] = frozenset(known_years)
        # answers so far: a calendar lives as long as its holiday table revision, and every start counts
        # the same few weeks ahead
        self._days: dict[date, tuple[bool, bool]] = {}

    def _classify(self, day: date) -> tuple[bool, bool]:
        """(working, provisional) for one Asia/Shanghai day."""
        answer = self._days.get(day)
        if answer is None:
            answer = self._days[day] = self._lookup(day)
        return answer

    def _lookup(self, day: date) -> tuple[bool, bool]:
        if day in self._overrides:
            return self._overrides[day], False
        if library_knows(day.year):
            return bool(chinese_calendar.is_workday(day)), False
        return day.weekday() < 5, day.year not in self._known_years

    def is_working_day(self, day: date | datetime) -> bool:
        """Whether ``day`` (an aware datetime counts by its Asia/Shanghai date) is a working day."""
        return self._classify(_as_cst_date(day))[0]

    def is_provisional(self, day: date | datetime) -> bool:
        """Whether the answer of ``is_working_day`` for ``day`` is a weekend-only guess."""
        return self._classify(_as_cst_date(day))[1]

    def add_working_days(self, start: datetime, n: int) -> Deadline:
        """The deadline ``n`` working days after ``start``.

        Convention: the day of ``start`` never counts, whatever the hour (an application accepted at 08:30 or at
        23:00 gets the same deadline); counting begins with the next working day, and the deadline is the end of
        the n-th working day, 23:59:59.999999 Asia/Shanghai. Accepted on Friday 2026-11-20 with 1 working day:
        the deadline is Monday 2026-11-23 23:59:59.999999+08:00. ``n == 0`` (即办) is the end of the start day.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        day = _as_cst(start).date()
        provisional = False
        counted = 0
        idle = 0
        while counted < n:
            day += _DAY
            working, unsure = self._classify(day)
            provisional = provisional or unsure
            if working:
                counted += 1
                idle = 0
            else:
                idle += 1
                if idle > _MAX_NON_WORKING_RUN:
                    raise ValueError(f"no working day within a year after {day - idle * _DAY}: check the holiday table")
        return Deadline(at=datetime.combine(day, END_OF_DAY, tzinfo=CST), provisional=provisional)

    def working_days_between(self, a: datetime, b: datetime) -> Elapsed:
        """Working days elapsed from ``a`` to ``b``, counted like ``add_working_days`` so that an SLA's share used
        is ``working_days_between(accepted, now).days / limit``: the day of ``a`` does not count, every later
        working day counts 1 once over and by the elapsed part of its 24 hours on the day of ``b``. Hence
        ``working_days_between(s, add_working_days(s, n).at)`` is ``n`` (less one microsecond). Negative if
        ``b`` is before ``a``.
        """
        a_cst, b_cst = _as_cst(a), _as_cst(b)
        if b_cst < a_cst:
            earlier = self.working_days_between(b_cst, a_cst)
            return Elapsed(days=-earlier.days, provisional=earlier.provisional)
        first, last = a_cst.date(), b_cst.date()
        days = 0.0
        provisional = False
        day = first + _DAY
        while day <= last:
            working, unsure = self._classify(day)
            provisional = provisional or unsure
            if working:
                if day < last:
                    days += 1
                else:
                    midnight = datetime.combine(day, time(0), tzinfo=CST)
                    days += (b_cst - midnight) / _DAY
            day += _DAY
        return Elapsed(days=days, provisional=provisional)


# --- holiday files (the admin's table, imported with `yijian holidays import`) ---


@dataclass(frozen=True, slots=True)
class HolidayRow:
    """One entry of the admin's holiday table: ``is_workday`` True for a make-up working day (调休上班)."""

    date: date
    is_workday: bool
    name: str


@dataclass(frozen=True, slots=True)
class HolidayProblem:
    """A bad entry: ``line`` (1-based) in a CSV file, ``index`` (0-based) in a JSON array, ``None`` for the file."""

    line: int | None
    index: int | None
    message: str
    message_en: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else f"[{self.index}]" if self.index is not None else ""
        return f"{where}: {self.message_en} ({self.message})" if where else f"{self.message_en} ({self.message})"


class HolidayFileError(ValueError):
    """Raised with every problem of a holiday file at once, so the admin fixes the file in one go."""

    def __init__(self, problems: Iterable[HolidayProblem]) -> None:
        self.problems: tuple[HolidayProblem, ...] = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


_TYPES = {"holiday": False, "休": False, "workday": True, "班": True}
# Spreadsheets write 2027/1/1; accept that and 2027-1-1 besides ISO, nothing looser.
_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")


def _parse_date(text: str) -> date | None:
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_holiday_file(text: str) -> list[HolidayRow]:
    """Parse the admin's holiday table: CSV ``date,type,name`` (header optional, ``#`` comments) or a JSON array of
    ``{"date", "type", "name"}``; ``type`` is ``holiday`` or ``workday`` (also ``休``/``班``), ``name`` optional.

    Raises ``HolidayFileError`` listing every bad line (CSV) or index (JSON), including repeated dates.
    """
    text = text.removeprefix("\ufeff")  # Excel's UTF-8 CSV starts with a BOM
    stripped = text.lstrip()
    entries, problems = _json_entries(stripped) if stripped.startswith(("[", "{")) else _csv_entries(text)
    rows: list[HolidayRow] = []
    first_seen: dict[date, int] = {}
    for line, index, raw_date, raw_type, name in entries:
        bad: list[tuple[str, str]] = []
        day = _parse_date(raw_date) if isinstance(raw_date, str) else None
        if day is None:
            bad.append((f"日期无效：{raw_date!r}", f"invalid date {raw_date!r} (expected YYYY-MM-DD)"))
        kind = _TYPES.get(raw_type.strip().lower()) if isinstance(raw_type, str) else None
        if kind is None:
            bad.append((f"类型无效：{raw_type!r}", f"invalid type {raw_type!r} (expected holiday or workday)"))
        if not isinstance(name, str):
            bad.append(("名称应为文本", "name must be a string"))
        position = line if line is not None else index
        if day is not None and day in first_seen:
            first = first_seen[day]
            zh, en = (f"第 {first} 行", f"line {first}") if line is not None else (f"[{first}]", f"[{first}]")
            bad.append((f"日期重复（首次出现在{zh}）", f"date repeated (first at {en})"))
        elif day is not None and position is not None:
            first_seen[day] = position
        problems.extend(HolidayProblem(line, index, message, message_en) for message, message_en in bad)
        if not bad and day is not None and kind is not None and isinstance(name, str):
            rows.append(HolidayRow(date=day, is_workday=kind, name=name.strip()))
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.index or 0))
        raise HolidayFileError(problems)
    return rows


_Entry = tuple[int | None, int | None, object, object, object]


def _csv_entries(text: str) -> tuple[list[_Entry], list[HolidayProblem]]:
    entries: list[_Entry] = []
    problems: list[HolidayProblem] = []
    seen_content = False
    # one line at a time: a stray carriage return inside a line is a bad line, not a reader crash
    for number, cells in enumerate((next(csv.reader([line]), []) for line in text.splitlines()), start=1):
        if not cells or all(not c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        if not seen_content and cells[0].strip().lower() == "date":
            seen_content = True
            continue  # header
        seen_content = True
        if len(cells) not in (2, 3):
            problems.append(
                HolidayProblem(
                    number, None, f"应有 2 或 3 列，实有 {len(cells)} 列", f"expected 2 or 3 columns, got {len(cells)}"
                )
            )
            continue
        entries.append((number, None, cells[0], cells[1], cells[2] if len(cells) == 3 else ""))
    return entries, problems


def _json_entries(text: str) -> tuple[list[_Entry], list[HolidayProblem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return [], [HolidayProblem(error.lineno, None, f"JSON 格式错误：{error.msg}", f"invalid JSON: {error.msg}")]
    if not isinstance(data, list):
        return [], [HolidayProblem(None, None, "应为 JSON 数组", "expected a JSON array")]
    entries: list[_Entry] = []
    problems: list[HolidayProblem] = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            problems.append(HolidayProblem(None, index, "应为对象", "expected an object"))
            continue
        unknown = sorted(set(item) - {"date", "type", "name"})
        if unknown:
            problems.append(HolidayProblem(None, index, f"未知字段：{unknown}", f"unknown keys: {unknown}"))
        entries.append((None, index, item.get("date"), item.get("type"), item.get("name", "")))
    return entries, problems
