"""The 12345 hotline hears about instances through signed webhooks, even when it is down for a while.

Time is driven with explicit ``now`` values: back-off is checked by reading ``next_attempt_at`` and
delivering at exactly that moment, never by sleeping.
"""

import hashlib
import hmac
import json
import socket
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from engine.auth.schemas import Principal
from engine.db import transaction
from engine.errors import Invalid
from engine.webhooks import delivery
from engine.webhooks import service as webhooks
from engine.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.webhooks.conftest import Receiver

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
ADMIN = Principal(name="admin", role="admin")
SECRET = "hotline-12345-shared-secret"


def _subscribe(engine: Engine, url: str, events: list[str], secret: str = SECRET) -> int:
    with transaction(engine) as session:
        return webhooks.subscribe(session, ADMIN, url=url, events=events, secret=secret, now=T0).id or 0


def _enqueue(engine: Engine, event: str, payload: dict, now: datetime = T0) -> int:
    with transaction(engine) as session:
        return webhooks.enqueue(session, event=event, payload=payload, now=now)


def _deliver(engine: Engine, http: httpx.Client, at: datetime) -> int:
    return delivery.deliver_due(engine, http=http, now_fn=lambda _session: at)


def _deliveries(engine: Engine) -> list[WebhookDelivery]:
    with transaction(engine) as session:
        return list(session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed on leaving: connecting is refused


def test_the_hotline_receives_a_signed_instance_event(db: Engine, receiver: Receiver, http: httpx.Client) -> None:
    _subscribe(db, receiver.url, ["instance.*"])
    completed_at = T0 + timedelta(minutes=3)
    payload = {
        "instance_id": 7,
        "bundle_id": "kaiban-canyin",
        "business_key": "杭州-0001",
        "completed_at": completed_at,
    }
    assert _enqueue(db, "instance.completed", payload) == 1

    assert _deliver(db, http, T0) == 1

    [request] = receiver.received
    assert request.path == "/hooks/yijian"
    expected = hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-yijian-signature"] == f"sha256={expected}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-yijian-event"] == "instance.completed"
    [row] = _deliveries(db)
    assert request.headers["x-yijian-delivery"] == str(row.id)
    document = json.loads(request.body)
    assert document == {
        "id": row.id,
        "event": "instance.completed",
        "created_at": T0.isoformat(),
        "data": {**payload, "completed_at": completed_at.isoformat().replace("+00:00", "Z")},
    }
    assert (row.status, row.attempts, row.last_status_code, row.delivered_at) == ("delivered", 1, 200, T0)
    assert _deliver(db, http, T0 + timedelta(hours=1)) == 0, "a delivered event is not sent again"


def test_a_forged_body_does_not_match_the_signature(db: Engine, receiver: Receiver, http: httpx.Client) -> None:
    _subscribe(db, receiver.url, ["*"])
    _enqueue(db, "rating.created", {"instance_id": 7, "score": 5})
    _deliver(db, http, T0)
    [request] = receiver.received
    forged = request.body.replace(b'"score":5', b'"score":1')
    assert forged != request.body
    expected = "sha256=" + hmac.new(SECRET.encode(), forged, hashlib.sha256).hexdigest()
    assert not hmac.compare_digest(request.headers["x-yijian-signature"], expected)


def test_a_subscription_for_other_events_gets_nothing(db: Engine, receiver: Receiver, http: httpx.Client) -> None:
    assert _enqueue(db, "instance.started", {"instance_id": 1}) == 0, "no subscriptions: nothing to store"
    hotline = _subscribe(db, receiver.url, ["instance.*"])
    _subscribe(db, f"http://127.0.0.1:{_closed_port()}/tasks", ["task.created", "sla.*"])

    assert _enqueue(db, "instance.started", {"instance_id": 2}) == 1
    assert _deliver(db, http, T0) == 1

    assert [r.subscription_id for r in _deliveries(db)] == [hotline]
    assert len(receiver.received) == 1


def test_a_receiver_down_twice_gets_it_on_the_third_attempt(db: Engine, receiver: Receiver, http: httpx.Client) -> None:
    receiver.answers = [500, 500, 200]
    _subscribe(db, receiver.url, ["instance.*"])
    _enqueue(db, "instance.failed", {"instance_id": 9, "reason": "材料不全"})

    _deliver(db, http, T0)
    [row] = _deliveries(db)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == ("pending", 1, 500, "HTTP 500")
    first_wait = row.next_attempt_at - T0
    assert timedelta(seconds=10) <= first_wait <= timedelta(seconds=11)
    assert _deliver(db, http, T0 + first_wait - timedelta(seconds=1)) == 0, "not due before its back-off"

    second_try = row.next_attempt_at
    assert _deliver(db, http, second_try) == 1
    [row] = _deliveries(db)
    assert (row.status, row.attempts) == ("pending", 2)
    second_wait = row.next_attempt_at - second_try
    assert timedelta(seconds=20) <= second_wait <= timedelta(seconds=22)
    assert second_wait > first_wait

    assert _deliver(db, http, row.next_attempt_at) == 1
    [row] = _deliveries(db)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == ("delivered", 3, 200, None)
    assert len(receiver.received) == 3
    assert len({r.body for r in receiver.received}) == 1, "every attempt carries the same bytes"
    assert {r.headers["x-yijian-delivery"] for r in receiver.received} == {str(row.id)}


def test_an_unreachable_receiver_ends_failed_after_the_last_attempt(db: Engine, http: httpx.Client) -> None:
    _subscribe(db, f"http://127.0.0.1:{_closed_port()}/hooks", ["instance.cancelled"])
    _enqueue(db, "instance.cancelled", {"instance_id": 3})

    at, waits = T0, []
    for attempt in range(1, webhooks.MAX_ATTEMPTS + 1):
        assert _deliver(db, http, at) == 1
        [row] = _deliveries(db)
        assert row.attempts == attempt
        assert row.last_status_code is None
        assert row.last_error and "ConnectError" in row.last_error
        if row.status == "pending":
            waits.append(row.next_attempt_at - at)
            at = row.next_attempt_at

    assert (row.status, row.attempts) == ("failed", webhooks.MAX_ATTEMPTS)
    assert waits == sorted(waits) and len(waits) == webhooks.MAX_ATTEMPTS - 1
    assert _deliver(db, http, at + timedelta(days=1)) == 0, "a failed delivery is not retried"


def test_back_off_doubles_and_is_capped_at_an_hour() -> None:
    assert [webhooks.retry_delay(n).total_seconds() for n in range(1, 6)] == [10, 20, 40, 80, 160]
    assert webhooks.retry_delay(30) == timedelta(hours=1)
    assert webhooks.retry_delay(1, jitter=0.1) == timedelta(seconds=11)


def test_a_crashed_workers_claim_is_sent_after_its_lease(db: Engine, receiver: Receiver, http: httpx.Client) -> None:
    _subscribe(db, receiver.url, ["task.*"])
    _enqueue(db, "task.created", {"task_id": 11})
    lease = timedelta(seconds=60)
    with transaction(db) as session:  # a worker claims, commits, then dies before posting
        assert len(webhooks.claim_due(session, now=T0, lease=lease, limit=10)) == 1

    assert _deliver(db, http, T0 + lease - timedelta(seconds=1)) == 0, "hidden while the claim holds"
    assert _deliver(db, http, T0 + lease) == 1
    [row] = _deliveries(db)
    assert (row.status, row.attempts) == ("delivered", 1)


def test_a_late_outcome_of_a_taken_over_claim_is_ignored(db: Engine) -> None:
    _subscribe(db, "http://127.0.0.1:9/hooks", ["task.*"])
    _enqueue(db, "task.completed", {"task_id": 12})
    lease = timedelta(seconds=60)
    with transaction(db) as session:
        [slow] = webhooks.claim_due(session, now=T0, lease=lease, limit=10)
    with transaction(db) as session:
        [fast] = webhooks.claim_due(session, now=T0 + lease, lease=lease, limit=10)
        assert webhooks.record_attempt(session, fast, status_code=204, error=None, now=T0 + lease) is not None
    with transaction(db) as session:
        assert webhooks.record_attempt(session, slow, status_code=None, error="ReadTimeout", now=T0 + lease) is None
    [row] = _deliveries(db)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 204)


