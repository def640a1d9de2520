"""Every command that runs the engine: start, complete a task, deliver a message, fire timers, cancel.

Each command locks its instance row, steps the pure runtime, stores the new state and mirrors the
result into tasks, timers and the audit log, all in the caller's one transaction.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from engine import forms, runtime, workdays
from engine.audit import service as audit
from engine.auth.schemas import Principal
from engine.bundles import service as bundles
from engine.bundles.compiled import VersionArtefacts
from engine.bundles.validation import lane_key
from engine.errors import Conflict, Forbidden, Invalid, NotFound, invalid
from engine.instances.models import ProcessInstance
from engine.instances.schemas import InstanceStart
from engine.regions import divisions
from engine.tasks import service as tasks
from engine.tasks.models import Task
from engine.timers import service as timers

ENGINE_KEYS = ("missing_materials", "commitment_deadline", "receiving_region", "handling_region", "applicant")
_SUBJECT_PATHS = (("company", "name"), ("applicant", "name"), ("person", "name"), ("child", "name"), ("name",))


def script_functions(calendar: workdays.WorkCalendar, now: datetime) -> dict[str, Callable[..., Any]]:
    """Helpers BPMN expressions may call (listed in the README)."""

    def working_days(n: int, start: datetime | str | None = None) -> datetime:
        begin = datetime.fromisoformat(start) if isinstance(start, str) else (start or now)
        return calendar.add_working_days(begin, int(n)).at

    return {"working_days": working_days}


def calendar_for(session: Session) -> workdays.WorkCalendar:
    return workdays.WorkCalendar()


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


def _check_regions(body: InstanceStart) -> str:
    handling = body.handling_region or body.receiving_region
    problems = [
        ([field], f"未知的行政区划代码 {code} / unknown administrative division code {code}")
        for field, code in (("receiving_region", body.receiving_region), ("handling_region", handling))
        if not divisions.is_valid(code)
    ]
    if problems:
        raise invalid("invalid region", problems)
    return handling


def _check_missing_materials(manifest: dict[str, Any], missing: list[str]) -> list[dict[str, Any]]:
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
    return [materials[m] for m in missing]


def start(session: Session, who: Principal, body: InstanceStart, *, now: datetime) -> ProcessInstance:
    arte = bundles.active_artefacts(session, body.bundle_id)
    handling = _check_regions(body)
    errors = forms.validate_schema(arte.application_form().schema, body.data)
    if errors:
        raise _field_errors(errors, "data")
    missing = _check_missing_materials(arte.manifest, body.missing_materials)
    calendar = calendar_for(session)
    deadline = calendar.add_working_days(now, arte.manifest["time_limit_working_days"])
    commitment_deadline = max(
        (calendar.add_working_days(now, m["supply_within_working_days"]).at for m in missing), default=None
    )
    data = {
        **body.data,
        "missing_materials": [m["id"] for m in missing],
        "commitment_deadline": commitment_deadline.isoformat() if commitment_deadline else None,
        "receiving_region": body.receiving_region,
        "handling_region": handling,
        "applicant": who.name if who.role == "applicant" else None,
    }
    step = runtime.start(arte.compiled, data, now=now, functions=script_functions(calendar, now))
    instance = ProcessInstance(
        bundle_id=arte.bundle_id,
        bundle_name=arte.manifest["name"],
        version_id=arte.version_id,
        version=arte.version,
        receiving_region=body.receiving_region,
        handling_region=handling,
        business_key=body.business_key,
        applicant=data["applicant"],
        started_by=who.name,
        subject=_subject(body.data),
        state=step.state,
        deadline_at=deadline.at,
        deadline_provisional=deadline.provisional,
        created_at=now,
        updated_at=now,
    )
    session.add(instance)
    session.flush()
    audit.append(
        session,
        at=now,
        actor=who.name,
        action="instance.started",
        bundle_id=arte.bundle_id,
        instance_id=instance.id,
        detail={"version": arte.version, "missing_materials": data["missing_materials"]},
    )
    _apply(session, instance, arte, step, who=who, now=now)
    return instance


def lock(session: Session, instance_id: int) -> ProcessInstance:
    """The instance row, locked for this transaction: concurrent commands on it run one after another."""
    instance = session.exec(
        select(ProcessInstance)
        .where(ProcessInstance.id == instance_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if instance is None:
        raise NotFound(f"未找到办件 {instance_id} / unknown instance {instance_id}")
    return instance


def _running(instance: ProcessInstance) -> None:
    if instance.status != "running":
        raise Conflict(f"办件状态为 {instance.status} / instance is {instance.status}, not running")


def complete_task(
    session: Session, who: Principal, task_id: int, data: dict[str, Any], *, now: datetime
) -> ProcessInstance:
    instance_id = tasks.get_task(session, task_id).instance_id
    instance = lock(session, instance_id)
    task = tasks.get_task(session, task_id)
    session.refresh(task)
    tasks.check_actor(who, task)
    _running(instance)
    arte = bundles.version_artefacts(session, instance.version_id)
    if task.form:
        errors = forms.validate_schema(arte.form(task.form).schema, data)
        if errors:
            raise _field_errors(errors, "data")
    calendar = calendar_for(session)
    try:
        step = runtime.complete_task(
            arte.compiled, instance.state, task.spiff_id, data, now=now, functions=script_functions(calendar, now)
        )
    except (runtime.TaskNotFound, runtime.TaskNotReady) as exc:
        raise Conflict(f"任务不可办理 / task is not ready: {exc}") from exc
    tasks.close(session, task, state="completed", at=now, by=who.name, result=data)
    audit.append(
        session,
        at=now,
        actor=who.name,
        action="task.completed",
        bundle_id=instance.bundle_id,
        instance_id=instance.id,
        task_id=task.id,
        detail={"task": task.title, "bpmn_id": task.bpmn_id},
    )
    _apply(session, instance, arte, step, who=who, now=now)
    return instance


def send_message(
    session: Session, who: Principal, instance_id: int, name: str, payload: dict[str, Any], *, now: datetime
) -> ProcessInstance:
    instance = lock(session, instance_id)
    _running(instance)
    arte = bundles.version_artefacts(session, instance.version_id)
    try:
        step = runtime.send_message(
            arte.compiled,
            instance.state,
            name,
            payload,
            now=now,
            functions=script_functions(calendar_for(session), now),
        )
    except runtime.NothingWaiting as exc:
        raise Conflict(f"办件没有在等待消息 {name} / nothing waits for message {name}") from exc
    audit.append(
        session,
        at=now,
        actor=who.name,
        action="message.received",
        bundle_id=instance.bundle_id,
        instance_id=instance.id,
        detail={"name": name},
    )
    _apply(session, instance, arte, step, who=who, now=now)
    return instance


def fire_timers(session: Session, instance_id: int, *, now: datetime, actor: str = "clock") -> ProcessInstance:
    instance = lock(session, instance_id)
    if instance.status != "running":
        timers.cancel_all(session, instance.id)
        return instance
    arte = bundles.version_artefacts(session, instance.version_id)
    step = runtime.fire_timers(
        arte.compiled, instance.state, now=now, functions=script_functions(calendar_for(session), now)
    )
    audit.append(
        session,
        at=now,
        actor=actor,
        action="timer.fired",
        bundle_id=instance.bundle_id,
        instance_id=instance.id,
    )
    _apply(session, instance, arte, step, who=Principal(actor, "system"), now=now)
    return instance


def cancel(session: Session, who: Principal, instance_id: int, reason: str, *, now: datetime) -> ProcessInstance:
    instance = lock(session, instance_id)
    if who.role == "applicant" and instance.applicant != who.name:
        raise Forbidden("只能撤回本人的办件 / you may only withdraw your own applications")
    _running(instance)
    arte = bundles.version_artefacts(session, instance.version_id)
    step = runtime.cancel(arte.compiled, instance.state, now=now)
    audit.append(
        session,
        at=now,
        actor=who.name,
        action="instance.cancelled",
        bundle_id=instance.bundle_id,
        instance_id=instance.id,
        detail={"reason": reason},
    )
    _apply(session, instance, arte, step, who=who, now=now)
    return instance


def _new_task(instance: ProcessInstance, arte: VersionArtefacts, human: runtime.HumanTask, now: datetime) -> Task:
    key = lane_key(arte.manifest, human.lane, human.lane_name)
    spec = arte.compiled.user_tasks.get(human.bpmn_id)
    commitment = bool(spec and getattr(spec, "properties", {}).get("commitment") == "true")
    task = Task(
        instance_id=instance.id,
        bundle_id=instance.bundle_id,
        bundle_name=arte.manifest["name"],
        spiff_id=human.id,
        bpmn_id=human.bpmn_id,
        title=(human.name or human.bpmn_id)[:200],
        subject=instance.subject,
        form=human.form,
        ui_form=human.ui_form,
        due_at=instance.deadline_at,
        created_at=now,
        region=instance.receiving_region,
        applicant=instance.applicant,
        kind="commitment" if commitment else "applicant",
    )
    if key is not None:
        lane = arte.manifest["lanes"][key]
        task.lane = key
        task.department = lane["department"]
        task.department_name = lane["department_name"]
        task.region = instance.receiving_region if lane["region"] == "receiving" else instance.handling_region
        task.kind = "department"
    return task


def _apply(
    session: Session,
    instance: ProcessInstance,
    arte: VersionArtefacts,
    step: runtime.Step,
    *,
    who: Principal,
    now: datetime,
) -> None:
    """Store a step's result and mirror it: tasks, timers, audit entries."""
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
    for task in tasks.open_tasks(session, instance.id):
        if task.spiff_id not in ready:
            tasks.close(session, task, state="cancelled", at=now, by=None)
    known = {t.spiff_id for t in tasks.open_tasks(session, instance.id)}
    for human in snap.ready_tasks:
        if human.id in known:
            continue
        task = tasks.add(session, _new_task(instance, arte, human, now))
        audit.append(
            session,
            at=now,
            actor="engine",
            action="task.created",
            bundle_id=instance.bundle_id,
            instance_id=instance.id,
            task_id=task.id,
            detail={"task": task.title, "department": task.department, "region": task.region},
        )
    if snap.status == "running":
        timers.sync_bpmn(session, instance.id, snap.timers, now=now)
    else:
        timers.cancel_all(session, instance.id)
    for event in snap.thrown:
        audit.append(
            session,
            at=now,
            actor="engine",
            action="event.thrown",
            bundle_id=instance.bundle_id,
            instance_id=instance.id,
            detail={"name": event.name, "kind": event.kind},
        )
    if snap.status != previous_status and snap.status != "cancelled":
        detail = {"error": snap.error, "element": snap.error_element} if snap.status == "failed" else {}
        audit.append(
            session,
            at=now,
            actor="engine",
            action=f"instance.{snap.status}",
            bundle_id=instance.bundle_id,
            instance_id=instance.id,
            detail=detail,
        )
    session.flush()
