from datetime import date, datetime

from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class Holiday(SQLModel, table=True):
    """The admin's holiday table: overrides chinese-calendar, so next year's official notice can be
    loaded without a release. ``is_workday`` marks make-up working days (调休上班)."""

    __tablename__ = "holiday"

    day: date = Field(primary_key=True)
    is_workday: bool
    name: str = Field(default="", max_length=100)
    imported_by: str = Field(max_length=64)
    imported_at: datetime = Field(sa_type=UTCDateTime)


class HolidayYear(SQLModel, table=True):
    """A year whose holidays were imported completely: deadlines in it are no longer provisional."""

    __tablename__ = "holiday_year"

    year: int = Field(primary_key=True)
    imported_by: str = Field(max_length=64)
    imported_at: datetime = Field(sa_type=UTCDateTime)
