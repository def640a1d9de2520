"""Exceptions the runtime raises to its caller.

Only caller mistakes raise (bad task id, data that is not JSON, a message nobody waits for, a broken
bundle at deploy time).  Anything that goes wrong *inside* an instance while it runs — a script error,
a timeout, a loop that is too deep — is not an exception: the step returns ``status='failed'`` so the
service can store it like any other outcome.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle, precise enough for a designer to find and fix it.

    ``file`` is ``''`` for problems of the bundle as a whole (e.g. the main process is missing).
    """

    file: str
    element: str | None
    message: str
    line: int | None = None


class EngineError(Exception):
    """Base of everything the runtime raises on purpose."""


class SpecInvalid(EngineError):
    """The bundle cannot be deployed; ``problems`` lists every problem that could be found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        summary = "; ".join(
            f"{p.file or '<bundle>'}{':' + str(p.line) if p.line else ''}"
            f"{' ' + p.element if p.element else ''}: {p.message}"
            for p in self.problems[:5]
        )
        more = f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{len(self.problems)} problem(s): {summary}{more}")


class TaskNotFound(EngineError):
    """No task with this id exists in the instance."""


class TaskNotReady(EngineError):
    """The task exists but cannot be completed now (already done, not reached, not a human task,
    or the instance is no longer running)."""


class NothingWaiting(EngineError):
    """No event in the instance waits for this message (or the payload correlates to another case)."""

    def __init__(self, name: str, reason: str = "") -> None:
        self.name = name
        super().__init__(f"nothing waits for message {name!r}" + (f": {reason}" if reason else ""))


class InvalidData(EngineError, ValueError):
    """Data handed in by the caller is not JSON-safe, or a message payload cannot be correlated."""


class StateMismatch(EngineError):
    """The stored state does not belong to this compiled bundle, or cannot be read at all."""
