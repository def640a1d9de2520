"""Subscriptions, the outbox, and the retry rules of deliveries.

Everything here runs in the caller's transaction and never commits: ``enqueue`` must commit or roll
back together with the change it reports. ``engine.webhooks.delivery`` owns the transactions of sending.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from pydantic_core import to_jsonable_python
from sqlmodel import Session, select

from engine.auth.schemas import Principal
from engine.db import Direct
from engine.errors import NotFound, invalid
from engine.webhooks.models import WebhookDelivery, WebhookSubscription

KNOWN_EVENTS = frozenset(
    {
        "instance.started",
        "instance.completed",
        "instance.failed",
        "instance.cancelled",
        "task.created",
        "task.completed",
        "commitment.fulfilled",
        "commitment.breached",
        "sla.warning",
        "sla.overdue",
        "rating.created",
        "event.received",
    }
)
KINDS = frozenset(name.split(".", 1)[0] for name in KNOWN_EVENTS)
MIN_SECRET = 16

# Retry policy: base * 2**(attempts-1), capped, plus up to JITTER of it so that deliveries that
# failed together (a receiver outage) do not all come back in the same second.
BASE_DELAY = timedelta(seconds=10)
MAX_DELAY = timedelta(hours=1)
MAX_ATTEMPTS = 8
JITTER = 0.1


def matches(pattern: str, event: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event.startswith(pattern[:-1])
    return pattern == event


def _is_pattern(pattern: str) -> bool:
    return pattern in KNOWN_EVENTS or pattern == "*" or (pattern.endswith(".*") and pattern[:-2] in KINDS)


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "not a valid URL"
    if parts.scheme not in ("http", "https"):
        return "must be an http:// or https:// URL"
    if not parts.hostname:
        return "must name a host"
    if any(c.isspace() for c in url):
        return "must not contain spaces"
    return None


def subscribe(
    session: Session, who: Principal, *, url: str, events: Sequence[str], secret: str, now: datetime
) -> WebhookSubscription:
    """Register an external system's URL; all problems are reported at once, each naming its field."""
    problems: list[tuple[list[str | int], str]] = []
    if (why := _url_problem(url)) is not None:
        problems.append((["url"], why))
    if not events:
        problems.append((["events"], "name at least one event"))
    for i, name in enumerate(events):
        if not _is_pattern(name):
            problems.append((["events", i], f"unknown event {name!r}; known: {', '.join(sorted(KNOWN_EVENTS))}"))
    if len(secret) < MIN_SECRET:
        problems.append((["secret"], f"must be at least {MIN_SECRET} characters"))
    if problems:
        raise invalid("invalid webhook subscription", problems)
    sub = WebhookSubscription(
        url=url, events=list(dict.fromkeys(events)), secret=secret, active=True, created_by=who.name, created_at=now
    )
    session.add(sub)
    session.flush()
    return sub


def list_subscriptions(session: Session) -> list[WebhookSubscription]:
    return list(session.exec(select(WebhookSubscription).order_by(WebhookSubscription.id)))


def get_subscription(session: Session, subscription_id: int) -> WebhookSubscription:
    sub = session.get(WebhookSubscription, subscription_id)
    if sub is None:
        raise NotFound(f"webhook subscription {subscription_id} not found")
    return sub


def deactivate(session: Session, subscription_id: int) -> WebhookSubscription:
    """Stop sending: no new deliveries are enqueued, and pending ones end ``failed`` when claimed.

    The row stays, so its delivery history remains readable.
    """
    sub = get_subscription(session, subscription_id)
    sub.active = False
    session.add(sub)
    session.flush()
    return sub


