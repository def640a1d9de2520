"""Working days: a clerk in 杭州 accepts an application and the deadline must match the State Council's calendar."""

from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest

from engine import workdays
from engine.workdays import CST, Deadline, HolidayFileError, HolidayRow, WorkCalendar, parse_holiday_file


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CST)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=CST)


# --- which days are working days ---


def test_2026_national_day_follows_chinese_calendar() -> None:
    """Facts taken from chinese_calendar 1.11.0 itself: holidays Oct 1–7, make-up working days Sun Sep 20 and
    Sat Oct 10; Oct 8 is an ordinary working day, and 中秋 (Sep 25–27) comes just before."""
    calendar = WorkCalendar()
    for day in range(1, 8):
        assert chinese_calendar.get_holiday_detail(date(2026, 10, day)) == (True, "National Day")
        assert not calendar.is_working_day(date(2026, 10, day))
    assert calendar.is_working_day(date(2026, 10, 8))
    for make_up in (date(2026, 9, 20), date(2026, 10, 10)):
        assert make_up.weekday() >= 5
        assert chinese_calendar.get_holiday_detail(make_up) == (False, "National Day")
        assert calendar.is_working_day(make_up)
    assert not calendar.is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    assert not any(calendar.is_working_day(date(2026, 9, d)) for d in (25, 26, 27))


def test_agrees_with_chinese_calendar_for_every_day_it_knows() -> None:
    calendar = WorkCalendar()
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
        assert not calendar.is_provisional(day)
        day += timedelta(days=1)


def test_unknown_year_counts_weekends_only_and_is_provisional() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 1))
    calendar = WorkCalendar()
    assert calendar.is_working_day(date(2027, 1, 1))  # a Friday, 元旦 unknown yet
    assert not calendar.is_working_day(date(2027, 1, 2))
    assert calendar.is_provisional(date(2027, 1, 1))


def test_datetimes_count_by_their_day_in_shanghai() -> None:
    calendar = WorkCalendar()
    saturday_utc_evening = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # Saturday 01:00 in 杭州
    assert not calendar.is_working_day(saturday_utc_evening)
    with pytest.raises(ValueError):
        calendar.is_working_day(datetime(2026, 11, 20, 10, 0))


def test_library_range_is_probed_not_hard_coded(monkeypatch: pytest.MonkeyPatch) -> None:
    """When chinese_calendar stops knowing a year (or learns a new one), the calendar follows."""

    def knows_nothing(day: date) -> bool:
        raise NotImplementedError(day)

    workdays.library_knows.cache_clear()
    monkeypatch.setattr(workdays.chinese_calendar, "is_workday", knows_nothing)
    try:
        calendar = WorkCalendar()
        assert calendar.is_working_day(date(2026, 10, 1))  # Thursday, weekends only
        assert calendar.is_provisional(date(2026, 10, 1))
    finally:
        monkeypatch.undo()
        workdays.library_knows.cache_clear()


# --- deadlines ---


def test_friday_plus_one_working_day_is_end_of_monday() -> None:
    deadline = WorkCalendar().add_working_days(at(2026, 11, 20, 16, 30), 1)
    assert deadline == Deadline(at=end_of(2026, 11, 23), provisional=False)
    assert deadline.at.isoformat() == "2026-11-23T23:59:59.999999+08:00"


def test_hour_of_acceptance_does_not_matter() -> None:
    calendar = WorkCalendar()
    assert calendar.add_working_days(at(2026, 11, 17, 0, 1), 3) == calendar.add_working_days(
        at(2026, 11, 17, 23, 59), 3
    )


def test_start_is_taken_in_shanghai_time() -> None:
    # 2026-11-19 17:00 UTC is Friday 01:00 in Shanghai: Friday is the day of acceptance.
    deadline = WorkCalendar().add_working_days(datetime(2026, 11, 19, 17, 0, tzinfo=UTC), 1)
    assert deadline.at == end_of(2026, 11, 23)
    assert deadline.at.utcoffset() == timedelta(hours=8)