def test_an_event_rolled_back_with_its_change_is_never_sent(db: Engine) -> None:
    _subscribe(db, "http://127.0.0.1:9/hooks", ["*"])
    with pytest.raises(RuntimeError), transaction(db) as session:
        webhooks.enqueue(session, event="instance.started", payload={"instance_id": 5}, now=T0)
        raise RuntimeError("the instance command failed after enqueueing")
    assert _deliveries(db) == []


def test_a_deactivated_subscription_gets_no_more_deliveries(db: Engine, receiver: Receiver, http: httpx.Client) -> None:
    sub_id = _subscribe(db, receiver.url, ["instance.*"])
    _enqueue(db, "instance.started", {"instance_id": 1})
    with transaction(db) as session:
        webhooks.deactivate(session, sub_id)
    assert _enqueue(db, "instance.completed", {"instance_id": 1}) == 0

    assert _deliver(db, http, T0) == 0
    [row] = _deliveries(db)
    assert (row.status, row.last_error) == ("failed", "subscription deactivated")
    assert receiver.received == []


def test_an_unknown_event_name_is_a_programming_error(db: Engine) -> None:
    with pytest.raises(ValueError, match=r"instance\.finished"), transaction(db) as session:
        webhooks.enqueue(session, event="instance.finished", payload={}, now=T0)


