"""Timer rows: mirrored from the workflow after every step, claimed by workers when due."""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

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


def cancel_all(session: Session, instance_id: int) -> None:
    pending = sa.update(Timer).where(Timer.instance_id == instance_id, Timer.status == "pending")
    session.execute(pending.values(status="cancelled"))  # ORM-enabled: loaded rows see it too


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
