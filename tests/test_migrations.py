"""The schema is owned by Alembic: migrating an empty database gives exactly the models' schema."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine import migrations
from engine.db import make_engine
from engine.tables import metadata
from tests.conftest import PG_ADMIN_URL


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    request.getfixturevalue("pg_server_url")  # skips (or fails in CI) without PostgreSQL
    name = f"yijian_migrate_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_create_exactly_the_model_schema(empty_url: str) -> None:
    engine = make_engine(empty_url)
    migrations.upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_migrating_twice_changes_nothing(empty_url: str) -> None:
    engine = make_engine(empty_url)
    migrations.upgrade(engine)
    migrations.upgrade(engine)
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    assert {"bundle", "bundle_version", "process_instance", "task", "timer", "audit_entry"} <= tables
