from typing import Any

from pydantic import BaseModel, Field


class EventIn(BaseModel):
    type: str = Field(min_length=1, max_length=128, pattern=r"^[a-z][a-z0-9_.-]*$", examples=["newborn.registered"])
    data: dict[str, Any] = Field(default_factory=dict)
    region: str = Field(pattern=r"^\d{6}$", description="Administrative division code where the event happened")
    idempotency_key: str | None = Field(default=None, max_length=200)


class EventAccepted(BaseModel):
    event_id: int
    instances: list[int]
    duplicate: bool = False
