"""Inboxes and claims. Every task query goes through ``visible_to``: the one place the
department × region × applicant rules live."""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from engine import db
from engine.auth.schemas import Principal
from engine.errors import Conflict, Forbidden, NotFound, invalid
from engine.tasks.models import Task, TaskRow

READ_ALL = ("admin", "auditor")
_LOADED = "yijian.instance_tasks"
_TASKS = Task.__table__
_DEFAULTS: dict[str, Any] = {  # a new task's columns: the model's defaults (state "ready", ...), else NULL
    key: column.default.arg if column.default is not None and column.default.is_scalar else None
    for key, column in _TASKS.columns.items()
    if key != "id"
}
_REQUIRED = {key for key in _DEFAULTS if not _TASKS.c[key].nullable and _DEFAULTS[key] is None}
# Built once: every command runs them.
_OF_INSTANCE = db.Direct(
    sa.select(_TASKS).where(_TASKS.c.instance_id == sa.bindparam("instance_id")).order_by(_TASKS.c.id), row=TaskRow
)
_UPDATE = db.Direct(_TASKS.update().where(_TASKS.c.id == sa.bindparam("task_id")))


def visible_to(who: Principal) -> sa.ColumnElement[bool]:
    if who.role in READ_ALL:
        return sa.true()
    if who.role == "clerk":
        return sa.and_(Task.department == who.department, Task.region == who.region)
    if who.role == "applicant":
        return sa.and_(Task.department.is_(None), Task.applicant == who.name)
    if who.role == "system":  # acts for applicants, within its region when it has one
        rule = Task.department.is_(None)
        return sa.and_(rule, Task.region == who.region) if who.region else rule
    return sa.false()


def may_act(who: Principal, task: Task | TaskRow) -> bool:
    if who.role == "clerk":
        return task.department == who.department and task.region == who.region
    if who.role == "applicant":
        return task.department is None and task.applicant == who.name
    if who.role == "system":
        return task.department is None and (who.region is None or task.region == who.region)
    return False


def sla_of(task: Task | TaskRow, now: datetime) -> str:
    if task.state != "ready":
        return "green" if (task.completed_at or now) <= task.due_at else "red"
    if now > task.due_at:
        return "red"
    return "yellow" if now >= task.warn_at else "green"


def sla_filter(sla: str, now: datetime) -> sa.ColumnElement[bool]:
    """The same lights as ``sla_of``, as SQL over ready tasks (an indexed range on due_at)."""
    if sla == "red":
        return Task.due_at < now
    if sla == "yellow":
        return sa.and_(Task.due_at >= now, Task.warn_at <= now)
    return Task.warn_at > now


def unknown(task_id: int) -> NotFound:
    return NotFound(f"未找到任务 {task_id} / unknown task {task_id}")


