"""Timer events that understand the values 一件事 deadlines actually come in.

Spiff 3.2.0 accepts a timer expression only as an ISO string of one kind per event type (a
``timeDuration`` must be a duration, a ``timeDate`` a date-time) and reads naive date-times in the
server's zone.  Statutory deadlines are "20 working days" (``working_days(20)`` returns a
``datetime``), designers write local times without an offset, and servers run in UTC containers.  So
every date/duration timer here accepts, whatever its BPMN kind:

- an ISO 8601 duration (``"P3D"``, ``"PT1H"``, or a ``timedelta``): due at ``now + duration``;
- an ISO 8601 date-time string, or a ``datetime``/``date``: due at that instant;

and reads naive date-times as Asia/Shanghai.  Cycles (``"R3/PT4H"``) keep Spiff's semantics with the
same date-time reading.  All comparisons use the injected clock and ``<=``, so "fire what is due at
``now``" includes a timer due exactly at ``now``.

Timer expressions are Python expressions (``"P3D"`` with quotes, ``commit_period``, ``working_days(20)``),
but designers following ISO 8601 write ``P3D`` or ``R3/PT4H`` bare, as the bundle format allows.  A bare
ISO 8601 duration, repeating interval or date-time is therefore read as that literal (see
:func:`expression_for`) rather than as an undefined variable.

The classes replace Spiff's timer definitions in the compiled spec (see :func:`adopt`); they keep
Spiff's serialization names so stored instances stay readable by plain SpiffWorkflow.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from . import clock


class TimerValueError(ValueError):
    """A timer expression evaluated to something that is not a duration or a date-time."""


def parse_datetime(text: str) -> datetime:
    """ISO 8601 date-time (or date) -> aware UTC; naive values are Asia/Shanghai."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise TimerValueError(f"{text!r} is not an ISO 8601 date-time") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.SHANGHAI)
    return value.astimezone(UTC)


def parse_duration(text: str, start: datetime) -> timedelta:
    """ISO 8601 duration counted from ``start`` (months and years are calendar months/years)."""
    try:
        parsed = TimerEventDefinition.parse_iso_duration(text.strip())
        return TimerEventDefinition.get_timedelta_from_start(parsed, start)
    except Exception as exc:
        raise TimerValueError(f"{text!r} is not an ISO 8601 duration") from exc


def due_at(value: Any, now: datetime) -> datetime:
    """When a date/duration timer whose expression evaluated to ``value`` is due (aware UTC)."""
    if isinstance(value, datetime):
        return (value.replace(tzinfo=clock.SHANGHAI) if value.tzinfo is None else value).astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), clock.SHANGHAI).astimezone(UTC)
    if isinstance(value, timedelta):
        return now + value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        return now + parse_duration(text, now) if text[0] in "Pp" else parse_datetime(text)
    raise TimerValueError(
        f"timer value {value!r} is neither an ISO 8601 duration nor a date-time "
        '(write e.g. "P3D", "2030-01-01T09:00:00+08:00" or working_days(20))'
    )


def parse_cycle(value: Any, now: datetime) -> tuple[int, datetime, timedelta]:
    """``R[n]/duration``, ``R[n]/start/duration`` or ``R[n]/duration/end`` -> (cycles, first due, interval).

    ``cycles`` is -1 for an unbounded ``R/...``.  Without a start, the first firing is one interval
    after ``now`` (Spiff's reading).
    """
    if not isinstance(value, str) or not value.strip().upper().startswith("R"):
        raise TimerValueError(f'timer cycle {value!r} is not an ISO 8601 repeating interval such as "R3/PT4H"')
    parts = value.strip().upper().replace("--", "/").lstrip("R").split("/")
    if len(parts) not in (2, 3):
        raise TimerValueError(f'timer cycle {value!r} is not an ISO 8601 repeating interval such as "R3/PT4H"')
    try:
        cycles = int(parts[0]) if parts[0] else -1
    except ValueError as exc:
        raise TimerValueError(f"timer cycle {value!r} has an invalid repetition count") from exc
    first, rest = parts[1], parts[2] if len(parts) == 3 else None
    if rest is None:
        interval = parse_duration(first, now)
        return cycles, now + interval, interval
    if first.startswith("P"):
        end = parse_datetime(rest)
        parsed = TimerEventDefinition.parse_iso_duration(first)
        interval = TimerEventDefinition.get_timedelta_from_end(parsed, end)
        return cycles, end - interval, interval
    start = parse_datetime(first)
    return cycles, start, parse_duration(rest, start)


