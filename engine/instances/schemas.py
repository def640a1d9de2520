from typing import Any

from pydantic import BaseModel, Field

from engine.clock import Instant
from engine.tasks.schemas import TaskView

RegionCode = Field(pattern=r"^\d{6}$", description="Administrative division code (GB/T 2260), e.g. 330100")


class CommitmentSign(BaseModel):
    """承诺书: who signs, and the text if it differs from the standard one."""

    signed_by: str = Field(min_length=1, max_length=100)
    text: str | None = Field(default=None, max_length=4000)


class InstanceStart(BaseModel):
    bundle_id: str = Field(min_length=1, max_length=64)
    data: dict[str, Any] = Field(
        default_factory=dict, description="Application data, validated against the merged form"
    )
    receiving_region: str = RegionCode
    handling_region: str | None = Field(default=None, pattern=r"^\d{6}$")
    business_key: str | None = Field(default=None, max_length=128)
    missing_materials: list[str] = Field(default_factory=list, description="Tolerable materials missing (容缺)")
    commitment: CommitmentSign | None = Field(
        default=None, description="The signed commitment when materials are missing"
    )


class MaterialSupply(BaseModel):
    material_id: str = Field(min_length=1, max_length=64)
    reference: str | None = Field(default=None, max_length=500, description="e.g. an e-licence number or file id")


class RatingBody(BaseModel):
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)
    lane: str | None = Field(default=None, max_length=64, description="The department step the comment concerns")


class MessageSend(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    payload: dict[str, Any] = Field(default_factory=dict)


class CancelBody(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class TimelineEntry(BaseModel):
    at: Instant
    actor: str
    action: str
    task: str | None = None
    detail: dict[str, Any] = {}


class InstanceSummary(BaseModel):
    id: int
    bundle_id: str
    bundle_name: str
    version: int
    status: str
    receiving_region: str
    receiving_region_name: str
    handling_region: str
    handling_region_name: str
    business_key: str | None
    applicant: str | None
    subject: str
    deadline: Instant
    deadline_provisional: bool
    sla: str
    sla_paused: bool = False
    created_at: Instant
    completed_at: Instant | None
    error: str | None = None
    error_element: str | None = None


class InstanceView(InstanceSummary):
    data: dict[str, Any]
    tasks: list[TaskView]
    commitments: list[dict[str, Any]] = []
    rating: dict[str, Any] | None = None
    timeline: list[TimelineEntry]
    waiting_for: list[str] = []
    waiting: list[dict[str, Any]] = []


class DiagramView(BaseModel):
    bundle_id: str
    version: int
    file: str
    xml: str
    elements: dict[str, str] = Field(description="bpmn id -> completed | active | waiting")
    completed_counts: dict[str, int] = Field(description="bpmn id -> how many times it completed")