def test_deadline_skips_national_day_and_counts_make_up_saturday() -> None:
    calendar = WorkCalendar()
    assert calendar.add_working_days(at(2026, 9, 30), 1).at == end_of(2026, 10, 8)
    assert calendar.add_working_days(at(2026, 9, 30), 3).at == end_of(2026, 10, 10)  # Sat, 调休上班
    assert calendar.add_working_days(at(2026, 9, 30), 4).at == end_of(2026, 10, 12)
    assert calendar.add_working_days(at(2026, 9, 19), 1).at == end_of(2026, 9, 20)  # Sun, 调休上班


def test_zero_days_is_end_of_the_same_day_and_negative_is_refused() -> None:
    calendar = WorkCalendar()
    assert calendar.add_working_days(at(2026, 11, 21), 0) == Deadline(end_of(2026, 11, 21), False)
    with pytest.raises(ValueError):
        calendar.add_working_days(at(2026, 11, 21), -1)
    with pytest.raises(ValueError):
        calendar.add_working_days(datetime(2026, 11, 21, 10, 0), 1)


def expected_weekend_only(start: date, n: int) -> date:
    """Independent count for the unknown-year case: next n Monday–Friday days."""
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        counted += day.weekday() < 5
    return day


def test_twenty_days_into_2027_are_provisional_weekends_only() -> None:
    deadline = WorkCalendar().add_working_days(at(2026, 12, 15), 20)
    assert deadline.provisional
    assert deadline.at == end_of(2027, 1, 12)
    assert deadline.at.date() == expected_weekend_only(date(2026, 12, 15), 20)  # 2027-01-01 counted as a Friday


def test_override_making_new_year_a_holiday_moves_the_deadline() -> None:
    calendar = WorkCalendar({date(2027, 1, 1): False})
    deadline = calendar.add_working_days(at(2026, 12, 15), 20)
    assert deadline.at == end_of(2027, 1, 13)
    assert deadline.provisional  # the rest of January 2027 is still a guess


def test_known_year_makes_the_deadline_authoritative() -> None:
    calendar = WorkCalendar({date(2027, 1, 1): False}, known_years={2027})
    assert calendar.add_working_days(at(2026, 12, 15), 20) == Deadline(end_of(2027, 1, 13), provisional=False)


def test_overrides_win_over_chinese_calendar() -> None:
    # A local extra holiday on Friday 2026-11-20 and a make-up working Saturday 2026-11-21.
    calendar = WorkCalendar({date(2026, 11, 20): False, date(2026, 11, 21): True})
    assert calendar.add_working_days(at(2026, 11, 19), 1).at == end_of(2026, 11, 21)
    assert calendar.add_working_days(at(2026, 11, 19), 2).at == end_of(2026, 11, 23)


def test_deadline_inside_a_known_year_is_not_provisional_even_near_its_end() -> None:
    assert not WorkCalendar().add_working_days(at(2026, 12, 1), 20).provisional


def test_a_table_without_working_days_is_refused_not_looped_forever() -> None:
    year = {date(2027, 1, 1) + timedelta(days=i): False for i in range(400)}
    with pytest.raises(ValueError, match="holiday table"):
        WorkCalendar(year).add_working_days(at(2026, 12, 31), 1)


def test_calendar_keeps_its_own_copy_of_the_table() -> None:
    table = {date(2026, 11, 23): False}
    calendar = WorkCalendar(table)
    table[date(2026, 11, 23)] = True
    assert not calendar.is_working_day(date(2026, 11, 23))


# --- elapsed working time (SLA share used) ---


