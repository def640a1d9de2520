from pydantic import BaseModel

from engine.clock import Instant


class RatingView(BaseModel):
    id: int
    instance_id: int
    bundle_id: str
    score: int
    comment: str
    lane: str | None
    department: str | None
    rated_by: str
    created_at: Instant
    rectification_task_id: int | None


class RatingSummary(BaseModel):
    bundle_id: str
    department: str | None
    count: int
    average: float
    bad: int


class RatingReport(BaseModel):
    summary: list[RatingSummary]
    ratings: list[RatingView]
