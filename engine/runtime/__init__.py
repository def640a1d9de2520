"""The SpiffWorkflow adapter: parse bundles once, run instance steps in a sandbox, return plain values.

Pure by design: no database, no web framework, no wall clock.  Time arrives as ``now``, script
helpers as ``functions``, and state goes in and out as bytes that refer to the compiled bundle by
key.  The service layer calls only the names exported here.
"""

from .cache import SpecCache, specs
from .diagram import UserTaskSpec
from .errors import (
    EngineError,
    InvalidData,
    NothingWaiting,
    Problem,
    SpecInvalid,
    StateMismatch,
    TaskNotFound,
    TaskNotReady,
)
from .parse import CompiledBundle, compile_bundle
from .scripting import DEFAULT_TIME_LIMIT_S
from .snapshot import HumanTask, MessageWait, Snapshot, Step, ThrownEvent, TimerWait
from .step import (
    Functions,
    cancel,
    complete_task,
    element_states,
    fire_timers,
    send_message,
    snapshot,
    start,
    task_data,
    update_data,
)

__all__ = [
    "DEFAULT_TIME_LIMIT_S",
    "CompiledBundle",
    "EngineError",
    "Functions",
    "HumanTask",
    "InvalidData",
    "MessageWait",
    "NothingWaiting",
    "Problem",
    "Snapshot",
    "SpecCache",
    "SpecInvalid",
    "StateMismatch",
    "Step",
    "TaskNotFound",
    "TaskNotReady",
    "ThrownEvent",
    "TimerWait",
    "UserTaskSpec",
    "cancel",
    "compile_bundle",
    "complete_task",
    "element_states",
    "fire_timers",
    "send_message",
    "snapshot",
    "specs",
    "start",
    "task_data",
    "update_data",
]
