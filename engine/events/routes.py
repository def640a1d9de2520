from fastapi import APIRouter

from engine import clock
from engine.auth.deps import System
from engine.db import SessionDep
from engine.events import service
from engine.events.schemas import EventAccepted, EventIn

router = APIRouter(prefix="/api/events", tags=["events"])


@router.post("", response_model=EventAccepted, status_code=202)
async def receive(body: EventIn, session: SessionDep, who: System) -> EventAccepted:
    """A data event (免申即享): starts every active bundle whose message start event has its name.
    The same ``idempotency_key`` never starts anything twice."""
    record, duplicate = service.receive(session, who, body, now=clock.now(session))
    return EventAccepted(event_id=record.id, instances=record.instance_ids, duplicate=duplicate)
