"""A 12345 hotline system subscribed to instance events hears about an application it did not start:
the webhook is queued in the same transaction as the change and delivered, signed, by the worker."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
from sqlalchemy.engine import Engine

from engine.webhooks import delivery
from tests.instances.flow import apply, complete, deploy_mini, task_named
from tests.people import Cast

SECRET = "hotline-shared-secret-0001"


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_the_hotline_hears_that_an_application_was_started_and_completed(
    client: httpx.Client, cast: Cast, db: Engine
) -> None:
    _Receiver.received = []
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
        subscribed = client.post(
            "/api/webhooks", json={"url": url, "events": ["instance.*"], "secret": SECRET}, headers=cast.admin.headers
        )
        assert subscribed.status_code == 201, subscribed.text
        deploy_mini(client, cast)
        instance = apply(client, cast.window_hz.headers, business_key="HZ-2031-001").json()
        accept = task_named(client, cast.window_hz, "accept", instance["id"])
        complete(client, cast.window_hz, accept["id"], {"window": {"accepted": True}})
        for person, name, key in ((cast.market_hz, "market_review", "market"), (cast.fire_hz, "fire_review", "fire")):
            complete(client, person, task_named(client, person, name, instance["id"])["id"], {key: {"approved": True}})

        with httpx.Client() as http:
            delivered = delivery.deliver_due(db, http=http)
        assert delivered == 2
    finally:
        receiver.shutdown()
    events = []
    for headers, body in _Receiver.received:
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Yijian-Signature"] == expected
        payload = json.loads(body)
        assert payload["data"]["instance_id"] == instance["id"]
        assert payload["data"]["business_key"] == "HZ-2031-001"
        events.append(payload["event"])
    assert sorted(events) == ["instance.completed", "instance.started"]
