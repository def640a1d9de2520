from datetime import datetime

from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class Rating(SQLModel, table=True):
    """好差评: one rating per completed instance; a bad one (≤ 2) opens a rectification task."""

    __tablename__ = "rating"

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="process_instance.id", sa_column_kwargs={"unique": True})
    bundle_id: str = Field(max_length=64, index=True)
    score: int
    comment: str = Field(default="", max_length=1000)
    lane: str | None = Field(default=None, max_length=64)
    department: str | None = Field(default=None, max_length=32)
    rated_by: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    rectification_task_id: int | None = Field(default=None)
