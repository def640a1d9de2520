"""An administrator manages webhook subscriptions over real HTTP; nobody else may."""

import hashlib
import hmac

import httpx
from sqlalchemy.engine import Engine

from engine import clock
from engine.db import transaction
from engine.webhooks import delivery
from engine.webhooks import service as webhooks
from tests.people import Cast
from tests.webhooks.conftest import Receiver

SECRET = "hotline-12345-shared-secret"


def _hotline(client: httpx.Client, cast: Cast, url: str, events: list[str] | None = None) -> httpx.Response:
    body = {"url": url, "events": events or ["instance.*"], "secret": SECRET}
    return client.post("/api/webhooks", json=body, headers=cast.admin.headers)


def test_an_admin_subscribes_the_hotline_and_sees_its_deliveries(
    db: Engine, client: httpx.Client, cast: Cast, receiver: Receiver, http: httpx.Client
) -> None:
    created = _hotline(client, cast, receiver.url)
    assert created.status_code == 201, created.text
    view = created.json()
    assert (view["url"], view["events"], view["active"]) == (receiver.url, ["instance.*"], True)
    assert view["secret"] == "****" + SECRET[-4:]
    assert SECRET not in created.text

    listed = client.get("/api/webhooks", headers=cast.admin.headers)
    assert listed.status_code == 200
    assert [(s["id"], s["secret"]) for s in listed.json()] == [(view["id"], "****" + SECRET[-4:])]
    assert SECRET not in listed.text

    with transaction(db) as session:
        webhooks.enqueue(session, event="instance.started", payload={"instance_id": 1}, now=clock.now(session))
    assert delivery.deliver_due(db, http=http) == 1
    [request] = receiver.received
    signature = hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-yijian-signature"] == f"sha256={signature}"

    history = client.get(f"/api/webhooks/{view['id']}/deliveries", headers=cast.admin.headers)
    assert history.status_code == 200
    [item] = history.json()
    assert (item["event"], item["status"], item["attempts"], item["last_status_code"]) == (
        "instance.started",
        "delivered",
        1,
        200,
    )


def test_an_ftp_url_is_refused_naming_the_url(client: httpx.Client, cast: Cast) -> None:
    response = _hotline(client, cast, "ftp://12345.hangzhou.gov.cn/hook")
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["url"]]


def test_a_deactivated_subscription_stays_listed_as_inactive(client: httpx.Client, cast: Cast) -> None:
    sub_id = _hotline(client, cast, "https://12345.hangzhou.gov.cn/hook").json()["id"]
    removed = client.delete(f"/api/webhooks/{sub_id}", headers=cast.admin.headers)
    assert removed.status_code == 200
    assert removed.json()["active"] is False
    assert [s["active"] for s in client.get("/api/webhooks", headers=cast.admin.headers).json()] == [False]


def test_unknown_subscriptions_are_404(client: httpx.Client, cast: Cast) -> None:
    assert client.delete("/api/webhooks/999", headers=cast.admin.headers).status_code == 404
    assert client.get("/api/webhooks/999/deliveries", headers=cast.admin.headers).status_code == 404


def test_only_admins_manage_webhooks(client: httpx.Client, cast: Cast) -> None:
    assert client.get("/api/webhooks").status_code == 401
    body = {"url": "https://evil.example/hook", "events": ["*"], "secret": SECRET}
    assert client.post("/api/webhooks", json=body, headers=cast.designer.headers).status_code == 403
    assert client.post("/api/webhooks", json=body, headers=cast.system).status_code == 403
    assert client.get("/api/webhooks", headers=cast.market_hz.headers).status_code == 403
