"""Read side of instances: views, lists and who may see them."""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from engine import db, runtime
from engine.audit import service as audit
from engine.auth.schemas import Principal
from engine.bundles import service as bundles
from engine.bundles.validation import element_file
from engine.clock import to_cst
from engine.commitments import service as commitments
from engine.commitments.models import Commitment
from engine.errors import Forbidden, NotFound, invalid
from engine.holidays import service as holidays
from engine.instances import deadlines, masking
from engine.instances.models import ProcessInstance
from engine.instances.schemas import DiagramView, InstanceView, TimelineEntry
from engine.ratings.models import Rating
from engine.regions import divisions
from engine.tasks import service as tasks
from engine.tasks.models import Task, TaskRow
from engine.tasks.schemas import TaskView


def visible_instances(who: Principal) -> sa.ColumnElement[bool]:
    if who.role in ("admin", "auditor"):
        return sa.true()
    if who.role == "system":
        if who.region:
            return sa.or_(ProcessInstance.receiving_region == who.region, ProcessInstance.handling_region == who.region)
        return sa.true()
    if who.role == "applicant":
        return ProcessInstance.applicant == who.name
    if who.role == "clerk":
        has_task = (
            select(Task.id)
            .where(Task.instance_id == ProcessInstance.id, Task.department == who.department, Task.region == who.region)
            .exists()
        )
        return sa.or_(ProcessInstance.started_by == who.name, has_task)
    return sa.false()


def get_visible(session: Session, who: Principal, instance_id: int) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"未找到办件 {instance_id} / unknown instance {instance_id}")
    if not session.exec(
        select(ProcessInstance.id).where(ProcessInstance.id == instance_id, visible_instances(who))
    ).first():
        raise Forbidden("无权查看该办件 / you may not see this instance")
    return instance


def task_view(task: Task | TaskRow, now: datetime, commitment_days_left: int | None = None) -> TaskView:
    return TaskView(
        id=task.id,
        instance_id=task.instance_id,
        bundle_id=task.bundle_id,
        bundle_name=task.bundle_name,
        name=task.bpmn_id,
        title=task.title,
        lane=task.lane,
        department=task.department,
        department_name=task.department_name,
        region=task.region,
        kind=task.kind,
        subject=task.subject,
        state=task.state,
        assignee=task.assignee,
        due_at=task.due_at,
        sla=tasks.sla_of(task, now),
        created_at=task.created_at,
        completed_at=task.completed_at,
        completed_by=task.completed_by,
        commitment_days_left=commitment_days_left,
        result=task.result,
    )


def summary(instance: ProcessInstance, now: datetime) -> dict:
    return {
        "id": instance.id,
        "bundle_id": instance.bundle_id,
        "bundle_name": instance.bundle_name,
        "version": instance.version,
        "status": instance.status,
        "receiving_region": instance.receiving_region,
        "receiving_region_name": divisions.name_of(instance.receiving_region),
        "handling_region": instance.handling_region,
        "handling_region_name": divisions.name_of(instance.handling_region),
        "business_key": instance.business_key,
        "applicant": instance.applicant,
        "subject": instance.subject,
        "deadline": instance.deadline_at,
        "deadline_provisional": instance.deadline_provisional,
        "sla": deadlines.sla(instance, now),
        "sla_paused": instance.paused_since is not None,
        "created_at": instance.created_at,
        "completed_at": instance.completed_at,
        "error": instance.error,
        "error_element": instance.error_element,
    }


def commitment_views(session: Session, instance_id: int, now: datetime) -> list[dict]:
    rows = commitments.for_instance(session, instance_id)
    if not rows:
        return []
    calendar = holidays.calendar(session)
    return [commitments.view(c, items, calendar, now) for c, items in rows]


def days_left_by_instance(session: Session, instance_ids: set[int], now: datetime) -> dict[int, int]:
    """For inbox badges: working days left on each instance's open commitment (one query for a page)."""
    if not instance_ids:
        return {}
    rows = session.exec(
        select(Commitment).where(Commitment.instance_id.in_(instance_ids), Commitment.state == "open")
    ).all()
    if not rows:
        return {}
    calendar = holidays.calendar(session)
    return {c.instance_id: commitments.days_left(c, calendar, now) for c in rows}


# Built once: every completion that ends an instance shows it.
_RATING = db.Direct(
    sa.select(Rating.score, Rating.comment, Rating.created_at).where(Rating.instance_id == sa.bindparam("instance_id"))
)


def _rating(session: Session, instance_id: int) -> Any:
    db.flush(session)  # a rating given in this transaction is seen
    return _RATING.first(session.connection(), {"instance_id": instance_id})


