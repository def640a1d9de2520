from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class Timer(SQLModel, table=True):
    """Something that must happen at ``due_at``: a BPMN timer, a commitment deadline, an SLA warning.

    Workers claim due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and mark them fired in the
    same transaction as their effect, so each fires exactly once however many workers run.
    """

    __tablename__ = "timer"
    __table_args__ = (sa.Index("ix_timer_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="process_instance.id", index=True)
    kind: str = Field(max_length=16)  # bpmn | sla_warning | sla_overdue | commitment
    ref: str = Field(max_length=64)  # spiff task id for bpmn timers, else a domain reference
    name: str = Field(default="", max_length=200)
    due_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="pending", max_length=16)  # pending | fired | cancelled
    created_at: datetime = Field(sa_type=UTCDateTime)
    fired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
