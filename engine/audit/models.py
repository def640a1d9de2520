from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class AuditEntry(SQLModel, table=True):
    """Append-only; ``hash`` covers the entry and the previous entry's hash, so an edit breaks the chain."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    bundle_id: str | None = Field(default=None, max_length=64)
    instance_id: int | None = Field(default=None, index=True)
    task_id: int | None = Field(default=None)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """One row holding the chain's last hash; locking it serialises appends so the chain never forks."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    last_id: int = 0
    last_hash: str = Field(default="0" * 64, max_length=64)
