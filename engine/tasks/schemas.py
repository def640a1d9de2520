from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from engine.clock import Instant

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class TaskView(BaseModel):
    id: int
    instance_id: int
    bundle_id: str
    bundle_name: str
    name: str
    title: str
    lane: str | None
    department: str | None
    department_name: str | None
    region: str | None
    kind: str
    subject: str
    state: str
    assignee: str | None
    due_at: Instant
    sla: str
    created_at: Instant
    completed_at: Instant | None
    completed_by: str | None
    commitment_days_left: int | None = None
    result: dict[str, Any] | None = Field(default=None, description="The form data the task was completed with")


class TaskDetail(TaskView):
    form: dict[str, Any] | None
    data: dict[str, Any]
    instructions: str | None


class TaskComplete(BaseModel):
    data: dict[str, Any] = Field(default_factory=dict, description="The task form's data.")
