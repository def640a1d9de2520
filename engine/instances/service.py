"""Every command that runs the engine: start, complete a task, deliver a message, supply a material,
fire timers, cancel.

Each command locks its instance row, steps the pure runtime, stores the new state and mirrors the
result into tasks, timers, commitments, the audit log and the webhook outbox — all in the caller's
one transaction, so a crash or a concurrent request never leaves half of it behind.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from engine import db, forms, runtime, workdays
from engine.audit import service as audit
from engine.auth.schemas import Principal
from engine.bundles import service as bundles
from engine.bundles.compiled import VersionArtefacts
from engine.bundles.validation import lane_key
from engine.clock import to_cst
from engine.commitments import service as commitments
from engine.commitments.models import Commitment
from engine.config import get_settings
from engine.errors import Conflict, Forbidden, Invalid, NotFound, invalid
from engine.holidays import service as holidays
from engine.instances import deadlines
from engine.instances.models import ProcessInstance
from engine.instances.schemas import InstanceStart
from engine.regions import divisions
from engine.tasks import service as tasks
from engine.tasks.models import TaskRow
from engine.timers import service as timers
from engine.webhooks import service as webhooks

_SUBJECT_PATHS = (
    ("company", "name"),
    ("applicant_person", "name"),
    ("person", "name"),
    ("child", "name"),
    ("name",),
)


def script_functions(calendar: workdays.WorkCalendar, now: datetime) -> dict[str, Callable[..., Any]]:
    """Helpers BPMN expressions may call (listed in the README)."""

    def working_days(n: int, start: datetime | str | None = None) -> datetime:
        begin = datetime.fromisoformat(start) if isinstance(start, str) else (start or now)
        return calendar.add_working_days(begin, int(n)).at

    return {"working_days": working_days}


def _time_limit() -> float:
    return get_settings().script_time_limit_s


def calendar_for(session: Session) -> workdays.WorkCalendar:
    return holidays.LazyCalendar(session)  # type: ignore[return-value]  # same interface, loaded on first use


def _subject(data: dict[str, Any]) -> str:
    for path in _SUBJECT_PATHS:
        value: Any = data
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str) and value:
            return value[:200]
    return ""


def _field_errors(errors: list[forms.FieldError], prefix: str) -> Invalid:
    return invalid("数据未通过表单校验 / data does not match the form", [((prefix, *e.loc), e.message) for e in errors])


def _check_regions(receiving: str, handling: str) -> None:
    problems = [
        ([field], f"未知的行政区划代码 {code} / unknown administrative division code {code}")
        for field, code in (("receiving_region", receiving), ("handling_region", handling))
        if not divisions.is_valid(code)
    ]
    if problems:
        raise invalid("invalid region", problems)


def _missing_materials(manifest: dict[str, Any], missing: list[str]) -> list[commitments.MissingMaterial]:
    materials = {m["id"]: m for m in manifest["materials"]}
    problems = []
    for i, material_id in enumerate(missing):
        material = materials.get(material_id)
        if material is None:
            problems.append((["missing_materials", i], f"未知材料 {material_id} / unknown material {material_id}"))
        elif not material["tolerable"]:
            problems.append(
                (
                    ["missing_materials", i],
                    f"材料「{material['name']}」不可容缺 / material {material_id} is not tolerable",
                )
            )
    if len(set(missing)) != len(missing):
        problems.append((["missing_materials"], "材料重复 / a material is listed twice"))
    if problems:
        raise invalid("invalid missing_materials", problems)
    return [
        commitments.MissingMaterial(m, materials[m]["name"], materials[m]["supply_within_working_days"])
        for m in missing
    ]


def start(session: Session, who: Principal, body: InstanceStart, *, now: datetime) -> ProcessInstance:
    """一表申请 → 一窗受理: validate the application against the merged form and start the active version."""
    arte = bundles.active_artefacts(session, body.bundle_id)
    handling = body.handling_region or body.receiving_region
    _check_regions(body.receiving_region, handling)
    errors = forms.validate_schema(arte.application_form().schema, body.data)
    if errors:
        raise _field_errors(errors, "data")
    missing = _missing_materials(arte.manifest, body.missing_materials)
    calendar = calendar_for(session)
    supply = commitments.deadlines(missing, calendar, now)
    data = {
        **body.data,
        "missing_materials": [m.id for m in missing],
        "commitment_deadline": max(d.at for d in supply.values()).isoformat() if supply else None,
        "receiving_region": body.receiving_region,
        "handling_region": handling,
        "applicant": who.name if who.role == "applicant" else None,
    }
    instance = _begin(
        session,
        who,
        arte,
        data,
        receiving=body.receiving_region,
        handling=handling,
        business_key=body.business_key,
        calendar=calendar,
        now=now,
    )
    if missing:
        signature = body.commitment
        commitments.open_commitment(
            session,
            instance_id=instance.id,
            materials=missing,
            deadlines=supply,
            signed_by=signature.signed_by if signature else (who.name),
            text=signature.text if signature else None,
            now=now,
        )
    step = runtime.start(
        arte.compiled, data, now=now, functions=script_functions(calendar, now), time_limit_s=_time_limit()
    )
    _apply(session, instance, arte, step, now=now, calendar=calendar)
    return instance


def start_from_event(
    session: Session,
    who: Principal,
    bundle_id: str,
    event_type: str,
    payload: dict[str, Any],
    region: str,
    *,
    now: datetime,
) -> ProcessInstance:
    """免申即享: a data event starts the bundle through its message start event, no application."""
    arte = bundles.active_artefacts(session, bundle_id)
    calendar = calendar_for(session)
    data = {
        "missing_materials": [],
        "commitment_deadline": None,
        "receiving_region": region,
        "handling_region": region,
        "applicant": None,
    }
    instance = _begin(
        session,
        who,
        arte,
        data,
        receiving=region,
        handling=region,
        business_key=None,
        calendar=calendar,
        now=now,
        detail={"event": event_type},
    )
    instance.subject = _subject(payload)
    step = runtime.start(
        arte.compiled,
        data,
        now=now,
        functions=script_functions(calendar, now),
        message=event_type,
        payload=payload,
        time_limit_s=_time_limit(),
    )
    _apply(session, instance, arte, step, now=now, calendar=calendar)
    return instance


def _begin(
    session: Session,
    who: Principal,
    arte: VersionArtefacts,
    data: dict[str, Any],
    *,
    receiving: str,
    handling: str,
    business_key: str | None,
    calendar: workdays.WorkCalendar,
    now: datetime,
    detail: dict | None = None,
) -> ProcessInstance:
    instance = ProcessInstance(
        bundle_id=arte.bundle_id,
        bundle_name=arte.manifest["name"],
        version_id=arte.version_id,
        version=arte.version,
        content_hash=arte.compiled.key,
        receiving_region=receiving,
        handling_region=handling,
        business_key=business_key,
        applicant=data["applicant"],
        started_by=who.name,
        subject=_subject(data),
        data=data,
        state=b"",
        time_limit_days=arte.manifest["time_limit_working_days"],
        deadline_at=now,
        warn_at=now,
        created_at=now,
        updated_at=now,
    )
    deadlines.schedule(instance, calendar)
    session.add(instance)
    session.flush()
    tasks.none_yet(session, instance.id)
    audit.none_stored(session, instance.id)
    deadlines.schedule_timers(session, instance, now)
    _record(
        session,
        instance,
        who.name,
        "instance.started",
        now,
        {"version": arte.version, "missing_materials": data["missing_materials"], **(detail or {})},
    )
    return instance


def _record(
    session: Session,
    instance: ProcessInstance,
    actor: str,
    action: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
    task: TaskRow | None = None,
) -> None:
    """One audit entry and, for the events external systems subscribe to, one webhook per subscriber."""
    audit.append(
        session,
        at=now,
        actor=actor,
        action=action,
        bundle_id=instance.bundle_id,
        instance_id=instance.id,
        task_id=task.id if task else None,
        detail=detail or {},
    )
    if action in webhooks.KNOWN_EVENTS:
        payload = {
            "instance_id": instance.id,
            "bundle_id": instance.bundle_id,
            "business_key": instance.business_key,
            "status": instance.status,
            **(detail or {}),
        }
        if task is not None:
            payload |= {"task_id": task.id, "task": task.bpmn_id, "department": task.department, "region": task.region}
        webhooks.enqueue(session, event=action, payload=payload, now=now)


def _locking(which: sa.ColumnElement[bool]) -> db.Direct:
    return db.Direct(sa.select(_INSTANCE).where(which).with_for_update())


# The instance row, locked for this transaction: concurrent commands on it run one after another.
# Built once (every command runs one): by id, or as the owner of a task in the same statement; read on
# the driver and attached to the session as a query would (db.attach).
_INSTANCE = ProcessInstance.__table__
_LOCK_BY_ID = _locking(_INSTANCE.c.id == sa.bindparam("instance_id"))
_LOCK_BY_TASK = _locking(_INSTANCE.c.id == tasks.owner())


def _locked(session: Session, statement: db.Direct, params: dict[str, int]) -> ProcessInstance | None:
    row = statement.first(session.connection(), params)
    return db.attach(session, ProcessInstance, row) if row else None


def lock(session: Session, instance_id: int) -> ProcessInstance:
    instance = _locked(session, _LOCK_BY_ID, {"instance_id": instance_id})
    if instance is None:
        raise NotFound(f"未找到办件 {instance_id} / unknown instance {instance_id}")
    return instance


def _running(instance: ProcessInstance) -> None:
    if instance.status != "running":
        raise Conflict(f"办件状态为 {instance.status} / instance is {instance.status}, not running")


def complete_task(
    session: Session, who: Principal, task_id: int, data: dict[str, Any], *, now: datetime
) -> ProcessInstance:
    instance = _locked(session, _LOCK_BY_TASK, {"task_id": task_id})
    if instance is None:
        raise tasks.unknown(task_id)
    task = tasks.find(session, instance.id, task_id)  # read after the lock: a concurrent completion is seen
    tasks.check_actor(who, task)
    if task.kind == "rectification":  # 整改 after a bad rating: outside the workflow
        tasks.close(session, task, state="completed", at=now, by=who.name, result=data)
        _record(session, instance, who.name, "task.completed", now, {"task": task.title}, task)
        return instance
    _running(instance)
    arte = bundles.version_artefacts(session, instance.version_id, instance.content_hash)
    if task.form:
        errors = forms.validate_schema(arte.form(task.form).schema, data)
        if errors:
            raise _field_errors(errors, "data")
    calendar = calendar_for(session)
    step = _complete(arte, instance, task, data, calendar, now)
    tasks.close(session, task, state="completed", at=now, by=who.name, result=data)
    _record(session, instance, who.name, "task.completed", now, {"task": task.title, "bpmn_id": task.bpmn_id}, task)
    _apply(session, instance, arte, step, now=now, calendar=calendar)
    return instance


def _complete(
    arte: VersionArtefacts,
    instance: ProcessInstance,
    task: TaskRow,
    data: dict[str, Any],
    calendar: workdays.WorkCalendar,
    now: datetime,
) -> runtime.Step:
    try:
        return runtime.complete_task(
            arte.compiled,
            instance.state,
            task.spiff_id,
            data,
            now=now,
            functions=script_functions(calendar, now),
            time_limit_s=_time_limit(),
        )
    except (runtime.TaskNotFound, runtime.TaskNotReady) as exc:
        raise Conflict(f"任务不可办理 / task is not ready: {exc}") from exc
    except runtime.InvalidData as exc:
        raise invalid("data is not JSON-safe", [(["data"], str(exc))]) from exc


def send_message(
    session: Session, who: Principal, instance_id: int, name: str, payload: dict[str, Any], *, now: datetime
) -> ProcessInstance:
    instance = lock(session, instance_id)
    _running(instance)
    arte = bundles.version_artefacts(session, instance.version_id, instance.content_hash)
    calendar = calendar_for(session)
    try:
        step = runtime.send_message(
            arte.compiled,
            instance.state,
            name,
            payload,
            now=now,
            functions=script_functions(calendar, now),
            time_limit_s=_time_limit(),
        )
    except runtime.NothingWaiting as exc:
        raise Conflict(f"办件没有在等待消息 {name} / nothing waits for message {name}") from exc
    except runtime.InvalidData as exc:
        raise invalid("payload is not JSON-safe", [(["payload"], str(exc))]) from exc
    _record(session, instance, who.name, "message.received", now, {"name": name})
    _apply(session, instance, arte, step, now=now, calendar=calendar)
    return instance


def may_supply(who: Principal, instance: ProcessInstance, manifest: dict[str, Any]) -> bool:
    if who.role in ("admin", "system"):
        return True
    if who.role == "applicant":
        return instance.applicant == who.name
    if who.role == "clerk":
        windows = {lane["department"] for lane in manifest["lanes"].values() if lane["region"] == "receiving"}
        return who.department in windows and who.region == instance.receiving_region
    return False


def supply_material(
    session: Session, who: Principal, instance_id: int, material_id: str, reference: str | None, *, now: datetime
) -> ProcessInstance:
    """补齐容缺材料: when the last one is in, the commitment is fulfilled and its BPMN task completes."""
    instance = lock(session, instance_id)
    arte = bundles.version_artefacts(session, instance.version_id, instance.content_hash)
    if not may_supply(who, instance, arte.manifest):
        raise Forbidden("无权为该办件补充材料 / you may not supply materials for this instance")
    _running(instance)
    commitment = commitments.supply(
        session, instance_id=instance.id, material_id=material_id, who=who.name, reference=reference, now=now
    )
    _record(session, instance, who.name, "material.supplied", now, {"material_id": material_id})
    if commitment.state == "fulfilled":
        _record(session, instance, who.name, "commitment.fulfilled", now, {"commitment_id": commitment.id})
        calendar = calendar_for(session)
        for task in tasks.open_tasks(session, instance.id):
            if task.kind == "commitment":
                _auto_complete(session, instance, arte, task, calendar, now)
    return instance


def _auto_complete(
    session: Session,
    instance: ProcessInstance,
    arte: VersionArtefacts,
    task: TaskRow,
    calendar: workdays.WorkCalendar,
    now: datetime,
) -> None:
    data = {"commitment_fulfilled": True}
    step = _complete(arte, instance, task, data, calendar, now)
    tasks.close(session, task, state="completed", at=now, by="engine", result=data)
    _record(session, instance, "engine", "task.completed", now, {"task": task.title, "bpmn_id": task.bpmn_id}, task)
    _apply(session, instance, arte, step, now=now, calendar=calendar)


def fire_timers(session: Session, instance_id: int, kinds: Sequence[str], *, now: datetime, actor: str) -> None:
    """What a due timer means: a commitment deadline breaches, an SLA light changes, a BPMN timer fires."""
    instance = lock(session, instance_id)
    if instance.status != "running":
        timers.cancel_all(session, instance.id)
        return
    if "commitment" in kinds:
        for commitment in commitments.breach_due(session, instance_id=instance.id, now=now):
            _record(session, instance, actor, "commitment.breached", now, {"commitment_id": commitment.id})
    for kind, action in (("sla_warning", "sla.warning"), ("sla_overdue", "sla.overdue")):
        if kind in kinds:
            _record(session, instance, actor, action, now, {"deadline": instance.deadline_at.isoformat()})
    if "bpmn" in kinds or "commitment" in kinds:
        arte = bundles.version_artefacts(session, instance.version_id, instance.content_hash)
        calendar = calendar_for(session)
        step = runtime.fire_timers(
            arte.compiled,
            instance.state,
            now=now,
            functions=script_functions(calendar, now),
            time_limit_s=_time_limit(),
        )
        _apply(session, instance, arte, step, now=now, calendar=calendar)


def cancel(session: Session, who: Principal, instance_id: int, reason: str, *, now: datetime) -> ProcessInstance:
    instance = lock(session, instance_id)
    if who.role == "applicant" and instance.applicant != who.name:
        raise Forbidden("只能撤回本人的办件 / you may only withdraw your own applications")
    if who.role not in ("applicant", "admin", "system"):
        raise Forbidden("只有申请人、外部系统或管理员可以撤件 / only the applicant, a system or an admin may cancel")
    _running(instance)
    arte = bundles.version_artefacts(session, instance.version_id, instance.content_hash)
    step = runtime.cancel(arte.compiled, instance.state, now=now)
    _record(session, instance, who.name, "instance.cancelled", now, {"reason": reason})
    _apply(session, instance, arte, step, now=now, calendar=calendar_for(session))
    return instance


def _task_due(
    spec: runtime.UserTaskSpec | None, instance: ProcessInstance, calendar: workdays.WorkCalendar, now: datetime
) -> tuple[datetime, datetime]:
    """A task's own limit (``dueWorkingDays`` property, e.g. a 2-working-day signboard review) or the
    application's deadline; with the warning point by the same rule as the application's."""
    days = spec.properties.get("dueWorkingDays", "") if spec else ""
    if not days.isdigit():
        return instance.deadline_at, instance.warn_at
    n = int(days)
    due = calendar.add_working_days(now, n).at
    return min(due, instance.deadline_at), calendar.add_working_days(now, deadlines.warning_days(n)).at


def _new_task(
    instance: ProcessInstance,
    arte: VersionArtefacts,
    human: runtime.HumanTask,
    calendar: workdays.WorkCalendar,
    now: datetime,
) -> dict[str, Any]:
    """The new task's columns (``tasks.add`` fills in the table's defaults)."""
    key = lane_key(arte.manifest, human.lane, human.lane_name)
    spec = arte.compiled.user_tasks.get(human.bpmn_id)
    commitment = bool(spec and spec.properties.get("commitment") == "true")
    due_at, warn_at = _task_due(spec, instance, calendar, now)
    task = {
        "instance_id": instance.id,
        "bundle_id": instance.bundle_id,
        "bundle_name": arte.manifest["name"],
        "spiff_id": human.id,
        "bpmn_id": human.bpmn_id,
        "title": (human.name or human.bpmn_id)[:200],
        "subject": instance.subject,
        "form": human.form,
        "ui_form": human.ui_form,
        "due_at": due_at,
        "warn_at": min(warn_at, due_at),
        "created_at": now,
        "region": instance.receiving_region,
        "applicant": instance.applicant,
        "kind": "commitment" if commitment else "applicant",
    }
    if key is not None:
        lane = arte.manifest["lanes"][key]
        task |= {
            "lane": key,
            "department": lane["department"],
            "department_name": lane["department_name"],
            "region": instance.receiving_region if lane["region"] == "receiving" else instance.handling_region,
            "kind": "department",
        }
    return task


def _apply(
    session: Session,
    instance: ProcessInstance,
    arte: VersionArtefacts,
    step: runtime.Step,
    *,
    now: datetime,
    calendar: workdays.WorkCalendar,
) -> None:
    """Store a step's result and mirror it: tasks, timers, the SLA clock, audit entries and webhooks."""
    snap = step.snapshot
    previous_status = instance.status
    instance.state = step.state
    instance.data = snap.data
    instance.status = snap.status
    instance.error, instance.error_element = snap.error, snap.error_element
    instance.revision += 1
    instance.updated_at = now
    if snap.status != "running" and instance.completed_at is None:
        instance.completed_at = now
    session.add(instance)
    ready = {h.id: h for h in snap.ready_tasks}
    open_rows = [t for t in tasks.open_tasks(session, instance.id) if t.kind != "rectification"]
    for task in open_rows:
        if task.spiff_id not in ready:
            tasks.close(session, task, state="cancelled", at=now, by=None)
    known = {t.spiff_id for t in open_rows}
    opened = [_new_task(instance, arte, human, calendar, now) for human in snap.ready_tasks if human.id not in known]
    created = tasks.add(session, opened)
    for task in created:
        _record(
            session,
            instance,
            "engine",
            "task.created",
            now,
            {"task": task.title, "department": task.department, "region": task.region},
            task,
        )
    if snap.status != "running":
        timers.cancel_all(session, instance.id)
        instance.bpmn_timers = 0
    elif snap.timers or instance.bpmn_timers:
        instance.bpmn_timers = timers.sync_bpmn(session, instance.id, snap.timers, now=now)
    for _, bpmn_id, element in snap.completed:
        if element == "endEvent":
            _record(session, instance, "engine", "end.reached", now, {"element": bpmn_id})
    for event in snap.thrown:
        _record(session, instance, "engine", "event.thrown", now, {"name": event.name, "kind": event.kind})
    if snap.status != previous_status and snap.status != "cancelled":
        detail = {"error": snap.error, "element": snap.error_element} if snap.status == "failed" else {}
        _record(session, instance, "engine", f"instance.{snap.status}", now, detail)
    still_open = [t for t in open_rows if t.spiff_id in ready] + created
    waiting = any(t.kind == "applicant" for t in still_open)
    if deadlines.update_pause(session, instance, waiting_on_applicant=waiting, calendar=calendar, now=now):
        _record(session, instance, "engine", "sla.paused" if instance.paused_since else "sla.resumed", now)
    db.flush(session)
    fulfilled = [t for t in created if t.kind == "commitment" and commitments.is_fulfilled(session, instance.id)]
    for task in fulfilled:
        _auto_complete(session, instance, arte, task, calendar, now)


