"""Timers fire exactly once: two `yijian worker` processes racing over 200 due timers on PostgreSQL
each take different rows, and every warning and overdue notice is recorded once."""

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from engine import clock
from engine.audit.models import AuditEntry
from engine.db import transaction
from engine.timers.models import Timer
from tests.instances.flow import apply, deploy_mini
from tests.people import Cast

INSTANCES = 100  # two SLA timers each: a warning and an overdue notice


@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_fire_200_due_timers_each_exactly_once(
    client: httpx.Client, cast: Cast, db: Engine, request: pytest.FixtureRequest
) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("row claiming with SKIP LOCKED across processes is PostgreSQL's; SQLite has one writer")
    deploy_mini(client, cast)
    ids = {apply(client, cast.window_hz.headers).json()["id"] for _ in range(INSTANCES)}
    with transaction(db) as session:
        clock.set_manual(session, clock.now(session) + timedelta(days=60))
        due = session.exec(select(Timer).where(Timer.status == "pending", Timer.kind.like("sla_%"))).all()
    assert len(due) == 2 * INSTANCES

    env = {**os.environ, "YIJIAN_DATABASE_URL": db.url.render_as_string(hide_password=False)}
    command = [sys.executable, "-m", "engine.cli", "worker", "--once"]
    workers = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    fired_per_worker = [int(out.strip().split()[-1]) for out, _ in outputs]
    assert sum(fired_per_worker) == 2 * INSTANCES

    with transaction(db) as session:
        statuses = Counter(t.status for t in session.exec(select(Timer).where(Timer.kind.like("sla_%"))))
        notices = Counter(
            (e.instance_id, e.action)
            for e in session.exec(select(AuditEntry).where(AuditEntry.action.in_(["sla.warning", "sla.overdue"])))
        )
    assert statuses == {"fired": 2 * INSTANCES}
    assert set(notices.values()) == {1}
    assert {instance for instance, _ in notices} == ids
