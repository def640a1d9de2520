"""Pooled PostgreSQL connections survive the database dropping them while they rest in the pool."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from engine import db
from engine.db import make_engine
from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.postgres


@pytest.fixture
def service_engine(pg_server_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_server_url)
    yield engine
    engine.dispose()


def _pooled_backend(engine: Engine) -> int:
    """Use the engine once; its connection goes back to the pool. Returns that connection's server pid."""
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def _drop(backend_pid: int) -> None:
    """What a database restart or an idle-session firewall does to a pooled connection."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend_pid}).scalar_one()
    admin.dispose()


def _answer(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT 41 + 1")).scalar_one()


def test_a_connection_that_rested_in_the_pool_is_checked_and_replaced_when_the_database_dropped_it(
    service_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _drop(_pooled_backend(service_engine))
    monkeypatch.setattr(db, "RESTED_AFTER_S", 0.0)  # every pooled connection has rested long enough

    assert _answer(service_engine) == 42


def test_a_connection_in_steady_use_is_not_pinged(service_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ping costs a round trip per request; a connection used a moment ago goes without it (and if
    the database dropped it in that moment, that one request fails and the pool is renewed)."""
    _drop(_pooled_backend(service_engine))
    monkeypatch.setattr(db, "RESTED_AFTER_S", 3600.0)

    with pytest.raises(sa.exc.OperationalError):
        _answer(service_engine)
    assert _answer(service_engine) == 42


def test_a_connection_dropped_under_a_direct_statement_fails_that_request_and_the_pool_is_renewed(
    service_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hot statements that run on the driver's cursor (``db.Direct``) fail as SQLAlchemy's own do."""
    monkeypatch.setattr(db, "RESTED_AFTER_S", 3600.0)
    answer = db.Direct(sa.select(sa.literal(41, sa.Integer) + sa.bindparam("one", type_=sa.Integer)))
    with service_engine.connect() as conn:
        _drop(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())
        with pytest.raises(sa.exc.OperationalError) as failed:
            answer.rows(conn, {"one": 1})
        assert failed.value.connection_invalidated

    with service_engine.connect() as conn:
        assert answer.rows(conn, {"one": 1})[0][0] == 42
