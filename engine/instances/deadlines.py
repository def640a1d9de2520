"""限时办结: an instance's deadline, its warning point, the pause while the applicant is asked to
correct (补正), and the SLA timers that announce yellow and red."""

import math
from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, select

from engine.instances.models import ProcessInstance
from engine.tasks import service as tasks
from engine.timers.models import Timer
from engine.workdays import WorkCalendar

SLA_KINDS = ("sla_warning", "sla_overdue")


def warning_days(total: int) -> int:
    """Yellow from the last working day, or once 80 % of the limit is used, whichever comes first."""
    return max(0, min(total - 1, math.floor(total * 0.8)))


def schedule(instance: ProcessInstance, calendar: WorkCalendar) -> None:
    """Set deadline and warning point from the start, the limit and the working days spent paused."""
    total = instance.time_limit_days + math.ceil(instance.paused_working_days - 1e-9)
    deadline = calendar.add_working_days(instance.created_at, total)
    warn = calendar.add_working_days(instance.created_at, warning_days(total))
    instance.deadline_at, instance.warn_at = deadline.at, warn.at
    instance.deadline_provisional = deadline.provisional


def sla(instance: ProcessInstance, now: datetime) -> str:
    end = instance.completed_at if instance.status != "running" and instance.completed_at else now
    if end > instance.deadline_at:
        return "red"
    if instance.status == "running" and instance.paused_since is None and now >= instance.warn_at:
        return "yellow"
    return "green"


def sync_timers(session: Session, instance: ProcessInstance, now: datetime) -> None:
    rows = session.exec(select(Timer).where(Timer.instance_id == instance.id, Timer.kind.in_(SLA_KINDS))).all()
    for row in rows:
        if row.status == "pending":
            row.status = "cancelled"
            session.add(row)
    schedule_timers(session, instance, now, fired={r.kind for r in rows if r.status == "fired"})


def schedule_timers(session: Session, instance: ProcessInstance, now: datetime, fired: Collection[str] = ()) -> None:
    """The warning and overdue timers of a running clock (a new instance has no old ones to cancel)."""
    if instance.status != "running" or instance.paused_since is not None:
        return
    for kind, due in (("sla_warning", instance.warn_at), ("sla_overdue", instance.deadline_at)):
        if kind not in fired:
            session.add(
                Timer(instance_id=instance.id, kind=kind, ref="instance", name=kind, due_at=due, created_at=now)
            )


def reschedule(session: Session, instance: ProcessInstance, calendar: WorkCalendar, now: datetime) -> None:
    """Recompute the schedule; open tasks that followed the old deadline follow the new one."""
    old = instance.deadline_at
    schedule(instance, calendar)
    if instance.deadline_at != old:
        tasks.follow_deadline(session, instance.id, old, due_at=instance.deadline_at, warn_at=instance.warn_at)
    sync_timers(session, instance, now)
    session.add(instance)


def update_pause(
    session: Session, instance: ProcessInstance, *, waiting_on_applicant: bool, calendar: WorkCalendar, now: datetime
) -> bool:
    """Stop the clock while the applicant owes a correction, restart it (deadline moved out) after.
    Returns whether anything changed."""
    if waiting_on_applicant and instance.paused_since is None and instance.status == "running":
        instance.paused_since = now
        sync_timers(session, instance, now)
        return True
    if instance.paused_since is not None and (not waiting_on_applicant or instance.status != "running"):
        spent = calendar.working_days_between(instance.paused_since, now).days
        instance.paused_working_days += spent
        instance.paused_since = None
        reschedule(session, instance, calendar, now)
        return True
    return False