def view(
    session: Session, who: Principal, instance: ProcessInstance, *, now: datetime, reveal: bool = False
) -> InstanceView:
    """The full instance view, with the data as this caller may see it (see ``shown_data``)."""
    task_rows = tasks.instance_tasks(session, instance.id)
    titles = {t.id: t.title for t in task_rows}
    timeline = [
        TimelineEntry(
            at=e.at, actor=e.actor, action=e.action, task=titles.get(e.task_id) if e.task_id else None, detail=e.detail
        )
        for e in audit.timeline(session, instance.id)
    ]
    open_tasks = [t for t in task_rows if t.state == "ready"]
    waiting = [f"{t.department_name or '申请人'}: {t.title}" for t in open_tasks]
    # commitments exist only for materials missing at acceptance; ratings only after completion
    commitment_list = commitment_views(session, instance.id, now) if instance.data.get("missing_materials") else []
    left = next((c["days_left"] for c in commitment_list if c["state"] == "open"), None)
    rating = _rating(session, instance.id) if instance.status == "completed" else None
    return InstanceView(
        **summary(instance, now),
        data=shown_data(session, who, instance, reveal=reveal, now=now),
        tasks=[task_view(t, now, left if t.state == "ready" else None) for t in task_rows],
        commitments=commitment_list,
        rating={"score": rating.score, "comment": rating.comment, "at": to_cst(rating.created_at)} if rating else None,
        timeline=timeline,
        waiting_for=waiting,
        waiting=[{"department_name": t.department_name, "task": t.title, "kind": t.kind} for t in open_tasks],
    )


@dataclass(frozen=True)
class InstanceQuery:
    bundle_id: str | None = None
    status: str | None = None
    business_key: str | None = None
    sla: str | None = None
    limit: int = 50
    cursor: str | None = None


def page(
    session: Session, who: Principal, q: InstanceQuery, *, now: datetime
) -> tuple[Sequence[ProcessInstance], str | None]:
    stmt = select(ProcessInstance).where(visible_instances(who))
    if q.bundle_id:
        stmt = stmt.where(ProcessInstance.bundle_id == q.bundle_id)
    if q.status:
        stmt = stmt.where(ProcessInstance.status == q.status)
    if q.business_key:
        stmt = stmt.where(ProcessInstance.business_key == q.business_key)
    if q.sla == "red":
        stmt = stmt.where(ProcessInstance.status == "running", ProcessInstance.deadline_at < now)
    elif q.sla == "yellow":
        stmt = stmt.where(
            ProcessInstance.status == "running",
            ProcessInstance.deadline_at >= now,
            ProcessInstance.warn_at <= now,
            ProcessInstance.paused_since.is_(None),
        )
    elif q.sla == "green":
        stmt = stmt.where(
            sa.or_(
                ProcessInstance.status != "running",
                ProcessInstance.warn_at > now,
                ProcessInstance.paused_since.is_not(None),
            )
        )
    if q.cursor:
        try:
            last = int(base64.urlsafe_b64decode(q.cursor.encode()).decode())
        except ValueError as exc:
            raise invalid("bad cursor", [(["query", "cursor"], "not a cursor this API returned")]) from exc
        stmt = stmt.where(ProcessInstance.id < last)
    rows = session.exec(stmt.order_by(ProcessInstance.id.desc()).limit(q.limit + 1)).all()
    if q.sla == "green":
        rows = [r for r in rows if deadlines.sla(r, now) == "green"]
    items = rows[: q.limit]
    more = len(rows) > q.limit
    return items, (base64.urlsafe_b64encode(str(items[-1].id).encode()).decode() if more else None)


def diagram(session: Session, instance: ProcessInstance) -> DiagramView:
    arte = bundles.version_artefacts(session, instance.version_id, instance.content_hash)
    file = element_file(arte.files, arte.compiled.process_id)
    states = runtime.element_states(arte.compiled, instance.state) if instance.state else {}
    return DiagramView(
        bundle_id=instance.bundle_id,
        version=instance.version,
        file=file,
        xml=arte.files[file].decode("utf-8"),
        elements={k: v[0] for k, v in states.items()},
        completed_counts={k: v[1] for k, v in states.items() if v[1]},
    )


def sees_ids_by_default(who: Principal, instance: ProcessInstance) -> bool:
    """The applicant's own data and an external system's are not masked; everyone else's view is."""
    return who.role == "system" or (who.role == "applicant" and instance.applicant == who.name)


def may_reveal_ids(session: Session, who: Principal, instance: ProcessInstance) -> bool:
    """A clerk of a department and region that has a task in the case, or an admin."""
    if who.role == "admin":
        return True
    if who.role != "clerk":
        return False
    stmt = select(Task.id).where(
        Task.instance_id == instance.id, Task.department == who.department, Task.region == who.region
    )
    return session.exec(stmt).first() is not None


def shown_data(
    session: Session, who: Principal, instance: ProcessInstance, *, reveal: bool, now: datetime
) -> dict[str, Any]:
    """The instance data as this caller may see it; a reveal is checked and written to the audit log."""
    if sees_ids_by_default(who, instance):
        return instance.data
    if not reveal:
        return masking.mask_ids(instance.data)
    if not may_reveal_ids(session, who, instance):
        raise Forbidden("无权查看完整证件号码 / you may not reveal full ID numbers of this case")
    audit.append(
        session,
        at=now,
        actor=who.name,
        action="data.revealed",
        bundle_id=instance.bundle_id,
        instance_id=instance.id,
        detail={"fields": "id_numbers"},
    )
    return instance.data
