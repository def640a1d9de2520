"""Database engine, column types and the per-request transaction.

One request (or one worker job) is one transaction, committed at the edge before the response is
sent; services only ``flush()``. On SQLite every writing transaction starts with ``BEGIN IMMEDIATE``:
a deferred transaction that reads first and writes later can fail with "database is locked" when
another writer committed in between, and that would lose an accepted change under concurrency.
"""

import time
from collections import namedtuple
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import InstanceState, make_transient_to_detached
from sqlalchemy.orm.exc import StaleDataError
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


_Model = TypeVar("_Model")


@dataclass
class _Plan:
    compiled: sa.engine.Compiled
    sql: str
    order: tuple[str, ...] | None  # positional drivers (SQLite): the parameters' order
    binds: tuple[tuple[str, Callable[[Any], Any]], ...]
    selected: list[sa.ColumnElement[Any]]
    row_type: Any  # a NamedTuple class, or None for one named after the columns
    # builds a result row with its columns' conversions applied; made at the first result, as some
    # conversions depend on the type the driver reports (PostgreSQL's numerics)
    row: Callable[[Any], Any] | None = None

    def shape(self, dialect: sa.Dialect, description: Any) -> Callable[[Any], Any]:
        shape = self.row_type or namedtuple("Row", [str(c.key) for c in self.selected], rename=True)  # type: ignore[misc]
        results = [
            c.type.dialect_impl(dialect).result_processor(dialect, d[1])
            for c, d in zip(self.selected, description, strict=True)
        ]
        if any(results):
            converts = [r or (lambda v: v) for r in results]
            self.row = lambda values: shape._make([c(v) for c, v in zip(converts, values, strict=True)])
        else:
            self.row = shape._make
        return self.row


class Direct:
    """A fixed Core statement run straight on the driver's cursor: compiled once per dialect (and set of
    columns), its values converted by the statement's own column types, as SQLAlchemy would.

    SQLAlchemy's execution path (cache key, execution context, result object) costs about 60 µs of CPU
    a statement — as much as the round trip — and every write request runs the same few statements.
    Errors still arrive as SQLAlchemy's (a dropped connection is invalidated), and
    ``before_cursor_execute`` listeners still see each statement.
    """

    def __init__(self, statement: sa.Executable, row: Any = None) -> None:
        self.statement = statement
        self.row_type = row
        self._plans: dict[tuple[str, str, frozenset[str] | None], _Plan] = {}  # by dialect, driver, columns

    def _plan(self, dialect: sa.Dialect, columns: frozenset[str] | None) -> _Plan:
        compiled = self.statement.compile(dialect=dialect, column_keys=sorted(columns) if columns else None)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("IN lists are rendered per execution: run this statement through SQLAlchemy")
        binds = tuple(
            (name, process)  # by the name it is rendered with (anonymous ones get theirs at compile time)
            for bind, name in compiled.bind_names.items()
            if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        )
        selected = list(getattr(self.statement, "exported_columns", ()))  # a SELECT's, or RETURNING's
        order = tuple(compiled.positiontup or ()) if compiled.positional else None
        plan = _Plan(compiled, compiled.string, order, binds, selected, self.row_type)
        self._plans[dialect.name, dialect.driver, columns] = plan
        return plan

    def _execute(
        self, connection: sa.Connection, params: Mapping[str, Any] | None, columns: frozenset[str] | None
    ) -> Any:
        dialect = connection.dialect
        plan = self._plans.get((dialect.name, dialect.driver, columns)) or self._plan(dialect, columns)
        values = plan.compiled.construct_params(params)
        for name, process in plan.binds:
            values[name] = process(values[name])
        args = tuple(values[name] for name in plan.order) if plan.order is not None else values
        cursor = connection.connection.cursor()  # the connection's transaction, as its own statements use
        if connection.dispatch.before_cursor_execute:
            connection.dispatch.before_cursor_execute(connection, cursor, plan.sql, args, None, False)
        try:
            cursor.execute(plan.sql, args)
        except dialect.loaded_dbapi.Error as exc:
            lost = dialect.is_disconnect(exc, connection.connection.dbapi_connection, cursor)
            if lost:
                connection.invalidate(exc)
            raise sa.exc.DBAPIError.instance(
                plan.sql, args, exc, dialect.loaded_dbapi.Error, dialect=dialect, connection_invalidated=lost
            ) from exc
        return cursor, plan

    def rows(self, connection: sa.Connection, params: Mapping[str, Any] | None = None) -> list[Any]:
        """The rows of a SELECT (or of RETURNING), with attribute access by column key as SQLAlchemy's have."""
        cursor, plan = self._execute(connection, params, None)
        try:
            row = plan.row or plan.shape(connection.dialect, cursor.description)
            return [row(values) for values in cursor.fetchall()]
        finally:
            cursor.close()

    def first(self, connection: sa.Connection, params: Mapping[str, Any] | None = None) -> Any:
        rows = self.rows(connection, params)
        return rows[0] if rows else None

    def run(
        self, connection: sa.Connection, params: Mapping[str, Any] | None = None, columns: frozenset[str] | None = None
    ) -> int:
        """Execute (``columns``: the SET columns of an UPDATE given in ``params``); returns the row count."""
        cursor, _ = self._execute(connection, params, columns)
        try:
            return cursor.rowcount
        finally:
            cursor.close()


