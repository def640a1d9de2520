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


def test_an_instance_started_before_the_upgrade_gets_its_versions_content_hash(empty_url: str) -> None:
    engine = make_engine(empty_url)
    migrations.upgrade(engine, "6c3e9356f486")  # the revision before instances carried the hash
    now = "2031-03-04 09:00:00+08:00"
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO bundle (id, name, active_version, created_at) VALUES ('permit', '许可', 2, :now)"),
            {"now": now},
        )
        for version, digest in ((1, "a" * 64), (2, "b" * 64)):
            conn.execute(
                sa.text(
                    "INSERT INTO bundle_version (id, bundle_id, version, content_hash, process_id, manifest, "
                    "deployed_by, deployed_at, note) VALUES (:v, 'permit', :v, :h, 'permit', '{}', 'li', :now, '')"
                ),
                {"v": version, "h": digest, "now": now},
            )
        conn.execute(
            sa.text(
                "INSERT INTO process_instance (id, bundle_id, bundle_name, version_id, version, status, "
                "receiving_region, handling_region, started_by, subject, data, state, revision, time_limit_days, "
                "deadline_at, warn_at, deadline_provisional, paused_working_days, created_at, updated_at, "
                "bpmn_timers) VALUES (7, 'permit', '许可', 1, 1, 'running', '330100', '330100', 'li', '', '{}', "
                ":state, 1, 5, :now, :now, false, 0, :now, :now, 0)"
            ),
            {"state": b"{}", "now": now},
        )
    migrations.upgrade(engine)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT content_hash FROM process_instance WHERE id = 7")).scalar_one()
    engine.dispose()
    assert stored == "a" * 64  # its own version 1, not the active version 2
