"""Database engine, column types and the per-request transaction.

One request (or one worker job) is one transaction, committed at the edge before the response is
sent; services only ``flush()``. On SQLite every writing transaction starts with ``BEGIN IMMEDIATE``:
a deferred transaction that reads first and writes later can fail with "database is locked" when
another writer committed in between, and that would lose an accepted change under concurrency.
"""

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from engine.config import get_settings
from engine.runtime import jsonsafe


class UTCDateTime(sa.types.TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite would otherwise hand back naive values)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime reached the database layer")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str) -> Engine:
    if is_sqlite(url):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, json_deserializer=jsonsafe.loads
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: sa.Connection) -> None:
            mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    engine = sa.create_engine(url, pool_size=10, max_overflow=20, json_deserializer=jsonsafe.loads)
    _ping_when_rested(engine)
    return engine


# A pooled connection that was handed out within this many seconds is trusted without a ping.
RESTED_AFTER_S = 10.0


def _ping_when_rested(engine: Engine) -> None:
    """``pool_pre_ping``, but only for connections that sat in the pool a while.

    A ping is a round trip, and a round trip costs about as much CPU as a real statement; a busy
    service would pay it on every request for connections it used a millisecond ago. A connection
    that rested (a database restart, a firewall dropping idle sessions) is still checked before use;
    one that breaks while in steady use fails its request, and SQLAlchemy then invalidates the pool.
    """

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _rested_since(_dbapi_conn, record) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_rested(dbapi_conn, record, _proxy) -> None:
        if time.monotonic() - record.info.get("checked_in", 0.0) < RESTED_AFTER_S:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DisconnectionError(str(exc)) from exc  # the pool retries with a new connection


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


def read_only(engine: Engine) -> Engine:
    """An engine view whose transactions do not take SQLite's write lock (GET requests)."""
    return engine.execution_options(sqlite_begin="DEFERRED")


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error (requests, CLI commands, worker jobs)."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


async def _request_session(request: Request) -> AsyncIterator[Session]:
    """``transaction`` for a request, on the event loop like everything else of it (see ``engine.app``)."""
    engine: Engine = request.app.state.engine
    reads_only = request.method in ("GET", "HEAD") and "reveal" not in request.query_params  # a reveal is audited
    with transaction(read_only(engine) if reads_only else engine) as session:
        yield session


# scope="function": the commit runs when the endpoint returns, before the response is sent, so a
# client never sees a 2xx for a change that then fails to commit.
SessionDep = Annotated[Session, Depends(_request_session, scope="function")]
