"""Webhook fixtures: the live server with the webhooks router, and a real HTTP receiver.

The receiver is ``http.server`` on a free loopback port, so deliveries cross a real socket and the
signature is checked over the exact bytes that arrived.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from sqlalchemy.engine import Engine

from engine.webhooks.routes import router
from tests.conftest import LiveServer


@pytest.fixture
def server(db: Engine) -> Iterator[LiveServer]:
    """The conftest server, plus the webhooks router until ``engine.app`` includes it."""
    live = LiveServer(db)
    app = live.server.config.app
    if not any(getattr(r, "path", None) == "/api/webhooks" for r in app.routes):
        app.include_router(router)
    with live:
        yield live


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An external system's endpoint: records every request, answers with scripted status codes."""

    url: str = ""
    answers: list[int] = field(default_factory=list)  # consumed in order; 200 once exhausted
    received: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                code = state.answers.pop(0) if state.answers else 200
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:  # keep pytest output clean
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/hooks/yijian"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """The worker's client; no proxy from the environment may intercept loopback deliveries."""
    with httpx.Client(trust_env=False) as client:
        yield client
