"""The time of the runtime call in progress.

The runtime never reads the wall clock: every command receives ``now`` and everything evaluated
during it (timer due dates, "has this timer fired?") must agree on that one instant, so a scheduler
can fire a timer "as of" a given time and tests can jump thirty days ahead without sleeping.

SpiffWorkflow 3.2.0 reads ``datetime.now(timezone.utc)`` inside
``SpiffWorkflow.bpmn.specs.event_definitions.timer`` and offers no hook, so at import we replace that
module's ``datetime`` name with a subclass whose ``now()`` answers from a context variable.  A context
variable (not a global) keeps concurrent requests in a thread pool from seeing each other's ``now``;
outside a runtime call the real clock answers, so the library behaves as before for other users.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

# China has used UTC+8 without daylight saving since 1991; a fixed offset avoids depending on tzdata.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

_now: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("yijian_runtime_now", default=None)

_real_datetime = datetime


def now() -> datetime:
    """The instant of the current runtime call (aware, UTC); the real clock outside a call."""
    current = _now.get()
    return current if current is not None else _real_datetime.now(UTC)


def require_aware(value: datetime) -> datetime:
    """Reject naive ``now`` arguments: a naive instant would silently shift every deadline by 8 hours."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"now must be an aware datetime, got {value!r}")
    return value.astimezone(UTC)


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Run a block with ``now()`` (and Spiff's timer module) answering ``at``."""
    token = _now.set(require_aware(at))
    try:
        yield at
    finally:
        _now.reset(token)


class _DatetimeMeta(type):
    """Lets ``isinstance(x, <replacement>)`` stay true for ordinary datetimes, which the timer module
    relies on when it checks the type of parsed values."""

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, _real_datetime)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, _real_datetime)


class ClockDatetime(_real_datetime, metaclass=_DatetimeMeta):
    """``datetime`` as seen by Spiff's timer module: identical except that ``now()`` is injected."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        current = now()
        return current.astimezone(tz) if tz is not None else current.astimezone().replace(tzinfo=None)

    @classmethod
    def utcnow(cls) -> datetime:  # type: ignore[override]
        return now().replace(tzinfo=None)


def install() -> None:
    """Point Spiff's timer module at the injectable clock (idempotent)."""
    if _spiff_timer.datetime is not ClockDatetime:
        _spiff_timer.datetime = ClockDatetime  # type: ignore[misc]


install()
