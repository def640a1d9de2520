from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class Task(SQLModel, table=True):
    """A human task mirrored out of the workflow state, so an inbox is an indexed query, not a scan."""

    __tablename__ = "task"
    __table_args__ = (
        sa.Index("ix_task_inbox", "department", "region", "state", "id"),
        sa.Index("ix_task_inbox_due", "department", "region", "state", "due_at", "id"),
        sa.Index("ix_task_applicant", "applicant", "state", "id"),
        sa.UniqueConstraint("instance_id", "spiff_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="process_instance.id", index=True)
    bundle_id: str = Field(max_length=64)
    bundle_name: str = Field(max_length=100)
    spiff_id: str = Field(max_length=36)
    bpmn_id: str = Field(max_length=128)
    title: str = Field(max_length=200)
    lane: str | None = Field(default=None, max_length=64)
    department: str | None = Field(default=None, max_length=32)
    department_name: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=6)
    applicant: str | None = Field(default=None, max_length=64)
    subject: str = Field(default="", max_length=200)
    state: str = Field(default="ready", max_length=16)
    kind: str = Field(default="department", max_length=16)  # department | applicant | commitment
    assignee: str | None = Field(default=None, max_length=64)
    form: str | None = Field(default=None, max_length=255)
    ui_form: str | None = Field(default=None, max_length=255)
    due_at: datetime = Field(sa_type=UTCDateTime)
    warn_at: datetime = Field(sa_type=UTCDateTime)  # yellow from here (last working day or 80 % used)
    created_at: datetime = Field(sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_by: str | None = Field(default=None, max_length=64)
    result: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)


class TaskRow(NamedTuple):
    """A task row as the instance commands read and write it (``db.Direct``), without an ORM object.

    A completion reads an instance's tasks, closes one, maybe opens some, and shows them all; as ORM
    objects that costs more than the statements themselves. The fields are ``Task``'s columns in table
    order (a test keeps them so), so a row reads like a ``Task``.
    """

    id: int
    instance_id: int
    bundle_id: str
    bundle_name: str
    spiff_id: str
    bpmn_id: str
    title: str
    lane: str | None
    department: str | None
    department_name: str | None
    region: str | None
    applicant: str | None
    subject: str
    state: str
    kind: str
    assignee: str | None
    form: str | None
    ui_form: str | None
    due_at: datetime
    warn_at: datetime
    created_at: datetime
    completed_at: datetime | None
    completed_by: str | None
    result: dict[str, Any] | None
