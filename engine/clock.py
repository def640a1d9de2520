"""The service clock: the system clock, or a manual one that only moves forward.

The manual clock lives in the database, not in process memory, so every API process and worker
of a deployment agrees on the time (tests and demos move it with ``POST /api/admin/clock``).
"""

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import PlainSerializer
from sqlmodel import Field, Session, SQLModel

from engine.config import get_settings
from engine.db import UTCDateTime
from engine.errors import Conflict

CST = ZoneInfo("Asia/Shanghai")


class ClockSetting(SQLModel, table=True):
    __tablename__ = "clock_setting"

    id: int = Field(default=1, primary_key=True)
    now: datetime = Field(sa_type=UTCDateTime)


def system_now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Naive datetimes are China Standard Time: that is what every form and clerk means."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=CST)
    return value.astimezone(UTC)


def now(session: Session) -> datetime:
    if get_settings().clock == "system":
        return system_now()
    row = session.get(ClockSetting, 1)
    return as_utc(row.now) if row is not None else system_now()


def set_manual(session: Session, when: datetime) -> datetime:
    """Move the manual clock to ``when``; moving it back would re-order history, so it is refused."""
    current = now(session)
    target = as_utc(when)
    if target < current:
        raise Conflict(f"the clock only moves forward: it is {current.isoformat()} already")
    row = session.get(ClockSetting, 1)
    if row is None:
        session.add(ClockSetting(id=1, now=target))
    else:
        row.now = target
        session.add(row)
    session.flush()
    return target


def to_cst(value: datetime) -> str:
    """How the API shows an instant: China Standard Time, ISO 8601 with +08:00 (naive means CST, as in
    ``as_utc``; converted in one step, since every view shows dozens of these)."""
    return (value.replace(tzinfo=CST) if value.tzinfo is None else value.astimezone(CST)).isoformat()


# Response fields: whatever zone a value carries inside, clients always see +08:00.
Instant = Annotated[datetime, PlainSerializer(to_cst, return_type=str)]