def test_elapsed_matches_the_deadline_convention() -> None:
    calendar = WorkCalendar()
    start = at(2026, 9, 30, 9)
    deadline = calendar.add_working_days(start, 5)
    assert calendar.working_days_between(start, deadline.at).days == pytest.approx(5, abs=1e-6)
    assert calendar.working_days_between(start, at(2026, 10, 7, 23, 0)).days == 0  # all holidays
    assert calendar.working_days_between(start, at(2026, 10, 8, 12, 0)).days == pytest.approx(0.5)
    assert calendar.working_days_between(start, at(2026, 10, 9, 0, 0)).days == pytest.approx(1)
    assert calendar.working_days_between(start, start).days == 0


def test_elapsed_is_negative_backwards_and_provisional_into_unknown_years() -> None:
    calendar = WorkCalendar()
    elapsed = calendar.working_days_between(at(2026, 12, 30), at(2027, 1, 5, 0, 0))
    assert elapsed.provisional
    assert elapsed.days == pytest.approx(3)  # Dec 31, Jan 1 (weekends-only guess), Jan 4
    backwards = calendar.working_days_between(at(2026, 11, 23, 12), at(2026, 11, 20, 12))
    assert backwards.days == pytest.approx(-0.5)  # Friday, the day of acceptance, does not count
    assert not calendar.working_days_between(at(2026, 11, 20), at(2026, 11, 24)).provisional


# --- holiday files ---


def test_csv_holiday_file() -> None:
    text = "\ufeffdate,type,name\n# 2027 元旦\n2027-01-01,holiday,元旦\n2027/2/6,workday,春节调休\n\n2027-02-07,休\n"
    assert parse_holiday_file(text) == [
        HolidayRow(date(2027, 1, 1), False, "元旦"),
        HolidayRow(date(2027, 2, 6), True, "春节调休"),
        HolidayRow(date(2027, 2, 7), False, ""),
    ]


def test_json_holiday_file() -> None:
    text = '[{"date": "2027-01-01", "type": "holiday", "name": "元旦"}, {"date": "2027-02-06", "type": "workday"}]'
    assert parse_holiday_file(text) == [
        HolidayRow(date(2027, 1, 1), False, "元旦"),
        HolidayRow(date(2027, 2, 6), True, ""),
    ]


def test_csv_errors_list_every_bad_line() -> None:
    text = (
        "date,type,name\n"
        "2027-02-30,holiday,x\n"  # line 2: no such date
        "2027-01-01,vacation,元旦\n"  # line 3: unknown type
        "2027-01-02,holiday\n"  # line 4: fine, name is optional
        "2027-01-02,workday,y\n"  # line 5: repeated date
        "only\n"  # line 6: one column
    )
    with pytest.raises(HolidayFileError) as caught:
        parse_holiday_file(text)
    lines = [p.line for p in caught.value.problems]
    assert lines == [2, 3, 5, 6]
    assert "invalid date" in caught.value.problems[0].message_en
    assert "类型无效" in caught.value.problems[1].message
    assert "line 4" in caught.value.problems[2].message_en  # the repeated date names its first line
    assert "line 2" in str(caught.value)


def test_json_errors_list_every_bad_index() -> None:
    text = '[{"date": "2027-13-01", "type": "holiday"}, "x", {"date": "2027-01-01", "type": "off", "when": 1}]'
    with pytest.raises(HolidayFileError) as caught:
        parse_holiday_file(text)
    assert sorted({p.index for p in caught.value.problems}) == [0, 1, 2]
    with pytest.raises(HolidayFileError) as caught:
        parse_holiday_file('[{"date": "2027-01-01",}]')
    assert caught.value.problems[0].line == 1
    with pytest.raises(HolidayFileError):
        parse_holiday_file('{"date": "2027-01-01", "type": "holiday"}')


def test_parsed_rows_feed_a_calendar() -> None:
    rows = parse_holiday_file("2027-01-01,holiday,元旦\n")
    calendar = WorkCalendar({r.date: r.is_workday for r in rows})
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert not calendar.is_provisional(date(2027, 1, 1))