def get_task(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise unknown(task_id)
    return task


def owner() -> sa.ScalarSelect[int]:
    """The id of the task's instance (parameter ``task_id``), as a subquery: the instance is found and
    locked in one statement."""
    return select(Task.instance_id).where(Task.id == sa.bindparam("task_id")).scalar_subquery()


def get_visible(session: Session, who: Principal, task_id: int) -> Task:
    task = get_task(session, task_id)
    if not session.exec(select(Task.id).where(Task.id == task_id, visible_to(who))).first():
        raise Forbidden("该任务不属于您的部门或区域 / this task is not in your department and region")
    return task


def check_actor(who: Principal, task: Task | TaskRow) -> None:
    """Who may claim or complete: the task's department and region, and not claimed by another."""
    if not may_act(who, task):
        raise Forbidden("该任务不属于您的部门或区域 / this task is not in your department and region")
    if task.assignee is not None and task.assignee != who.name:
        raise Forbidden(f"任务已被 {task.assignee} 认领 / task is claimed by {task.assignee}")
    if task.state != "ready":
        raise Conflict(f"任务已{'办结' if task.state == 'completed' else '取消'} / task is {task.state}, not ready")


@dataclass(frozen=True)
class InboxQuery:
    state: str = "ready"
    bundle_id: str | None = None
    instance_id: int | None = None
    claimed: str | None = None  # "me" | "none"
    sla: str | None = None  # "green" | "yellow" | "red"
    now: datetime | None = None
    sort: str = "due"  # "due" | "created"
    limit: int = 50
    cursor: str | None = None


def _encode(*parts: Any) -> str:
    return base64.urlsafe_b64encode("|".join(str(p) for p in parts).encode()).decode()


def _bad_cursor() -> Exception:
    return invalid("bad cursor", [(["query", "cursor"], "not a cursor this API returned")])


def _decode_due(cursor: str) -> tuple[datetime, int]:
    try:
        due, last_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        at = datetime.fromisoformat(due)
        if at.tzinfo is None:
            raise ValueError(due)
        return at, int(last_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc


def _decode_id(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc


def inbox(session: Session, who: Principal, q: InboxQuery) -> tuple[Sequence[Task], str | None]:
    """A keyset-paged page of tasks (stable under concurrent inserts, index-only on the inbox keys)."""
    stmt = select(Task).where(visible_to(who), Task.state == q.state)
    if q.bundle_id:
        stmt = stmt.where(Task.bundle_id == q.bundle_id)
    if q.instance_id:
        stmt = stmt.where(Task.instance_id == q.instance_id)
    if q.sla and q.now:
        stmt = stmt.where(sla_filter(q.sla, q.now))
    if q.claimed == "me":
        stmt = stmt.where(Task.assignee == who.name)
    elif q.claimed == "none":
        stmt = stmt.where(Task.assignee.is_(None))
    if q.sort == "due":
        if q.cursor:
            at, last_id = _decode_due(q.cursor)
            stmt = stmt.where(sa.or_(Task.due_at > at, sa.and_(Task.due_at == at, Task.id > last_id)))
        stmt = stmt.order_by(Task.due_at, Task.id)
    else:
        if q.cursor:
            stmt = stmt.where(Task.id < _decode_id(q.cursor))
        stmt = stmt.order_by(Task.id.desc())
    rows = session.exec(stmt.limit(q.limit + 1)).all()
    page, more = rows[: q.limit], len(rows) > q.limit
    if not more:
        return page, None
    last = page[-1]
    return page, (_encode(last.due_at.isoformat(), last.id) if q.sort == "due" else _encode(last.id))


def claim(session: Session, who: Principal, task_id: int) -> Task:
    task = _locked(session, task_id)
    check_actor(who, task)
    task.assignee = who.name
    session.add(task)
    session.flush()
    return task


def unclaim(session: Session, who: Principal, task_id: int) -> Task:
    task = _locked(session, task_id)
    if task.assignee is None:
        return task
    if task.assignee != who.name and who.role != "admin":
        raise Forbidden(f"任务由 {task.assignee} 认领 / task is claimed by {task.assignee}")
    if task.state != "ready":
        raise Conflict(f"task is {task.state}, not ready")
    task.assignee = None
    session.add(task)
    session.flush()
    return task


def _locked(session: Session, task_id: int) -> Task:
    task = session.exec(
        select(Task).where(Task.id == task_id).with_for_update().execution_options(populate_existing=True)
    ).first()
    if task is None:
        raise unknown(task_id)
    return task


def instance_tasks(session: Session, instance_id: int) -> list[TaskRow]:
    """All tasks of an instance in id order, read once per transaction.

    A command reads them after locking the instance, mirrors its step into them (``add``, ``close``) and
    the response's view shows them: one query instead of three. Every task write of the commands goes
    through this module, so the list stays true until the transaction ends (``_forget``).
    """
    loaded: dict[int, list[TaskRow]] = session.info.setdefault(_LOADED, {})
    if instance_id not in loaded:
        db.flush(session)  # a claim made through the ORM in this transaction is seen
        loaded[instance_id] = _OF_INSTANCE.rows(session.connection(), {"instance_id": instance_id})
    return loaded[instance_id]


def none_yet(session: Session, instance_id: int) -> None:
    """A new instance has no tasks: nothing to read."""
    session.info.setdefault(_LOADED, {})[instance_id] = []


def open_tasks(session: Session, instance_id: int) -> list[TaskRow]:
    return [t for t in instance_tasks(session, instance_id) if t.state == "ready"]


def find(session: Session, instance_id: int, task_id: int) -> TaskRow:
    task = next((t for t in instance_tasks(session, instance_id) if t.id == task_id), None)
    if task is None:
        raise unknown(task_id)
    return task


@lru_cache(maxsize=8)
def _insert(n: int) -> db.Direct:
    """``INSERT INTO task VALUES (...) × n RETURNING``: the rows of a step in one statement, compiled once
    per count (a step opens 1 to a handful)."""
    rows = [{key: sa.bindparam(f"{key}_{i}", type_=_TASKS.c[key].type) for key in _DEFAULTS} for i in range(n)]
    return db.Direct(sa.insert(_TASKS).values(rows).returning(_TASKS.c.id, _TASKS.c.instance_id, _TASKS.c.spiff_id))


def add(session: Session, new: Sequence[dict[str, Any]]) -> list[TaskRow]:
    """Insert the tasks (their columns; the table's defaults for the rest) in one statement and return
    them as rows with their ids: audit entries and webhooks name them at once."""
    if not new:
        return []
    for task in new:  # a caller's mistake, not a user's: found here rather than as a database error
        if task.keys() - _DEFAULTS.keys() or _REQUIRED - task.keys():
            raise ValueError(f"task columns {sorted(task)}: required {sorted(_REQUIRED)}, known {sorted(_DEFAULTS)}")
    values = [_DEFAULTS | task for task in new]
    params = {f"{key}_{i}": value for i, row in enumerate(values) for key, value in row.items()}
    ids = {(r.instance_id, r.spiff_id): r.id for r in _insert(len(new)).rows(session.connection(), params)}
    added = [TaskRow(id=ids[row["instance_id"], row["spiff_id"]], **row) for row in values]
    for task in added:
        loaded = session.info.get(_LOADED, {}).get(task.instance_id)
        if loaded is not None:
            loaded.append(task)
    return added


@event.listens_for(OrmSession, "after_commit")
@event.listens_for(OrmSession, "after_rollback")
def _forget(session: OrmSession) -> None:
    session.info.pop(_LOADED, None)


def follow_deadline(session: Session, instance_id: int, old: datetime, *, due_at: datetime, warn_at: datetime) -> None:
    """The instance's deadline moved (a 补正 pause ended, a holiday notice came): its ready tasks that were
    due on the old one are due on the new one."""
    for task in open_tasks(session, instance_id):
        if task.due_at == old:
            _write(session, task, {"due_at": due_at, "warn_at": warn_at})


def close(
    session: Session, task: TaskRow, *, state: str, at: datetime, by: str | None, result: dict | None = None
) -> TaskRow:
    """Complete or cancel a task; returns its row as it now is (the instance's list holds that one)."""
    return _write(session, task, {"state": state, "completed_at": at, "completed_by": by, "result": result})


def _write(session: Session, task: TaskRow, change: dict[str, Any]) -> TaskRow:
    """Change a task's columns in the database and in the instance's list of this transaction."""
    if _UPDATE.run(session.connection(), {"task_id": task.id, **change}, columns=frozenset(change)) != 1:
        raise unknown(task.id)
    written = task._replace(**change)
    loaded = session.info.get(_LOADED, {}).get(task.instance_id, [])
    for i, row in enumerate(loaded):
        if row.id == task.id:
            loaded[i] = written
    return written
