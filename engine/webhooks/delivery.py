"""Sending the outbox: the worker's job, which owns its transactions like ``engine.worker``.

Claim (short transaction, commit) → POST each delivery with no transaction open → record each
outcome (its own short transaction). A slow receiver thus never holds a row lock or SQLite's write
lock, and a crash loses at most the outcome of the one POST in flight: the lease runs out and the
delivery is sent again, so receivers should de-duplicate on ``X-Yijian-Delivery``.
"""

import hashlib
import hmac
import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from engine import __version__, clock
from engine.db import transaction
from engine.webhooks import service
from engine.webhooks.service import Outgoing

log = logging.getLogger("yijian.webhooks")

TIMEOUT_S = 5.0
# A claim hides a delivery from other workers this long (plus one timeout per delivery of the
# batch, which is sent one after the other), then a crashed worker's claim is taken over.
LEASE = timedelta(seconds=60)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(http: httpx.Client, out: Outgoing) -> tuple[int | None, str | None]:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Yijian-Webhooks/{__version__}",
        "X-Yijian-Event": out.event,
        "X-Yijian-Delivery": str(out.delivery_id),
        "X-Yijian-Signature": sign(out.secret, out.body),
    }
    try:
        # stream: only the status matters; an endless or huge response body is never read
        with http.stream("POST", out.url, content=out.body, headers=headers, timeout=TIMEOUT_S) as response:
            return response.status_code, None if response.is_success else f"HTTP {response.status_code}"
    except Exception as exc:  # connection refused, timeout, TLS, bad URL: all count as a failed attempt
        return None, f"{type(exc).__name__}: {exc}"[:200]


def deliver_due(
    engine: Engine,
    *,
    http: httpx.Client,
    now_fn: Callable[[Session], datetime] = clock.now,
    limit: int = 20,
) -> int:
    """Send up to ``limit`` due deliveries; returns how many were attempted (0: nothing was due).

    ``now_fn`` takes the session because the service clock may be the manual one stored in the
    database (tests and demos); the worker passes the default, ``engine.clock.now``.
    """
    with transaction(engine) as session:
        lease = LEASE + timedelta(seconds=TIMEOUT_S * limit)
        batch = service.claim_due(session, now=now_fn(session), lease=lease, limit=limit)
    for out in batch:
        status_code, error = _post(http, out)
        if error:
            log.info("webhook delivery %s to %s failed: %s", out.delivery_id, out.url, error)
        with transaction(engine) as session:
            service.record_attempt(
                session,
                out,
                status_code=status_code,
                error=error,
                now=now_fn(session),
                jitter=random.uniform(0, service.JITTER),
            )
    return len(batch)
