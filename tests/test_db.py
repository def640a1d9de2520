"""The data layer's two short cuts behave as SQLAlchemy would, on SQLite and PostgreSQL: a modified row is
written as one UPDATE of what changed, and a fixed statement run on the driver hands back the same
values, raises the same errors and is seen by statement listeners."""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from engine.audit.models import AuditEntry
from engine.db import Direct, attach, flush, transaction
from engine.holidays.models import Holiday, HolidayYear
from engine.tasks.models import Task, TaskRow

NOW = datetime(2026, 9, 30, 8, 30, tzinfo=UTC)


def _national_day(engine: Engine) -> None:
    with transaction(engine) as session:
        session.add(
            Holiday(day=date(2026, 10, 1), is_workday=False, name="国庆节", imported_by="admin", imported_at=NOW)
        )
        session.add(Holiday(day=date(2026, 10, 10), is_workday=True, name="调休", imported_by="admin", imported_at=NOW))


@pytest.fixture
def statements(db: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, sql: str, *_: object) -> None:
        seen.append(" ".join(sql.split()))

    sa.event.listen(db, "before_cursor_execute", record)
    yield seen
    sa.event.remove(db, "before_cursor_execute", record)


def test_an_admin_renaming_a_holiday_writes_one_update_of_the_changed_columns(
    db: Engine, statements: list[str]
) -> None:
    _national_day(db)
    with transaction(db) as session:
        day = session.get(Holiday, date(2026, 10, 1))
        assert day is not None
        day.name = "国庆节、中秋节"
        day.imported_by = "admin"  # set, but not changed
        statements.clear()
        flush(session)
        assert not session.dirty
        updates = [s for s in statements if s.startswith("UPDATE")]
        assert len(updates) == 1
        assert "SET name=" in updates[0] and "imported_by" not in updates[0]

    with Session(db) as session:
        assert session.get(Holiday, date(2026, 10, 1)).name == "国庆节、中秋节"  # type: ignore[union-attr]


def test_a_row_removed_under_a_pending_change_fails_the_flush_instead_of_losing_the_change(db: Engine) -> None:
    _national_day(db)
    with pytest.raises(StaleDataError), transaction(db) as session:
        day = session.get(Holiday, date(2026, 10, 10))
        assert day is not None
        session.connection().execute(sa.delete(Holiday).where(Holiday.day == date(2026, 10, 10)))
        day.name = "调休上班"
        flush(session)

    with Session(db) as session:
        assert session.get(Holiday, date(2026, 10, 10)) is not None  # the transaction was rolled back whole


def test_a_direct_statement_returns_what_sqlalchemy_returns(db: Engine, statements: list[str]) -> None:
    _national_day(db)
    with transaction(db) as session:
        session.add(AuditEntry(at=NOW, actor="张三", action="task.completed", instance_id=7, detail={"任务": "受理"},
                               prev_hash="0" * 64, hash="1" * 64))  # fmt: skip
    days = sa.select(Holiday.day, Holiday.is_workday, Holiday.name, Holiday.imported_at).order_by(Holiday.day)
    entries = sa.select(AuditEntry.at, AuditEntry.detail, AuditEntry.task_id).where(
        AuditEntry.instance_id == sa.bindparam("instance_id")
    )

    with transaction(db) as session:
        connection = session.connection()
        statements.clear()
        direct_days = Direct(days).rows(connection)
        direct_entries = Direct(entries).rows(connection, {"instance_id": 7})
        paused = sa.select(sa.cast(sa.literal(1.5), sa.Float).label("paused_days"))  # PostgreSQL: numeric types
        assert Direct(paused).rows(connection)[0].paused_days == connection.execute(paused).scalar_one() == 1.5
        assert len(statements) == 4  # listeners see them like any other statement
        assert [tuple(r) for r in direct_days] == [tuple(r) for r in connection.execute(days).all()]
        assert [tuple(r) for r in direct_entries] == [
            tuple(r) for r in connection.execute(entries, {"instance_id": 7}).all()
        ]

    assert direct_days[0].day == date(2026, 10, 1) and direct_days[1].is_workday is True
    assert direct_days[0].imported_at == NOW and direct_days[0].imported_at.tzinfo is not None
    assert direct_entries[0].detail == {"任务": "受理"} and direct_entries[0].task_id is None


def test_a_direct_statement_that_breaks_a_constraint_raises_sqlalchemys_integrity_error(db: Engine) -> None:
    insert = Direct(sa.insert(HolidayYear).values(year=sa.bindparam("year"), imported_by="admin", imported_at=NOW))
    with pytest.raises(sa.exc.IntegrityError), transaction(db) as session:
        insert.run(session.connection(), {"year": 2026})
        insert.run(session.connection(), {"year": 2026})

    with Session(db) as session:
        assert session.exec(select(HolidayYear)).all() == []


def test_a_row_read_directly_becomes_the_sessions_object_as_if_a_query_had_loaded_it(
    db: Engine, statements: list[str]
) -> None:
    _national_day(db)
    by_day = Direct(sa.select(Holiday.__table__).where(Holiday.day == sa.bindparam("day")))
    with transaction(db) as session:
        day = attach(session, Holiday, by_day.rows(session.connection(), {"day": date(2026, 10, 1)})[0])
        statements.clear()
        assert session.get(Holiday, date(2026, 10, 1)) is day and statements == []  # in the identity map
        assert not session.dirty and day.name == "国庆节" and day.imported_at == NOW
        day.name = "国庆节、中秋节"

        # another writer changes the row; reading it again refreshes the same object, as populate_existing
        session.connection().execute(sa.update(Holiday).where(Holiday.day == date(2026, 10, 1)).values(name="国庆"))
        again = attach(session, Holiday, by_day.rows(session.connection(), {"day": date(2026, 10, 1)})[0])
        assert again is day and day.name == "国庆" and not session.dirty
        day.is_workday = True

    with Session(db) as session:
        stored = session.get(Holiday, date(2026, 10, 1))
        assert stored is not None and stored.is_workday and stored.name == "国庆"


def test_a_task_row_has_the_task_tables_columns_in_table_order() -> None:
    """Rows are built by position from ``SELECT task.*``: a column added to ``Task`` must be added here too."""
    assert TaskRow._fields == tuple(c.key for c in Task.__table__.columns)
