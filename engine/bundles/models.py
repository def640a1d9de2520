from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class Bundle(SQLModel, table=True):
    __tablename__ = "bundle"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=100)
    active_version: int
    created_at: datetime = Field(sa_type=UTCDateTime)


class BundleVersion(SQLModel, table=True):
    """A deployed version: immutable once stored; instances point at it for their whole life."""

    __tablename__ = "bundle_version"
    __table_args__ = (
        sa.UniqueConstraint("bundle_id", "version"),
        sa.UniqueConstraint("bundle_id", "content_hash"),
    )

    id: int | None = Field(default=None, primary_key=True)
    bundle_id: str = Field(foreign_key="bundle.id", max_length=64)
    version: int
    content_hash: str = Field(max_length=64)
    process_id: str = Field(max_length=128)
    manifest: dict[str, Any] = Field(sa_type=sa.JSON)
    deployed_by: str = Field(max_length=64)
    deployed_at: datetime = Field(sa_type=UTCDateTime)
    note: str = Field(default="", max_length=500)


class BundleFile(SQLModel, table=True):
    __tablename__ = "bundle_file"
    __table_args__ = (sa.UniqueConstraint("version_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="bundle_version.id", index=True)
    name: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_type=sa.LargeBinary)
