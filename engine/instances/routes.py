from typing import Annotated

from fastapi import APIRouter, Query

from engine import clock
from engine.auth.deps import CurrentPrincipal, Starter, System
from engine.db import SessionDep
from engine.instances import queries, service
from engine.instances.schemas import (
    CancelBody,
    DiagramView,
    InstanceStart,
    InstanceSummary,
    InstanceView,
    MaterialSupply,
    MessageSend,
)
from engine.tasks.schemas import Page

router = APIRouter(prefix="/api/instances", tags=["instances"])


@router.post("", response_model=InstanceView, status_code=201)
async def start(body: InstanceStart, session: SessionDep, who: Starter) -> InstanceView:
    """Start an instance of the bundle's active version with the application data (一表申请)."""
    now = clock.now(session)
    return queries.view(session, who, service.start(session, who, body, now=now), now=now)


@router.get("", response_model=Page[InstanceSummary])
async def list_instances(
    session: SessionDep,
    who: CurrentPrincipal,
    bundle_id: str | None = None,
    status: Annotated[str | None, Query(pattern="^(running|completed|cancelled|failed)$")] = None,
    business_key: str | None = None,
    sla: Annotated[str | None, Query(pattern="^(green|yellow|red)$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> Page[InstanceSummary]:
    now = clock.now(session)
    q = queries.InstanceQuery(bundle_id, status, business_key, sla, limit, cursor)
    items, next_cursor = queries.page(session, who, q, now=now)
    return Page(items=[InstanceSummary(**queries.summary(i, now)) for i in items], next_cursor=next_cursor)


@router.get("/{instance_id}", response_model=InstanceView)
async def get_instance(
    instance_id: int,
    session: SessionDep,
    who: CurrentPrincipal,
    reveal: Annotated[str | None, Query(pattern="^ids$")] = None,
) -> InstanceView:
    """An instance as the caller may see it; ``reveal=ids`` shows full ID numbers to a clerk of the case (audited)."""
    now = clock.now(session)
    instance = queries.get_visible(session, who, instance_id)
    return queries.view(session, who, instance, now=now, reveal=reveal == "ids")


@router.post("/{instance_id}/messages", response_model=InstanceView)
async def send_message(instance_id: int, body: MessageSend, session: SessionDep, who: System) -> InstanceView:
    """Deliver a BPMN message (e.g. an external system's result) to the catch event waiting for it."""
    now = clock.now(session)
    instance = service.send_message(session, who, instance_id, body.name, body.payload, now=now)
    return queries.view(session, who, instance, now=now)


@router.post("/{instance_id}/cancel", response_model=InstanceView)
async def cancel(instance_id: int, body: CancelBody, session: SessionDep, who: CurrentPrincipal) -> InstanceView:
    now = clock.now(session)
    queries.get_visible(session, who, instance_id)
    return queries.view(session, who, service.cancel(session, who, instance_id, body.reason, now=now), now=now)


@router.post("/{instance_id}/materials", response_model=InstanceView)
async def supply_material(
    instance_id: int, body: MaterialSupply, session: SessionDep, who: CurrentPrincipal
) -> InstanceView:
    """补齐容缺材料: record a supplied material; the last one fulfils the commitment."""
    now = clock.now(session)
    instance = service.supply_material(session, who, instance_id, body.material_id, body.reference, now=now)
    return queries.view(session, who, instance, now=now)


@router.get("/{instance_id}/diagram", response_model=DiagramView)
async def diagram(instance_id: int, session: SessionDep, who: CurrentPrincipal) -> DiagramView:
    """The BPMN of the instance's version with each element's state, for a highlighted diagram."""
    return queries.diagram(session, queries.get_visible(session, who, instance_id))
