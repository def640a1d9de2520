"""Shared fixtures: a real database (SQLite file, or a throwaway PostgreSQL database) and a live
HTTP server on 127.0.0.1 for the API tests.

PostgreSQL tests skip with a one-line notice when no server is reachable, unless
YIJIAN_REQUIRE_POSTGRES=1 (CI), which turns the skip into a failure.
"""

import os

os.environ.setdefault("YIJIAN_CLOCK", "manual")
os.environ["YIJIAN_RUN_WORKER_IN_PROCESS"] = "false"
# Real argon2id, at a cost that keeps a suite creating hundreds of users fast.
os.environ.setdefault("YIJIAN_ARGON2_TIME_COST", "1")
os.environ.setdefault("YIJIAN_ARGON2_MEMORY_KIB", "1024")

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from sqlalchemy.engine import Engine

from engine.config import ROOT, get_settings
from engine.db import make_engine
from engine.tables import metadata

get_settings.cache_clear()

PG_ADMIN_URL = os.environ.get("YIJIAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("YIJIAN_REQUIRE_POSTGRES") == "1"


def _pg_reachable() -> str | None:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    reason = _pg_reachable()
    if reason is not None:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL required (YIJIAN_REQUIRE_POSTGRES=1) but unreachable: {reason}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL.split('@')[-1]}: PostgreSQL tests skipped")
    name = f"yijian_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def _pg_engine(pg_server_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_server_url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A clean database on each backend in turn."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'yijian.db'}")
        metadata.create_all(engine)
        yield engine
        engine.dispose()
    else:
        engine = request.getfixturevalue("_pg_engine")
        _truncate_all(engine)
        yield engine


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'yijian.db'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The real app under uvicorn on a free loopback port, for tests that speak real HTTP."""

    def __init__(self, engine: Engine) -> None:
        from engine.app import create_app

        self.engine = engine
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(get_settings(), engine), host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def server(db: Engine) -> Iterator[LiveServer]:
    with LiveServer(db) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


SAMPLES = ROOT / "processes"


@pytest.fixture
def cast(db: Engine, client: httpx.Client):
    from tests.people import standard_cast

    return standard_cast(db, client)