def import_holidays(session: Session, who: Principal, content: str, *, now: datetime) -> tuple[list[int], int, int]:
    """Load a holiday notice and move every open deadline that was counted without it: instance deadlines,
    commitments and the workflow timers that wait on a commitment's deadline."""
    rows = holidays.parse(content)
    years = holidays.import_rows(session, rows, who=who.name, now=now)
    calendar = calendar_for(session)
    provisional_commitment = select(Commitment.instance_id).where(
        Commitment.state == "open", Commitment.provisional.is_(True)
    )
    affected = session.exec(
        select(ProcessInstance)
        .where(
            ProcessInstance.status == "running",
            sa.or_(ProcessInstance.deadline_provisional.is_(True), ProcessInstance.id.in_(provisional_commitment)),
        )
        .order_by(ProcessInstance.id)
        .with_for_update()
    ).all()
    for instance in affected:
        if instance.deadline_provisional:
            deadlines.reschedule(session, instance, calendar, now)
        for commitment, items in commitments.for_instance(session, instance.id):
            if commitment.state != "open":
                continue
            before = commitment.deadline_at
            commitments.reschedule(session, commitment, items, calendar)
            if commitment.deadline_at != before:
                arte = bundles.version_artefacts(session, instance.version_id, instance.content_hash)
                step = runtime.update_data(
                    arte.compiled,
                    instance.state,
                    {"commitment_deadline": to_cst(commitment.deadline_at)},
                    now=now,
                    functions=script_functions(calendar, now),
                    time_limit_s=_time_limit(),
                )
                _apply(session, instance, arte, step, now=now, calendar=calendar)
    audit.append(
        session,
        at=now,
        actor=who.name,
        action="holidays.imported",
        detail={"years": years, "rows": len(rows), "recomputed": len(affected)},
    )
    session.flush()
    return years, len(rows), len(affected)
