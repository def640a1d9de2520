"""The worker: fires due timers (and, with the service modes, sends webhooks).

``yijian worker`` runs it as its own process; the embedded default runs the same loop in a thread
of the API process. Each firing is its own transaction, and due rows are claimed with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers never fire one timer twice.
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from engine import clock
from engine.db import transaction
from engine.instances import service as instances
from engine.timers import service as timers
from engine.webhooks import delivery as webhook_delivery

log = logging.getLogger("yijian.worker")


def fire_due(session: Session, *, now: datetime, actor: str = "clock", limit: int = 100) -> list[dict]:
    """Fire what is due at ``now`` in this transaction; returns what fired."""
    fired: list[dict] = []
    kinds: dict[int, list[str]] = {}
    for timer in timers.claim_due(session, now=now, limit=limit):
        timers.mark_fired(session, timer, now=now)
        fired.append({"timer": timer.id, "instance_id": timer.instance_id, "kind": timer.kind, "name": timer.name})
        kinds.setdefault(timer.instance_id, []).append(timer.kind)
    for instance_id, due in kinds.items():
        instances.fire_timers(session, instance_id, due, now=now, actor=actor)
    return fired


def run_once(engine: Engine) -> int:
    """Fire due timers one transaction at a time until none is due; returns how many fired."""
    count = 0
    while True:
        with transaction(engine) as session:
            fired = fire_due(session, now=clock.now(session), actor="worker", limit=1)
        if not fired:
            return count
        count += len(fired)


def loop(engine: Engine, stop: threading.Event, interval_s: float) -> None:
    with httpx.Client(follow_redirects=False) as http:
        while not stop.is_set():
            try:
                run_once(engine)
            except Exception:  # one bad timer must not stop the worker; it is retried next round
                log.exception("worker round failed")
            try:
                webhook_delivery.deliver_due(engine, http=http)
            except Exception:  # database trouble; failed POSTs are already recorded per delivery
                log.exception("webhook round failed")
            stop.wait(interval_s)


def start_in_process(engine: Engine, interval_s: float | None = None) -> Callable[[], None]:
    from engine.config import get_settings

    stop = threading.Event()
    thread = threading.Thread(
        target=loop,
        args=(engine, stop, interval_s or get_settings().worker_interval_s),
        name="yijian-worker",
        daemon=True,
    )
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=10)

    return halt
