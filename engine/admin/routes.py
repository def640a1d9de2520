from datetime import datetime, timedelta

from fastapi import APIRouter
from pydantic import BaseModel, Field

from engine import clock, worker
from engine.auth.deps import Admin
from engine.clock import Instant
from engine.config import get_settings
from engine.db import SessionDep
from engine.errors import NotFound
from engine.instances.service import calendar_for

router = APIRouter(prefix="/api/admin", tags=["admin"])


class ClockMove(BaseModel):
    now: datetime | None = Field(default=None, description="New time; naive values are China Standard Time")
    advance_working_days: int | None = Field(default=None, ge=0, le=3650)
    advance_days: int | None = Field(default=None, ge=0, le=3650)


class ClockView(BaseModel):
    now: Instant
    fired: list[dict]


@router.post("/clock", response_model=ClockView)
async def move_clock(body: ClockMove, session: SessionDep, who: Admin) -> ClockView:
    """Move the manual clock forward and fire every timer now due (tests and demos only)."""
    if get_settings().clock != "manual":
        raise NotFound("the clock is the system clock (set YIJIAN_CLOCK=manual to move it)")
    current = clock.now(session)
    if body.now is not None:
        target = body.now
    elif body.advance_working_days is not None:
        target = calendar_for(session).add_working_days(current, body.advance_working_days).at
    else:
        target = current + timedelta(days=body.advance_days or 0)
    moved = clock.set_manual(session, target)
    return ClockView(now=moved, fired=worker.fire_due(session, now=moved, actor=who.name))
