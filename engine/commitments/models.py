from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class Commitment(SQLModel, table=True):
    """A signed commitment (承诺书) to supply tolerable materials missing at acceptance (容缺受理)."""

    __tablename__ = "commitment"

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="process_instance.id", index=True)
    text: str = Field(max_length=4000)
    signed_by: str = Field(max_length=100)
    signed_at: datetime = Field(sa_type=UTCDateTime)
    deadline_at: datetime = Field(sa_type=UTCDateTime)
    provisional: bool = False
    state: str = Field(default="open", max_length=16)  # open | fulfilled | breached
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CommitmentItem(SQLModel, table=True):
    __tablename__ = "commitment_item"
    __table_args__ = (sa.UniqueConstraint("commitment_id", "material_id"),)

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True)
    material_id: str = Field(max_length=64)
    name: str = Field(max_length=200)
    working_days: int  # the supply period, kept so a holiday import can recount the deadline
    due_at: datetime = Field(sa_type=UTCDateTime)
    supplied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    supplied_by: str | None = Field(default=None, max_length=64)
    reference: str | None = Field(default=None, max_length=500)
