"""Timer rows: mirrored from the workflow after every step, claimed by workers when due."""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from engine.db import Direct, flush
from engine.runtime import TimerWait
from engine.timers.models import Timer


def sync_bpmn(session: Session, instance_id: int, waits: Sequence[TimerWait], *, now: datetime) -> int:
    """Make the pending BPMN timer rows of an instance equal the timers its workflow waits on; returns
    how many are pending now."""
    pending = {
        t.ref: t
        for t in session.exec(
            select(Timer).where(Timer.instance_id == instance_id, Timer.kind == "bpmn", Timer.status == "pending")
        )
    }
    wanted = {w.task_id: w for w in waits}
    for ref, row in pending.items():
        wait = wanted.get(ref)
        if wait is None:
            row.status = "cancelled"
            session.add(row)
        elif wait.due_at != row.due_at:  # cycle timers move on
            row.due_at = wait.due_at
            session.add(row)
    for ref, wait in wanted.items():
        if ref not in pending:
            session.add(
                Timer(instance_id=instance_id, kind="bpmn", ref=ref, name=wait.name, due_at=wait.due_at, created_at=now)
            )
    session.flush()
    return len(wanted)


_timers = Timer.__table__.c
_CANCEL_ALL = Direct(  # built once, on the table: the ORM's bulk update path cost more than the statement
    Timer.__table__.update()
    .where(_timers.instance_id == sa.bindparam("of_instance"), _timers.status == "pending")
    .values(status="cancelled")
)


def cancel_all(session: Session, instance_id: int) -> None:
    # flushed first, so timers added in this transaction are cancelled too; Timer objects loaded earlier
    # keep the status they were loaded with (every caller is done with them by now)
    flush(session)
    _CANCEL_ALL.run(session.connection(), {"of_instance": instance_id})


def claim_due(session: Session, *, now: datetime, limit: int = 50) -> list[Timer]:
    """Due rows nobody else is firing: row locks that skip rows another worker holds."""
    stmt = (
        select(Timer)
        .where(Timer.status == "pending", Timer.due_at <= now)
        .order_by(Timer.due_at, Timer.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(stmt))


def mark_fired(session: Session, timer: Timer, *, now: datetime) -> None:
    timer.status = "fired"
    timer.fired_at = now
    session.add(timer)
    session.flush()
