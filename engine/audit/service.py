"""The append-only, hash-chained audit log that instance timelines are built from."""

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from engine.audit.models import AuditEntry, AuditHead
from engine.db import Direct

GENESIS = "0" * 64
_PENDING = "yijian.audit_pending"
_NEW_SUBJECTS = "yijian.audit_new_instances"
_ENTRIES, _HEAD = AuditEntry.__table__, AuditHead.__table__
# Built once, on the tables (every write request runs them): building a statement per call costs more
# than running it.
_LOCK_HEAD = sa.select(_HEAD.c.last_id, _HEAD.c.last_hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = _HEAD.update().where(_HEAD.c.id == 1)
_TIMELINE = Direct(
    sa.select(_ENTRIES.c.at, _ENTRIES.c.actor, _ENTRIES.c.action, _ENTRIES.c.task_id, _ENTRIES.c.detail)
    .where(_ENTRIES.c.instance_id == sa.bindparam("instance_id"))
    .order_by(_ENTRIES.c.id)
)


@dataclass(frozen=True)
class _Pending:
    """An entry recorded by a command, waiting for its place in the chain until the commit."""

    at: datetime
    actor: str
    action: str
    bundle_id: str | None
    instance_id: int | None
    task_id: int | None
    detail: dict[str, Any]


def _tail(entry: AuditEntry | _Pending) -> str:
    """The hashed text of an entry after its place in the chain: ``_entry_hash`` and PostgreSQL's
    ``audit_append`` (which learns the place only under the head's lock) prepend the same prefix."""
    body = json.dumps(
        [
            entry.at.isoformat(timespec="microseconds"),
            entry.actor,
            entry.action,
            entry.bundle_id,
            entry.instance_id,
            entry.task_id,
            entry.detail,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return body[1:]


def _entry_hash(prev_hash: str, entry_id: int, entry: AuditEntry | _Pending) -> str:
    """SHA-256 of the JSON list [previous hash, id, at, actor, action, bundle, instance, task, detail]."""
    return hashlib.sha256(f'["{prev_hash}",{entry_id},{_tail(entry)}'.encode()).hexdigest()


def _locked_head(connection: sa.Connection) -> tuple[int, str]:
    """The chain's last id and hash, its row locked until commit (created with the first entry)."""
    head = connection.execute(_LOCK_HEAD).first()
    if head is None:
        connection.execute(_HEAD.insert().values(id=1, last_id=0, last_hash=GENESIS))
        return 0, GENESIS
    return head[0], head[1]


def append(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    bundle_id: str | None = None,
    instance_id: int | None = None,
    task_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record an entry with the caller's transaction. It is chained and written when that transaction
    commits (``_chain_pending``), so the chain's head row is locked for a few statements at the end,
    not for the whole request — every writing request in the service passes through that lock."""
    # In UTC, as the database hands it back: the hash covers its ISO text, and verify recomputes it.
    entry = _Pending(at.astimezone(UTC), actor, action, bundle_id, instance_id, task_id, detail or {})
    session.info.setdefault(_PENDING, []).append(entry)


_APPEND = Direct(sa.text("SELECT audit_append(CAST(:entries AS json))"))  # PostgreSQL: see APPEND_FUNCTION


@event.listens_for(OrmSession, "before_commit")
def _chain_pending(session: OrmSession) -> None:
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    session.flush()
    # Core statements on the connection (flushed above): no unit of work, ORM bulk path or autoflush.
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        entries = [{**vars(entry), "at": entry.at.isoformat(), "tail": _tail(entry)} for entry in pending]
        _APPEND.run(connection, {"entries": json.dumps(entries)})
        return
    last_id, last_hash = _locked_head(connection)
    rows = []
    for entry in pending:
        entry_id = last_id + 1
        digest = _entry_hash(last_hash, entry_id, entry)
        rows.append({"id": entry_id, **vars(entry), "prev_hash": last_hash, "hash": digest})
        last_id, last_hash = entry_id, digest
    connection.execute(_ENTRIES.insert(), rows)
    connection.execute(_MOVE_HEAD, {"last_id": last_id, "last_hash": last_hash})


@event.listens_for(OrmSession, "after_commit")
def _forget_new(session: OrmSession) -> None:
    session.info.pop(_NEW_SUBJECTS, None)


@event.listens_for(OrmSession, "after_rollback")
def _drop_pending(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_NEW_SUBJECTS, None)


def none_stored(session: Session, instance_id: int) -> None:
    """An instance created by this transaction has no stored entries yet: its timeline reads nothing."""
    session.info.setdefault(_NEW_SUBJECTS, set()).add(instance_id)


def timeline(session: Session, instance_id: int) -> list[Any]:
    """The instance's entries (at, actor, action, task_id, detail), including those this transaction has
    yet to write."""
    stored: Sequence[Any] = ()
    if instance_id not in session.info.get(_NEW_SUBJECTS, ()):
        # on the connection: entries are written at commit, so there is nothing to flush before reading them
        stored = _TIMELINE.rows(session.connection(), {"instance_id": instance_id})
    return [*stored, *(p for p in session.info.get(_PENDING, []) if p.instance_id == instance_id)]


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def verify(session: Session, batch: int = 5000) -> Iterator[ChainBreak]:
    """Recompute the chain from the start; yields every entry whose stored hash or link is wrong."""
    prev_hash, last_id, expected_id = GENESIS, 0, 1
    while True:
        rows = session.exec(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            break
        for entry in rows:
            if entry.id != expected_id:
                yield ChainBreak(entry.id, f"entries {expected_id}..{entry.id - 1} are missing")
            if entry.prev_hash != prev_hash:
                yield ChainBreak(entry.id, "link to the previous entry does not match")
            if _entry_hash(entry.prev_hash, entry.id, entry) != entry.hash:
                yield ChainBreak(entry.id, "content does not match its hash (edited)")
            prev_hash, last_id, expected_id = entry.hash, entry.id, entry.id + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_id != last_id or head.last_hash != prev_hash):
        yield ChainBreak(head.last_id, "the newest entries were removed (head does not match the last entry)")
