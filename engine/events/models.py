from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class EventRecord(SQLModel, table=True):
    """A data event from an external system (免申即享), kept with the instances it started.

    The unique ``idempotency_key`` makes a retried delivery start nothing twice, also when two
    copies arrive at the same moment (the second insert fails and is answered from the first)."""

    __tablename__ = "event_record"

    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(max_length=128, index=True)
    idempotency_key: str | None = Field(default=None, max_length=200, sa_column_kwargs={"unique": True})
    region: str = Field(max_length=6)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    instance_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    received_by: str = Field(max_length=64)
    received_at: datetime = Field(sa_type=UTCDateTime)
