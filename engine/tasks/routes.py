from typing import Annotated

from fastapi import APIRouter, Query

from engine import clock
from engine.auth.deps import CurrentPrincipal
from engine.bundles import service as bundles
from engine.db import SessionDep
from engine.instances import queries
from engine.instances import service as instances
from engine.instances.schemas import InstanceView
from engine.tasks import service
from engine.tasks.schemas import Page, TaskComplete, TaskDetail, TaskView

router = APIRouter(prefix="/api/tasks", tags=["tasks"])


@router.get("", response_model=Page[TaskView])
async def inbox(
    session: SessionDep,
    who: CurrentPrincipal,
    state: Annotated[str, Query(pattern="^(ready|completed|cancelled)$")] = "ready",
    bundle_id: str | None = None,
    instance_id: int | None = None,
    claimed: Annotated[str | None, Query(pattern="^(me|none)$")] = None,
    sla: Annotated[str | None, Query(pattern="^(green|yellow|red)$")] = None,
    sort: Annotated[str, Query(pattern="^(due|created)$")] = "due",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> Page[TaskView]:
    """The caller's inbox: tasks of their department and region (applicants: their own tasks)."""
    now = clock.now(session)
    q = service.InboxQuery(state, bundle_id, instance_id, claimed, sla, now, sort, limit, cursor)
    rows, next_cursor = service.inbox(session, who, q)
    left = queries.days_left_by_instance(session, {t.instance_id for t in rows if t.state == "ready"}, now)
    return Page(items=[queries.task_view(t, now, left.get(t.instance_id)) for t in rows], next_cursor=next_cursor)


@router.get("/{task_id}", response_model=TaskDetail)
async def get_task(
    task_id: int,
    session: SessionDep,
    who: CurrentPrincipal,
    reveal: Annotated[str | None, Query(pattern="^ids$")] = None,
) -> TaskDetail:
    """A task with its form (JSON schema + ui schema), instructions and the instance data it may see
    (ID numbers masked; ``reveal=ids`` for a clerk of the case, audited)."""
    task = service.get_visible(session, who, task_id)
    instance = queries.get_visible(session, who, task.instance_id)
    arte = bundles.version_artefacts(session, instance.version_id, instance.content_hash)
    spec = arte.compiled.user_tasks.get(task.bpmn_id)
    form = arte.form(task.form) if task.form else None
    now = clock.now(session)
    return TaskDetail(
        **queries.task_view(task, now).model_dump(),
        form={"schema": form.schema, "ui_schema": form.ui_schema} if form else None,
        data=queries.shown_data(session, who, instance, reveal=reveal == "ids", now=now),
        instructions=spec.instructions if spec else None,
    )


@router.post("/{task_id}/claim", response_model=TaskView)
async def claim(task_id: int, session: SessionDep, who: CurrentPrincipal) -> TaskView:
    return queries.task_view(service.claim(session, who, task_id), clock.now(session))


@router.post("/{task_id}/unclaim", response_model=TaskView)
async def unclaim(task_id: int, session: SessionDep, who: CurrentPrincipal) -> TaskView:
    return queries.task_view(service.unclaim(session, who, task_id), clock.now(session))


@router.post("/{task_id}/complete")
async def complete(
    task_id: int, body: TaskComplete, session: SessionDep, who: CurrentPrincipal
) -> dict[str, InstanceView]:
    """Complete a ready task of the caller's department and region with its form data."""
    now = clock.now(session)
    instance = instances.complete_task(session, who, task_id, body.data, now=now)
    return {"instance": queries.view(session, who, instance, now=now)}
