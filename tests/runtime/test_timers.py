"""Timers run on the injected clock and accept durations, date-times and working-day deadlines."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from engine.runtime import clock, complete_task, fire_timers, start
from engine.runtime.timers import due_at, parse_cycle

from .conftest import NOW


def test_spiffs_timer_module_reads_the_clock_of_the_current_call():
    frozen_at = datetime(2031, 5, 4, 3, 2, 1, tzinfo=UTC)
    assert spiff_timer.datetime is clock.ClockDatetime
    seen_elsewhere: list[datetime] = []

    def other_thread() -> None:
        seen_elsewhere.append(spiff_timer.datetime.now(UTC))

    with clock.frozen(frozen_at):
        assert spiff_timer.datetime.now(UTC) == frozen_at
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        # Spiff's own duration arithmetic counts from our instant too
        parsed = spiff_timer.TimerEventDefinition.parse_iso_duration("P1M")
        assert spiff_timer.TimerEventDefinition.get_timedelta_from_start(parsed) == timedelta(days=31)

    assert abs(seen_elsewhere[0] - datetime.now(UTC)) < timedelta(minutes=1)  # other threads: real clock
    assert abs(spiff_timer.datetime.now(UTC) - datetime.now(UTC)) < timedelta(minutes=1)  # after: real clock
    assert isinstance(datetime(2030, 1, 1), spiff_timer.datetime)  # the module's isinstance checks still hold


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="aware"), clock.frozen(datetime(2030, 1, 1)):
        pass


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("P3D", NOW + timedelta(days=3)),
        ("PT1H", NOW + timedelta(hours=1)),
        (timedelta(hours=2), NOW + timedelta(hours=2)),
        ("2030-01-01T09:00:00", datetime(2030, 1, 1, 1, 0, tzinfo=UTC)),  # naive = Beijing time
        ("2030-01-01T09:00:00+00:00", datetime(2030, 1, 1, 9, 0, tzinfo=UTC)),
        ("2030-01-01T09:00:00Z", datetime(2030, 1, 1, 9, 0, tzinfo=UTC)),
        (datetime(2030, 2, 1, 17, 0), datetime(2030, 2, 1, 9, 0, tzinfo=UTC)),
        (date(2030, 2, 1), datetime(2030, 1, 31, 16, 0, tzinfo=UTC)),
    ],
)
def test_a_timer_value_may_be_a_duration_or_a_date_time(value, expected):
    assert due_at(value, NOW) == expected


def test_cycles_start_one_interval_from_now_unless_they_name_a_start():
    assert parse_cycle("R3/PT4H", NOW) == (3, NOW + timedelta(hours=4), timedelta(hours=4))
    assert parse_cycle("R/P1D", NOW)[0] == -1
    assert parse_cycle("R2/2030-01-02T08:00:00/PT1H", NOW)[1] == datetime(2030, 1, 2, 0, 0, tzinfo=UTC)


def test_the_commitment_story(compiled):
    """承诺制: 30 days to supply the missing material, a reminder on day 25, revoked on day 30."""
    bundle = compiled("timers.bpmn", process="commitment")
    step = start(bundle, {"commit_period": "P30D"}, now=NOW)

    timers = {t.bpmn_id: t for t in step.snapshot.timers}
    assert timers["deadline"].due_at == NOW + timedelta(days=30)
    assert timers["deadline"].interrupting is True
    assert timers["reminder"].due_at == NOW + timedelta(days=25)
    assert timers["reminder"].interrupting is False
    assert all(t.due_at.tzinfo is UTC for t in step.snapshot.timers)

    nothing_yet = fire_timers(bundle, step.state, now=NOW + timedelta(days=25) - timedelta(seconds=1))
    assert nothing_yet.snapshot.completed == []

    day_25 = fire_timers(bundle, step.state, now=NOW + timedelta(days=25))  # due exactly now: fires
    assert [c[1] for c in day_25.snapshot.completed] == ["reminder", "remind", "reminder_sent"]
    assert [t.bpmn_id for t in day_25.snapshot.ready_tasks] == ["supply"]
    assert [t.bpmn_id for t in day_25.snapshot.timers] == ["deadline"]

    day_30 = fire_timers(bundle, day_25.state, now=NOW + timedelta(days=30))
    assert day_30.snapshot.status == "completed"
    assert [c[1] for c in day_30.snapshot.completed] == ["deadline", "revoke", "revoked"]
    assert day_30.snapshot.data["revoked"] is True


def test_supplying_in_time_cancels_the_deadline(compiled):
    bundle = compiled("timers.bpmn", process="commitment")
    step = start(bundle, {"commit_period": "P30D"}, now=NOW)
    supplied = complete_task(
        bundle, step.state, step.snapshot.ready_tasks[0].id, {"lease": "ok"}, now=NOW + timedelta(days=3)
    )
    assert supplied.snapshot.status == "completed"
    assert supplied.snapshot.timers == []
    assert fire_timers(bundle, supplied.state, now=NOW + timedelta(days=31)).snapshot.completed == []


def test_naive_dates_working_days_and_cycles(compiled):
    """A naive timeDate is Beijing time, working_days() returns a naive datetime, R3/PT4H nags thrice."""
    bundle = compiled("wait_until.bpmn", process="wait_until")
    helpers = {"working_days": lambda n, start=None: datetime(2030, 2, 1, 17, 0)}

    step = start(bundle, {}, now=datetime(2029, 12, 31, tzinfo=UTC), functions=helpers)
    [opening] = step.snapshot.timers
    assert opening.due_at == datetime(2030, 1, 1, 1, 0, tzinfo=UTC)  # 09:00 in Beijing

    step = fire_timers(bundle, step.state, now=opening.due_at, functions=helpers)
    [statutory] = step.snapshot.timers
    assert statutory.bpmn_id == "statutory"
    assert statutory.due_at == datetime(2030, 2, 1, 9, 0, tzinfo=UTC)  # 17:00 in Beijing

    step = fire_timers(bundle, step.state, now=statutory.due_at, functions=helpers)
    assert [t.bpmn_id for t in step.snapshot.ready_tasks] == ["inspect"]
    [nag] = step.snapshot.timers
    assert nag.due_at == statutory.due_at + timedelta(hours=4)

    nags = 0
    for _ in range(10):  # the scheduler's loop: fire at the reported due time while there is one
        if not step.snapshot.timers:
            break
        step = fire_timers(bundle, step.state, now=step.snapshot.timers[0].due_at, functions=helpers)
        nags += sum(1 for c in step.snapshot.completed if c[1] == "count_nag")
    assert nags == 3
    assert step.snapshot.timers == []
    assert [t.bpmn_id for t in step.snapshot.ready_tasks] == ["inspect"]


def test_a_timer_value_that_is_not_a_time_fails_the_instance_at_the_timer(compiled):
    bundle = compiled("timers.bpmn", process="commitment")
    step = start(bundle, {"commit_period": "thirty days"}, now=NOW)
    assert step.snapshot.status == "failed"
    assert step.snapshot.error_element == "deadline"
    assert "'thirty days' is not an ISO 8601 date-time" in step.snapshot.error


def test_bare_iso_values_are_literals_not_variable_names(compiled):
    """Designers write P25D, R3/PT4H or 2030-01-01T09:00:00 without Python quotes."""
    bundle = compiled("timers.bpmn", process="commitment", replace={"timers.bpmn": (b'"P25D"', b"P25D")})
    step = start(bundle, {"commit_period": "P30D"}, now=NOW)
    assert {t.bpmn_id: t.due_at for t in step.snapshot.timers}["reminder"] == NOW + timedelta(days=25)

    bundle = compiled(
        "wait_until.bpmn",
        process="wait_until",
        replace={"wait_until.bpmn": (b'"2030-01-01T09:00:00"', b"2030-01-01T09:00:00")},
    )
    [opening] = start(bundle, {}, now=NOW - timedelta(days=1)).snapshot.timers
    assert opening.due_at == datetime(2030, 1, 1, 1, 0, tzinfo=UTC)
