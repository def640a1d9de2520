from datetime import date

from pydantic import BaseModel, Field


class HolidayImport(BaseModel):
    content: str = Field(min_length=1, max_length=200_000, description="CSV (date,type,name) or a JSON array")


class HolidayView(BaseModel):
    day: date
    is_workday: bool
    name: str


class HolidayTable(BaseModel):
    known_years: list[int]
    library_years: list[int]
    warning: str | None
    holidays: list[HolidayView]


class ImportResult(BaseModel):
    years: list[int]
    rows: int
    recomputed_instances: int
