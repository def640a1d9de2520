"""好差评: one rating per completed application; a bad one opens a rectification (整改) task for the
department whose step it concerns, with a deadline, and ratings are summarised per bundle and department."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from engine.audit import service as audit
from engine.auth.schemas import Principal
from engine.bundles import service as bundles
from engine.errors import Conflict, Forbidden, invalid
from engine.holidays import service as holidays
from engine.instances import service as instances
from engine.instances.models import ProcessInstance
from engine.ratings.models import Rating
from engine.tasks import service as tasks
from engine.tasks.models import TaskRow
from engine.webhooks import service as webhooks

BAD = 2
RECTIFY_WORKING_DAYS = 5


def _rectification_lane(manifest: dict[str, Any], lane: str | None) -> str:
    lanes = manifest["lanes"]
    if lane is not None:
        if lane not in lanes:
            raise invalid("unknown lane", [(["lane"], f"事项没有环节 {lane} / the bundle has no lane {lane}")])
        return lane
    if manifest.get("rating_lane"):
        return manifest["rating_lane"]
    return next((k for k, v in lanes.items() if v["region"] == "receiving"), next(iter(lanes)))


def rate(
    session: Session, who: Principal, instance_id: int, *, score: int, comment: str, lane: str | None, now: datetime
) -> Rating:
    instance = instances.lock(session, instance_id)
    if who.role == "applicant" and instance.applicant != who.name:
        raise Forbidden("只能评价本人的办件 / you may only rate your own applications")
    if who.role not in ("applicant", "system", "admin"):
        raise Forbidden("评价由申请人或代其提交的外部系统作出 / ratings come from the applicant or a system for them")
    if instance.status != "completed":
        raise Conflict(f"办结后才能评价 / only a completed application can be rated (it is {instance.status})")
    if session.exec(select(Rating.id).where(Rating.instance_id == instance.id)).first() is not None:
        raise Conflict("该办件已评价 / this application has been rated already")
    manifest = bundles.version_artefacts(session, instance.version_id, instance.content_hash).manifest
    lane_id = _rectification_lane(manifest, lane)
    lane_cfg = manifest["lanes"][lane_id]
    rating = Rating(
        instance_id=instance.id,
        bundle_id=instance.bundle_id,
        score=score,
        comment=comment,
        lane=lane_id,
        department=lane_cfg["department"],
        rated_by=who.name,
        created_at=now,
    )
    session.add(rating)
    session.flush()
    audit.append(
        session,
        at=now,
        actor=who.name,
        action="rating.created",
        bundle_id=instance.bundle_id,
        instance_id=instance.id,
        detail={"score": score, "lane": lane_id},
    )
    webhooks.enqueue(
        session,
        event="rating.created",
        now=now,
        payload={"instance_id": instance.id, "bundle_id": instance.bundle_id, "score": score},
    )
    if score <= BAD:
        rating.rectification_task_id = _open_rectification(session, instance, rating, lane_cfg, now).id
        session.add(rating)
        session.flush()
    return rating


def _open_rectification(
    session: Session, instance: ProcessInstance, rating: Rating, lane: dict[str, Any], now: datetime
) -> TaskRow:
    calendar = holidays.calendar(session)
    due = calendar.add_working_days(now, RECTIFY_WORKING_DAYS).at
    region = instance.receiving_region if lane["region"] == "receiving" else instance.handling_region
    new = {
        "instance_id": instance.id,
        "bundle_id": instance.bundle_id,
        "bundle_name": instance.bundle_name,
        "spiff_id": f"rating-{rating.id}",
        "bpmn_id": "rectification",
        "title": f"差评整改（{rating.score} 分）",
        "lane": rating.lane,
        "department": lane["department"],
        "department_name": lane["department_name"],
        "region": region,
        "subject": instance.subject,
        "kind": "rectification",
        "due_at": due,
        "warn_at": calendar.add_working_days(now, RECTIFY_WORKING_DAYS - 1).at,
        "created_at": now,
    }
    (task,) = tasks.add(session, [new])
    audit.append(
        session,
        at=now,
        actor="engine",
        action="task.created",
        bundle_id=instance.bundle_id,
        instance_id=instance.id,
        task_id=task.id,
        detail={"task": task.title, "department": task.department, "comment": rating.comment},
    )
    return task


def list_ratings(session: Session, *, bundle_id: str | None, department: str | None, limit: int) -> list[Rating]:
    stmt = select(Rating).order_by(Rating.id.desc()).limit(limit)
    if bundle_id:
        stmt = stmt.where(Rating.bundle_id == bundle_id)
    if department:
        stmt = stmt.where(Rating.department == department)
    return list(session.exec(stmt))


def summary(session: Session, *, bundle_id: str | None = None) -> list[dict[str, Any]]:
    """Count, average and bad ratings per bundle and department (the 好差评 report)."""
    stmt = (
        select(
            Rating.bundle_id,
            Rating.department,
            sa.func.count(),
            sa.func.avg(Rating.score),
            sa.func.sum(sa.case((Rating.score <= BAD, 1), else_=0)),
        )
        .group_by(Rating.bundle_id, Rating.department)
        .order_by(Rating.bundle_id, Rating.department)
    )
    if bundle_id:
        stmt = stmt.where(Rating.bundle_id == bundle_id)
    return [
        {"bundle_id": b, "department": d, "count": n, "average": round(float(avg), 2), "bad": int(bad or 0)}
        for b, d, n, avg, bad in session.exec(stmt)
    ]