def attach(session: Session, model: type[_Model], row: Any) -> _Model:
    """A row read with ``Direct`` as the session's persistent object, as a query would have loaded it:
    a fresh object, or — when the session holds that row already — the same object with its columns
    refreshed (what ``populate_existing`` does)."""
    mapper = sa.inspect(model)
    values = row._asdict()
    held = session.identity_map.get(mapper.identity_key_from_primary_key([values[c.key] for c in mapper.primary_key]))
    if held is not None:
        state = sa.inspect(held)
        state.dict.update(values)
        state._commit_all(state.dict, session.identity_map)  # pending changes are overwritten, as a load does
        return held
    loaded = mapper.class_manager.new_instance()
    sa.inspect(loaded).dict.update(values)
    make_transient_to_detached(loaded)  # SQLAlchemy's way to make a persistent object without SQL
    session.add(loaded)
    return loaded


@lru_cache(maxsize=64)
def _update_by_key(table: sa.Table) -> Direct:
    """``UPDATE table SET <the columns given> WHERE <primary key> = :pk_``, compiled once per set of columns."""
    return Direct(table.update().where(table.primary_key.columns[0] == sa.bindparam("pk_")))


def _write_changes(session: Session, state: InstanceState) -> None:
    changed = {key: value for key, before in state.committed_state.items() if (value := state.dict.get(key)) != before}
    if changed:
        table = state.mapper.local_table
        updated = _update_by_key(table).run(
            session.connection(), {"pk_": state.identity[0], **changed}, columns=frozenset(changed)
        )
        if updated != 1:
            raise StaleDataError(f"{table.name} row {state.identity[0]} was not updated")
    state._commit_all(state.dict, session.identity_map)  # clean again, as the unit of work leaves a row


def flush(session: Session) -> None:
    """``session.flush()``, with each modified row written as one plain UPDATE of its changed columns.

    Every command modifies a row or two (the instance, a task), and the unit of work's sorting, history and
    bookkeeping around that one statement cost 2.7 % of a completion (bench/RESULTS.md). Our tables
    have no relationships, version counters or update hooks for it to honour; new and deleted rows, and
    rows with a composite key, still go through it.
    """
    for row in session.dirty:
        state = sa.inspect(row)
        if len(state.mapper.primary_key) == 1:  # a composite key is left to the unit of work
            _write_changes(session, state)
    session.flush()


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error (requests, CLI commands, worker jobs)."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            flush(session)
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
