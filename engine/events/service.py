"""免申即享: a data event from an external system starts every active bundle listening for it."""

from datetime import datetime

from sqlmodel import Session, select

from engine.audit import service as audit
from engine.auth.schemas import Principal
from engine.bundles import service as bundles
from engine.errors import invalid
from engine.events.models import EventRecord
from engine.events.schemas import EventIn
from engine.instances import service as instances
from engine.regions import divisions
from engine.webhooks import service as webhooks


def listeners(session: Session, event_type: str) -> list[str]:
    """Active bundles whose main process has a message start event named after the event type."""
    return [
        bundle.id
        for bundle, _ in bundles.list_bundles(session)
        if event_type in bundles.active_artefacts(session, bundle.id).compiled.message_starts
    ]


def receive(session: Session, who: Principal, event: EventIn, *, now: datetime) -> tuple[EventRecord, bool]:
    """Start the listening bundles once per idempotency key; returns (record, was it a repeat)."""
    if not divisions.is_valid(event.region):
        raise invalid("invalid region", [(["region"], f"未知的行政区划代码 {event.region} / unknown division code")])
    if event.idempotency_key:
        existing = session.exec(select(EventRecord).where(EventRecord.idempotency_key == event.idempotency_key)).first()
        if existing is not None:
            return existing, True
    record = EventRecord(
        type=event.type,
        idempotency_key=event.idempotency_key,
        region=event.region,
        data=event.data,
        received_by=who.name,
        received_at=now,
    )
    session.add(record)
    session.flush()  # a concurrent copy with the same key waits here, then fails on the unique key
    started = [
        instances.start_from_event(session, who, bundle_id, event.type, event.data, event.region, now=now).id
        for bundle_id in listeners(session, event.type)
    ]
    record.instance_ids = started
    session.add(record)
    audit.append(
        session,
        at=now,
        actor=who.name,
        action="event.received",
        detail={"event_id": record.id, "type": event.type, "instances": started},
    )
    webhooks.enqueue(
        session,
        event="event.received",
        now=now,
        payload={"event_id": record.id, "type": event.type, "instances": started},
    )
    session.flush()
    return record, False
