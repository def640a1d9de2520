"""The audit log is append-only and chained: an auditor can prove nobody edited history."""

import itertools
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from engine.audit import service as audit
from engine.audit.models import AuditEntry
from engine.db import read_only, transaction

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def _write_history(engine: Engine, count: int = 5) -> None:
    for i in range(count):
        with transaction(engine) as session:
            audit.append(
                session,
                at=T0 + timedelta(minutes=i),
                actor="market_hz",
                action="task.completed",
                instance_id=1,
                task_id=i,
                detail={"opinion": f"同意 {i}"},
            )


def test_an_untouched_log_verifies(db: Engine) -> None:
    _write_history(db)
    with transaction(read_only(db)) as session:
        assert list(audit.verify(session)) == []
        assert [e.task_id for e in audit.timeline(session, 1)] == [0, 1, 2, 3, 4]
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(entries))


def test_a_command_that_records_several_entries_at_once_keeps_the_chain(db: Engine) -> None:
    """A step records several entries in one transaction (task completed, tasks created, instance
    completed), stamped in Beijing time; they are chained in order and verify."""
    beijing = timezone(timedelta(hours=8))
    with transaction(db) as session:
        for i, action in enumerate(("task.completed", "task.created", "task.created", "instance.completed")):
            at = datetime(2026, 11, 2, 9, 0, 0, 123456 + i, tzinfo=beijing)
            detail = {"task": "市场监管局审查", "opinion": "符合条件", "n": i}
            audit.append(session, at=at, actor="engine", action=action, instance_id=7, task_id=i, detail=detail)
    _write_history(db, count=2)
    with transaction(read_only(db)) as session:
        assert list(audit.verify(session)) == []
        timeline = audit.timeline(session, 7)
    assert [e.action for e in timeline] == ["task.completed", "task.created", "task.created", "instance.completed"]
    assert timeline[0].at == datetime(2026, 11, 2, 1, 0, 0, 123456, tzinfo=UTC)
    assert timeline[3].detail == {"task": "市场监管局审查", "opinion": "符合条件", "n": 3}


def test_an_edited_entry_is_detected(db: Engine) -> None:
    _write_history(db)
    with db.begin() as conn:
        conn.execute(sa.text("UPDATE audit_entry SET actor = 'somebody_else' WHERE id = 3"))
    with transaction(read_only(db)) as session:
        breaks = list(audit.verify(session))
    assert [b.entry_id for b in breaks] == [3]
    assert "edited" in breaks[0].reason


def test_a_deleted_entry_is_detected(db: Engine) -> None:
    _write_history(db)
    with db.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_entry WHERE id = 2"))
    with transaction(read_only(db)) as session:
        breaks = list(audit.verify(session))
    assert breaks and breaks[0].entry_id == 3


def test_the_cli_exits_non_zero_on_a_tampered_log(sqlite_db: Engine) -> None:
    _write_history(sqlite_db)
    env = {**os.environ, "YIJIAN_DATABASE_URL": str(sqlite_db.url)}
    command = [sys.executable, "-m", "engine.cli", "audit", "verify"]
    ok = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    with sqlite_db.begin() as conn:
        conn.execute(sa.text('UPDATE audit_entry SET detail = \'{"opinion": "不同意"}\' WHERE id = 4'))
    broken = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert broken.returncode == 1
    assert "entry 4" in broken.stderr