def deliveries(session: Session, subscription_id: int, *, limit: int = 50) -> list[WebhookDelivery]:
    """The most recent deliveries of one subscription, newest first."""
    get_subscription(session, subscription_id)
    stmt = (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    return list(session.exec(stmt))


_SUBSCRIPTIONS = "yijian.webhook_subscriptions"
_subs = WebhookSubscription.__table__.c
_ACTIVE = Direct(sa.select(_subs.id, _subs.events).where(_subs.active.is_(True)))  # every write runs it


def enqueue(session: Session, *, event: str, payload: dict, now: datetime) -> int:
    """Put one pending delivery per matching active subscription into the caller's transaction.

    One query over the (few) active subscriptions; the pattern match is done here because JSON
    list matching is not portable between SQLite and PostgreSQL. Returns how many were enqueued.
    """
    if event not in KNOWN_EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")  # a caller's typo, not a user's mistake
    subs = session.info.get(_SUBSCRIPTIONS)
    if subs is None:  # once per transaction: a completion enqueues several events
        # on the connection: no autoflush here, a step's changes are flushed once, at its end
        subs = session.info[_SUBSCRIPTIONS] = _ACTIVE.rows(session.connection())
    targets = [sub_id for sub_id, patterns in subs if any(matches(p, event) for p in patterns)]
    if not targets:
        return 0
    data = to_jsonable_python(payload)  # datetimes, dates, decimals: JSON now, not at flush
    for sub_id in targets:
        session.add(
            WebhookDelivery(
                subscription_id=sub_id, event=event, payload=data, status="pending", next_attempt_at=now, created_at=now
            )
        )
    return len(targets)


@dataclass(frozen=True)
class Outgoing:
    """A claimed delivery, detached from the session so it can be sent after the commit."""

    delivery_id: int
    attempts: int
    event: str
    url: str
    secret: str
    body: bytes


def body_of(delivery: WebhookDelivery) -> bytes:
    """The exact bytes that are POSTed and signed."""
    document = {
        "id": delivery.id,
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def claim_due(session: Session, *, now: datetime, lease: timedelta, limit: int) -> list[Outgoing]:
    """Take due pending deliveries nobody else holds, and hide them from other workers for ``lease``.

    On PostgreSQL the row locks skip rows another worker is claiming; on SQLite the writing
    transaction (``BEGIN IMMEDIATE``) serialises claims. Deliveries of deactivated subscriptions
    end ``failed`` here instead of being sent.
    """
    stmt = (
        select(WebhookDelivery)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list(session.exec(stmt))
    if not rows:
        return []
    sub_ids = {r.subscription_id for r in rows}
    subs = {s.id: s for s in session.exec(select(WebhookSubscription).where(WebhookSubscription.id.in_(sub_ids)))}
    claimed: list[Outgoing] = []
    for row in rows:
        sub = subs[row.subscription_id]
        if not sub.active:
            row.status, row.last_error = "failed", "subscription deactivated"
        else:
            row.next_attempt_at = now + lease
            claimed.append(Outgoing(row.id or 0, row.attempts, row.event, sub.url, sub.secret, body_of(row)))
        session.add(row)
    session.flush()
    return claimed


def retry_delay(attempts: int, *, jitter: float = 0.0) -> timedelta:
    """Wait after the ``attempts``-th failure: 10 s, 20 s, 40 s … capped at 1 h, stretched by ``jitter``."""
    delay = min(BASE_DELAY * 2 ** (attempts - 1), MAX_DELAY)
    return delay * (1 + jitter)


def record_attempt(
    session: Session,
    claim: Outgoing,
    *,
    status_code: int | None,
    error: str | None,
    now: datetime,
    jitter: float = 0.0,
) -> WebhookDelivery | None:
    """Store the outcome of one POST: 2xx delivers, anything else is retried later or, at last, fails.

    Skips the row (returns None) when it is no longer the attempt that was claimed: another worker
    took it over after this one's lease ran out and recorded first.
    """
    row = session.exec(select(WebhookDelivery).where(WebhookDelivery.id == claim.delivery_id).with_for_update()).first()
    if row is None or row.status != "pending" or row.attempts != claim.attempts:
        return None
    row.attempts += 1
    row.last_status_code = status_code
    if status_code is not None and 200 <= status_code < 300:
        row.status, row.delivered_at, row.last_error = "delivered", now, None
    else:
        row.last_error = (error or f"HTTP {status_code}")[:200]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
        else:
            row.next_attempt_at = now + retry_delay(row.attempts, jitter=jitter)
    session.add(row)
    session.flush()
    return row
