"""容缺受理: the commitment record, the supply of its materials, fulfilment and breach."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from engine.clock import to_cst
from engine.commitments.models import Commitment, CommitmentItem
from engine.errors import Conflict, invalid
from engine.timers.models import Timer
from engine.workdays import Deadline, WorkCalendar

DEFAULT_TEXT = (
    "本人（单位）自愿作出承诺：所缺材料将于承诺期限内补齐；逾期未补齐或所作承诺不实的，"
    "同意有关部门依法撤销相关决定，并记入信用记录。"
)


@dataclass(frozen=True)
class MissingMaterial:
    id: str
    name: str
    working_days: int


def deadlines(materials: Sequence[MissingMaterial], calendar: WorkCalendar, now: datetime) -> dict[str, Deadline]:
    """Each material's supply deadline: its working days, counted from acceptance."""
    return {m.id: calendar.add_working_days(now, m.working_days) for m in materials}


def open_commitment(
    session: Session,
    *,
    instance_id: int,
    materials: Sequence[MissingMaterial],
    deadlines: dict[str, Deadline],
    signed_by: str,
    text: str | None,
    now: datetime,
) -> Commitment:
    """Record the commitment with a deadline per material and a timer that marks it breached at the
    latest deadline if it is still open then."""
    latest = max(deadlines.values(), key=lambda d: d.at)
    commitment = Commitment(
        instance_id=instance_id,
        text=text or DEFAULT_TEXT,
        signed_by=signed_by,
        signed_at=now,
        deadline_at=latest.at,
        provisional=any(d.provisional for d in deadlines.values()),
    )
    session.add(commitment)
    session.flush()
    for m in materials:
        session.add(
            CommitmentItem(
                commitment_id=commitment.id,
                material_id=m.id,
                name=m.name,
                working_days=m.working_days,
                due_at=deadlines[m.id].at,
            )
        )
    session.add(
        Timer(
            instance_id=instance_id,
            kind="commitment",
            ref=str(commitment.id),
            name="容缺材料补齐期限",
            due_at=latest.at,
            created_at=now,
        )
    )
    session.flush()
    return commitment


def for_instance(session: Session, instance_id: int) -> list[tuple[Commitment, list[CommitmentItem]]]:
    commitments = session.exec(
        select(Commitment).where(Commitment.instance_id == instance_id).order_by(Commitment.id)
    ).all()
    result = []
    for c in commitments:
        items = session.exec(
            select(CommitmentItem).where(CommitmentItem.commitment_id == c.id).order_by(CommitmentItem.id)
        )
        result.append((c, list(items)))
    return result


def supply(
    session: Session, *, instance_id: int, material_id: str, who: str, reference: str | None, now: datetime
) -> Commitment:
    """Record a supplied material; the commitment is fulfilled when its last material is in."""
    for commitment, items in for_instance(session, instance_id):
        item = next((i for i in items if i.material_id == material_id), None)
        if item is None:
            continue
        if commitment.state != "open":
            raise Conflict(
                f"承诺已{'履行' if commitment.state == 'fulfilled' else '违约'} / commitment is {commitment.state}"
            )
        if item.supplied_at is not None:
            raise Conflict(f"材料 {item.name} 已补齐 / material {material_id} was supplied already")
        item.supplied_at, item.supplied_by, item.reference = now, who, reference
        session.add(item)
        if all(i.supplied_at is not None for i in items):
            commitment.state, commitment.closed_at = "fulfilled", now
            session.add(commitment)
            _cancel_timer(session, commitment)
        session.flush()
        return commitment
    raise invalid(
        "unknown material",
        [
            (
                ["material_id"],
                f"办件没有待补齐的材料 {material_id} / no committed material {material_id} on this instance",
            )
        ],
    )


def breach_due(session: Session, *, instance_id: int, now: datetime) -> list[Commitment]:
    """Open commitments of the instance whose deadline has passed become breached."""
    breached = []
    for commitment, _ in for_instance(session, instance_id):
        if commitment.state == "open" and commitment.deadline_at <= now:
            commitment.state, commitment.closed_at = "breached", now
            session.add(commitment)
            breached.append(commitment)
    session.flush()
    return breached


def is_fulfilled(session: Session, instance_id: int) -> bool:
    rows = for_instance(session, instance_id)
    return bool(rows) and all(c.state == "fulfilled" for c, _ in rows)


def _cancel_timer(session: Session, commitment: Commitment) -> None:
    for timer in session.exec(
        select(Timer).where(Timer.kind == "commitment", Timer.ref == str(commitment.id), Timer.status == "pending")
    ):
        timer.status = "cancelled"
        session.add(timer)


def reschedule(session: Session, commitment: Commitment, items: list[CommitmentItem], calendar: WorkCalendar) -> None:
    """Recount supply deadlines from acceptance with the current calendar (after a holiday import)."""
    signed = commitment.signed_at
    latest = None
    for item in items:
        deadline = calendar.add_working_days(signed, item.working_days)
        item.due_at = deadline.at
        latest = deadline if latest is None or deadline.at > latest.at else latest
        session.add(item)
    if latest is not None:
        commitment.deadline_at, commitment.provisional = latest.at, latest.provisional
        session.add(commitment)
        for timer in session.exec(
            select(Timer).where(Timer.kind == "commitment", Timer.ref == str(commitment.id), Timer.status == "pending")
        ):
            timer.due_at = latest.at
            session.add(timer)


def days_left(commitment: Commitment, calendar: WorkCalendar, now: datetime) -> int:
    """Whole working days left before the deadline (0 on its last day or after)."""
    if commitment.deadline_at <= now:
        return 0
    return int(calendar.working_days_between(now, commitment.deadline_at).days)


def view(commitment: Commitment, items: list[CommitmentItem], calendar: WorkCalendar, now: datetime) -> dict[str, Any]:
    """The commitment as the inbox and instance page show it: with working days left."""
    return {
        "id": commitment.id,
        "state": commitment.state,
        "text": commitment.text,
        "signed_by": commitment.signed_by,
        "signed_at": to_cst(commitment.signed_at),
        "deadline": to_cst(commitment.deadline_at),
        "provisional": commitment.provisional,
        "days_left": days_left(commitment, calendar, now) if commitment.state == "open" else None,
        "materials": [
            {
                "id": i.material_id,
                "name": i.name,
                "due_at": to_cst(i.due_at),
                "supplied_at": to_cst(i.supplied_at) if i.supplied_at else None,
                "supplied_by": i.supplied_by,
                "reference": i.reference,
            }
            for i in items
        ],
    }
