"""The working-day calendar of this deployment: chinese-calendar plus the admin's holiday table."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, delete, select

from engine.db import Direct
from engine.errors import invalid
from engine.holidays.models import Holiday, HolidayYear
from engine.workdays import CST, HolidayFileError, HolidayRow, WorkCalendar, library_knows, parse_holiday_file

_calendars: dict[tuple, WorkCalendar] = {}


_CALENDAR = "yijian.calendar"
_REVISION = Direct(
    sa.select(
        sa.select(func.count()).select_from(Holiday).scalar_subquery().label("days"),
        sa.select(func.max(Holiday.imported_at)).scalar_subquery().label("days_imported"),
        sa.select(func.max(HolidayYear.imported_at)).scalar_subquery().label("years_imported"),
    )
)


def calendar(session: Session) -> WorkCalendar:
    """The calendar as of the table's current revision: one small query per transaction decides whether
    this process's copy is current, so an import in any process is seen at once."""
    cached = session.info.get(_CALENDAR)
    if cached is not None:
        return cached
    revision = tuple(_REVISION.first(session.connection()))  # imports flush their rows before this
    result = _calendars.get(revision)
    if result is None:
        overrides = {row.day: row.is_workday for row in session.exec(select(Holiday))}
        known = set(session.exec(select(HolidayYear.year)))
        result = WorkCalendar(overrides, known_years=known)
        _calendars.clear()
        _calendars[revision] = result
    session.info[_CALENDAR] = result
    return result


class LazyCalendar:
    """The calendar, read only when a step really counts working days (most steps never do)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._calendar: WorkCalendar | None = None

    def __getattr__(self, name: str) -> Any:
        if self._calendar is None:
            self._calendar = calendar(self._session)
        return getattr(self._calendar, name)


def parse(text: str) -> list[HolidayRow]:
    try:
        return parse_holiday_file(text)
    except HolidayFileError as exc:
        raise invalid(
            "节假日文件有误 / bad holiday file",
            [
                (["file", p.line if p.line is not None else p.index or 0], f"{p.message} / {p.message_en}")
                for p in exc.problems
            ],
        ) from exc


def import_rows(session: Session, rows: list[HolidayRow], *, who: str, now: datetime) -> list[int]:
    """Replace the table's entries for every year in ``rows``; those years become known (not provisional)."""
    years = sorted({row.date.year for row in rows})
    if not years:
        raise invalid("bad holiday file", [(["file"], "文件中没有日期 / the file has no dates")])
    for year in years:
        session.exec(
            delete(Holiday).where(
                Holiday.day >= datetime(year, 1, 1).date(), Holiday.day <= datetime(year, 12, 31).date()
            )
        )
        existing = session.get(HolidayYear, year)
        if existing is None:
            session.add(HolidayYear(year=year, imported_by=who, imported_at=now))
        else:
            existing.imported_by, existing.imported_at = who, now
            session.add(existing)
    for row in rows:
        session.add(Holiday(day=row.date, is_workday=row.is_workday, name=row.name, imported_by=who, imported_at=now))
    session.flush()
    session.info.pop(_CALENDAR, None)
    return years


def list_holidays(session: Session, year: int | None = None) -> list[Holiday]:
    stmt = select(Holiday).order_by(Holiday.day)
    if year:
        stmt = stmt.where(Holiday.day >= datetime(year, 1, 1).date(), Holiday.day <= datetime(year, 12, 31).date())
    return list(session.exec(stmt))


def known_years(session: Session) -> list[int]:
    return list(session.exec(select(HolidayYear.year).order_by(HolidayYear.year)))


def coverage(session: Session, *, now: datetime) -> tuple[list[int], list[int], str | None]:
    """(imported years, years chinese-calendar knows around now, a warning for admins or None)."""
    imported = known_years(session)
    this_year = now.astimezone(CST).year
    library = [y for y in range(this_year - 1, this_year + 3) if library_knows(y)]
    unknown = [y for y in (this_year, this_year + 1) if y not in imported and y not in library]
    warning = (
        f"{'、'.join(map(str, unknown))} 年节假日未知：期限按周末推算并标为暂定，请导入国务院通知 / "
        f"holidays of {', '.join(map(str, unknown))} unknown: deadlines count weekends only and are provisional"
        if unknown
        else None
    )
    return imported, library, warning
