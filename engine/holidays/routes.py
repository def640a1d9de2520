from typing import Annotated

from fastapi import APIRouter, Query

from engine import clock
from engine.auth.deps import Admin, CurrentPrincipal
from engine.db import SessionDep
from engine.holidays import service
from engine.holidays.schemas import HolidayImport, HolidayTable, HolidayView, ImportResult
from engine.instances import service as instances

router = APIRouter(prefix="/api", tags=["holidays"])


@router.get("/holidays", response_model=HolidayTable)
async def table(
    session: SessionDep, who: CurrentPrincipal, year: Annotated[int | None, Query(ge=1900, le=2200)] = None
) -> HolidayTable:
    """The holiday table, and a warning while next year's holidays are unknown (deadlines provisional)."""
    years, library, warning = service.coverage(session, now=clock.now(session))
    rows = [HolidayView(day=h.day, is_workday=h.is_workday, name=h.name) for h in service.list_holidays(session, year)]
    return HolidayTable(known_years=years, library_years=library, warning=warning, holidays=rows)


@router.post("/admin/holidays", response_model=ImportResult)
async def import_holidays(body: HolidayImport, session: SessionDep, who: Admin) -> ImportResult:
    """Load an official holiday notice; open deadlines in those years are recomputed."""
    years, rows, recomputed = instances.import_holidays(session, who, body.content, now=clock.now(session))
    return ImportResult(years=years, rows=rows, recomputed_instances=recomputed)