def test_two_postgres_workers_never_claim_the_same_delivery(db: Engine) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("SQLite serialises claims with BEGIN IMMEDIATE; skip-locked is PostgreSQL's")
    _subscribe(db, "http://127.0.0.1:9/hooks", ["*"])
    for i in range(3):
        _enqueue(db, "task.created", {"task_id": i})
    lease = timedelta(seconds=60)
    with Session(db) as first, Session(db) as second:
        a = webhooks.claim_due(first, now=T0, lease=lease, limit=2)  # holds row locks, not yet committed
        b = webhooks.claim_due(second, now=T0, lease=lease, limit=10)
        first.commit()
        second.commit()
    assert len(a) == 2 and len(b) == 1
    assert {o.delivery_id for o in a}.isdisjoint(o.delivery_id for o in b)


@pytest.mark.parametrize(
    ("url", "events", "secret", "locs"),
    [
        ("ftp://12345.hangzhou.gov.cn/hook", ["instance.*"], SECRET, [["url"]]),
        ("https:///no-host", ["instance.*"], SECRET, [["url"]]),
        ("https://12345.hangzhou.gov.cn/hook", [], SECRET, [["events"]]),
        (
            "https://12345.hangzhou.gov.cn/hook",
            ["instance.*", "instance.finished", "bogus.*"],
            SECRET,
            [["events", 1], ["events", 2]],
        ),
        ("https://12345.hangzhou.gov.cn/hook", ["*"], "short", [["secret"]]),
        ("mailto:a@b.cn", [], "", [["url"], ["events"], ["secret"]]),
    ],
)
def test_a_bad_subscription_names_each_field_at_fault(
    db: Engine, url: str, events: list[str], secret: str, locs: list[list[str | int]]
) -> None:
    with pytest.raises(Invalid) as caught, transaction(db) as session:
        webhooks.subscribe(session, ADMIN, url=url, events=events, secret=secret, now=T0)
    assert [list(e.loc) for e in caught.value.errors] == locs
    with transaction(db) as session:
        assert session.exec(select(WebhookSubscription)).all() == []