_BARE_ISO = re.compile(r"^(?:P[0-9YMWDTHS.,]+|R\d*/\S+|\d{4}-\d{2}-\d{2}(?:T[0-9:.,]+(?:Z|[+-][0-9:]+)?)?)$")
_SOME_INSTANT = datetime(2000, 1, 1, tzinfo=UTC)


def expression_for(text: str | None) -> str | None:
    """The expression to evaluate for a timer's text: bare ISO 8601 values become string literals."""
    if text is None:
        return None
    bare = text.strip()
    if not _BARE_ISO.match(bare):
        return text
    try:
        if bare.startswith("R"):
            parse_cycle(bare, _SOME_INSTANT)
        else:
            due_at(bare, _SOME_INSTANT)
    except TimerValueError:
        return text
    return repr(bare)


def _failure(my_task: Any, exc: Exception) -> WorkflowTaskException:
    return WorkflowTaskException(f"timer {my_task.task_spec.bpmn_id}: {exc}", task=my_task, exception=exc)


def _has_fired(definition: TimerEventDefinition, my_task: Any) -> bool:
    due = my_task._get_internal_data("event_value")
    now = clock.now()
    if due is None:
        value = my_task.workflow.script_engine.evaluate(my_task, definition.expression)
        try:
            due = due_at(value, now).isoformat()
        except TimerValueError as exc:
            raise _failure(my_task, exc) from exc
        my_task._set_internal_data(event_value=due)
    if parse_datetime(due) <= now:
        my_task._set_internal_data(event_fired=True)
    return bool(my_task._get_internal_data("event_fired", False))


class TimeDateTimer(TimeDateEventDefinition):
    """``timeDate`` timer; see the module docstring for the values accepted."""

    def has_fired(self, my_task: Any) -> bool:
        return _has_fired(self, my_task)


class DurationTimer(DurationTimerEventDefinition):
    """``timeDuration`` timer; see the module docstring for the values accepted."""

    def has_fired(self, my_task: Any) -> bool:
        return _has_fired(self, my_task)


class CycleTimer(CycleTimerEventDefinition):
    """``timeCycle`` timer: Spiff's cycle bookkeeping, our clock and date-time reading."""

    def cycle_complete(self, my_task: Any) -> bool:
        now = clock.now()
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            try:
                cycles, start, interval = parse_cycle(expression, now)
            except TimerValueError as exc:
                raise _failure(my_task, exc) from exc
            event_value = {"cycles": cycles, "next": start.isoformat(), "duration": interval.total_seconds()}

        ready = False
        if event_value["cycles"] != 0:
            next_event = parse_datetime(event_value["next"])
            if next_event <= now:
                event_value["next"] = (next_event + timedelta(seconds=event_value["duration"])).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


_REPLACEMENTS: dict[type, type[TimerEventDefinition]] = {
    TimeDateEventDefinition: TimeDateTimer,
    DurationTimerEventDefinition: DurationTimer,
    CycleTimerEventDefinition: CycleTimer,
}

# Serialization: same converter and type name as Spiff's classes.
SERIALIZER_TYPENAMES: dict[type, str] = {ours: theirs.__name__ for theirs, ours in _REPLACEMENTS.items()}


def adopt(definition: Any) -> Any:
    """Our timer class for a Spiff timer definition (anything else is returned unchanged)."""
    ours = _REPLACEMENTS.get(type(definition))
    if ours is None:
        return definition
    return ours(definition.name, expression_for(definition.expression), description=definition.description)


def pending_due(task: Any) -> datetime | None:
    """The next due time of a waiting timer task, from what the timer stored when it started waiting."""
    value = task._get_internal_data("event_value")
    if isinstance(value, dict):
        return parse_datetime(value["next"]) if value.get("cycles") != 0 else None
    if isinstance(value, str):
        return parse_datetime(value)
    return None
