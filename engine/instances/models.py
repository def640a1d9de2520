from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class ProcessInstance(SQLModel, table=True):
    """One application in flight. ``state`` is the SpiffWorkflow state (spec stored by reference);
    ``data`` mirrors the workflow data so views never deserialize the workflow."""

    __tablename__ = "process_instance"
    __table_args__ = (
        sa.Index("ix_instance_bundle_status", "bundle_id", "status", "id"),
        sa.Index("ix_instance_applicant", "applicant", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    bundle_id: str = Field(foreign_key="bundle.id", max_length=64)
    bundle_name: str = Field(max_length=100)
    version_id: int = Field(foreign_key="bundle_version.id")
    version: int
    # the version's content hash: the key of its compiled artefacts, found without reading the version row
    content_hash: str = Field(max_length=64)
    status: str = Field(default="running", max_length=16)  # running | completed | cancelled | failed
    receiving_region: str = Field(max_length=6)
    handling_region: str = Field(max_length=6)
    business_key: str | None = Field(default=None, max_length=128, index=True)
    applicant: str | None = Field(default=None, max_length=64)
    started_by: str = Field(max_length=64)
    subject: str = Field(default="", max_length=200)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    state: bytes = Field(sa_type=sa.LargeBinary)
    revision: int = 0
    bpmn_timers: int = 0  # pending BPMN timer rows: a step with none before and none after skips the timer sync
    error: str | None = Field(default=None, max_length=2000)
    error_element: str | None = Field(default=None, max_length=128)
    # 限时办结: the promised limit in working days; the deadline moves out while the clock is paused
    # (waiting on the applicant, 补正) and is recomputed when a year's holidays are imported.
    time_limit_days: int
    deadline_at: datetime = Field(sa_type=UTCDateTime)
    warn_at: datetime = Field(sa_type=UTCDateTime)
    deadline_provisional: bool = False
    paused_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused_working_days: float = 0.0
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
