from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class BundleDraft(SQLModel, table=True):
    """A designer's work in progress on one bundle: the whole file set as text, until it is deployed.

    One draft per bundle and author; ``base_version`` is the deployed version it was started from (``None`` for a
    bundle that has never been deployed). ``revision`` grows with every save, so a stale browser tab cannot
    overwrite newer work unnoticed.
    """

    __tablename__ = "bundle_draft"
    __table_args__ = (sa.UniqueConstraint("bundle_id", "author"),)

    id: int | None = Field(default=None, primary_key=True)
    bundle_id: str = Field(max_length=64, index=True)
    author: str = Field(max_length=64)
    base_version: int | None = None
    files: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    revision: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
