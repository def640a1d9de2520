"""The commands the service runs against an instance: load, act, run until it waits, save.

Each command is atomic.  Either the instance runs until it waits for a person, a timer or a message
(or ends), and the new state is returned; or something inside it goes wrong — a script error, a
timeout, a forbidden action, data that cannot be stored, a loop deeper than SpiffWorkflow can follow —
and the step returns ``status='failed'`` with the *previous* state (marked failed, with the error and
the element).  The failed command leaves no half-run tree behind, nothing it threw is emitted, and the
instance can still be read and cancelled.  Caller mistakes (unknown task, task not ready, message
nobody waits for, non-JSON data) raise instead and change nothing.

Time is the ``now`` argument, installed for the duration of the call (:mod:`.clock`).  Helpers for
scripts (``working_days``...) come in per call as ``functions``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.control import BpmnStartTask, StartEventSplit
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.task import Task

from . import clock, jsonsafe, messages
from . import state as stored
from .errors import InvalidData, NothingWaiting, TaskNotFound, TaskNotReady
from .parse import CompiledBundle
from .scripting import DEFAULT_TIME_LIMIT_S, ScriptEngine
from .snapshot import Snapshot, Step, all_tasks, build, element_type, live_tasks, thrown_event

Functions = Mapping[str, Callable[..., Any]]

DEPTH_LIMIT = 1000  # SpiffWorkflow's TaskIterator(max_depth=1000), used by every engine query
MAX_TASKS_PER_STEP = 2_000  # far above any real step; an endless engine loop (e.g. a standard loop that never ends)
MAX_SETTLE_ROUNDS = 100

_NO_FUNCTIONS: Functions = {}


class StepLimitExceeded(RuntimeError):
    """Raised inside a step that runs more engine tasks than any real process needs."""


class LoopTooDeep(RuntimeError):
    """The task tree outgrew what Spiff's iterators can see; continuing would silently stall."""

    def __init__(self, message: str, element: str | None) -> None:
        super().__init__(message)
        self.element = element


class _Run:
    """Bookkeeping of one step: what finished (for the audit log) and which task is running."""

    def __init__(self, compiled: CompiledBundle) -> None:
        self.compiled = compiled
        self.completed: list[tuple[str, str, str]] = []
        self.current: Task | None = None
        self.count = 0

    def will_complete(self, task: Task) -> None:
        self.current = task
        self.count += 1
        if self.count > MAX_TASKS_PER_STEP:
            where = task.task_spec.bpmn_id or task.task_spec.name
            raise StepLimitExceeded(
                f"more than {MAX_TASKS_PER_STEP} tasks ran in one step at {where}; is there a loop without an exit?"
            )

    def did_complete(self, task: Task) -> None:
        self.current = None
        spec = task.task_spec
        if task.state == TaskState.COMPLETED and spec.bpmn_id and not isinstance(spec, LoopTask):
            self.completed.append((str(task.id), spec.bpmn_id, element_type(self.compiled, task)))


# --- public commands ----------------------------------------------------------------------------------


def start(
    compiled: CompiledBundle,
    data: dict[str, Any],
    *,
    now: datetime,
    functions: Functions = _NO_FUNCTIONS,
    message: str | None = None,
    payload: dict[str, Any] | None = None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> Step:
    """Start an instance with ``data`` as its initial data, and run it until it waits.

    With ``message``, start through that message start event of the main process (免申即享): ``payload``
    is delivered as the message payload (into its ``messageVariable``, else at top level) on top of
    ``data``, and other start events of the process are not taken. Without a ``payload``, ``data`` is
    the payload and the instance starts empty.
    """
    if message is not None and payload is None:
        data, payload = {}, data
    data = _caller_data(data, "data")
    payload = _caller_data(payload, "payload") if payload is not None else {}
    definition = compiled.message_catches.get(message) if message is not None else None
    if message is not None and (message not in compiled.message_starts or definition is None):
        raise NothingWaiting(message, f"the main process {compiled.process_id} has no message start event for it")
    engine = _engine(compiled, functions, time_limit_s)
    with clock.frozen(now):

        def fresh() -> BpmnWorkflow:
            workflow = BpmnWorkflow(compiled.spec, compiled.subprocess_specs, script_engine=engine)
            workflow.task_tree.set_data(**_copy(data))
            return workflow

        def untouched() -> bytes:
            return stored.dumps(fresh(), compiled)

        if message is None:
            return _execute(compiled, fresh(), None, _advance, untouched)

        assert definition is not None
        try:
            correlations = messages.correlations_of(definition, engine, payload)
        except Exception as exc:
            raise InvalidData(f"payload of message {message!r} cannot be correlated: {exc}") from exc
        workflow = fresh()

        def through_message(wf: BpmnWorkflow, run: _Run) -> None:
            _open_start_events(wf)
            wf.send_event(BpmnEvent(definition, payload=_copy(payload), correlations=correlations))
            _advance(wf, run)

        return _execute(compiled, workflow, None, through_message, untouched)


def complete_task(
    compiled: CompiledBundle,
    state: bytes,
    task_id: str,
    data: dict[str, Any],
    *,
    now: datetime,
    functions: Functions = _NO_FUNCTIONS,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> Step:
    """Complete a READY human task with its form ``data`` (merged into the task data at top level)."""
    data = _caller_data(data, "data")
    engine = _engine(compiled, functions, time_limit_s)
    with clock.frozen(now):
        workflow, failure = stored.loads(state, compiled, engine)
        task = _find(workflow, task_id)
        if failure is not None:
            raise TaskNotReady(f"the instance has failed and accepts no work: {failure.error}")
        if task.state != TaskState.READY or not task.task_spec.manual:
            what = "not a human task" if not task.task_spec.manual else TaskState.get_name(task.state)
            raise TaskNotReady(f"task {task_id} ({task.task_spec.bpmn_id}) cannot be completed: {what}")

        def complete(wf: BpmnWorkflow, run: _Run) -> None:
            task.set_data(**_copy(data))
            run.will_complete(task)
            task.run()
            run.did_complete(task)
            _advance(wf, run)

        return _execute(compiled, workflow, None, complete, lambda: state)


def send_message(
    compiled: CompiledBundle,
    state: bytes,
    name: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    functions: Functions = _NO_FUNCTIONS,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> Step:
    """Deliver an external message; correlations are computed from the payload as Spiff does.

    Raises :class:`NothingWaiting` if no waiting event of the instance catches it — including when
    the payload correlates to a different case than the one the instance is bound to.
    """
    payload = _caller_data(payload, "payload")
    engine = _engine(compiled, functions, time_limit_s)
    with clock.frozen(now):
        workflow, failure = stored.loads(state, compiled, engine)
        if failure is not None or workflow.is_completed():
            raise NothingWaiting(name, "the instance is not running")
        definition = compiled.message_catches.get(name)
        if definition is None:
            raise NothingWaiting(name, "no event in this bundle catches it")
        try:
            correlations = messages.correlations_of(definition, engine, payload)
        except Exception as exc:
            raise InvalidData(f"payload of message {name!r} cannot be correlated: {exc}") from exc
        event = BpmnEvent(definition, payload=_copy(payload), correlations=correlations)
        waiting = [t for t in workflow.event_manager.tasks.values() if t.state == TaskState.WAITING]
        if not any(t.task_spec.catches(t, event) for t in waiting):
            named = any(_waits_for(t, name) for t in waiting)
            raise NothingWaiting(name, "the payload correlates to another case" if named else "")

        def deliver(wf: BpmnWorkflow, run: _Run) -> None:
            wf.send_event(event)
            _advance(wf, run)

        return _execute(compiled, workflow, None, deliver, lambda: state)


def fire_timers(
    compiled: CompiledBundle,
    state: bytes,
    *,
    now: datetime,
    functions: Functions = _NO_FUNCTIONS,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> Step:
    """Fire every timer due at ``now`` and run on.  A no-op for instances that are not running."""

    def fire(wf: BpmnWorkflow, run: _Run) -> None:
        wf.refresh_timers()
        _advance(wf, run)

    return _while_running(compiled, state, fire, now=now, functions=functions, time_limit_s=time_limit_s)


def update_data(
    compiled: CompiledBundle,
    state: bytes,
    updates: dict[str, Any],
    *,
    now: datetime,
    functions: Functions = _NO_FUNCTIONS,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> Step:
    """Set process data the engine owns (e.g. ``commitment_deadline`` after a holiday import) in the
    instance and in every unfinished task, and re-evaluate the waiting timers whose expression reads
    one of those keys, so a deadline that moved out does not fire at its old time."""
    updates = _caller_data(updates, "updates")

    def apply(wf: BpmnWorkflow, run: _Run) -> None:
        wf.data.update(_copy(updates))
        for task in list(live_tasks(wf)):
            if task.state in (TaskState.COMPLETED, TaskState.CANCELLED):
                continue
            # a waiting task re-inherits its parent's data when refreshed: update the whole line
            line: Task | None = task
            while line is not None:
                line.data.update(_copy(updates))
                line = line.parent
            expression = getattr(getattr(task.task_spec, "event_definition", None), "expression", None)
            if task.state == TaskState.WAITING and expression and any(k in expression for k in updates):
                task.internal_data.pop("event_value", None)
        wf.refresh_timers()
        _advance(wf, run)

    return _while_running(compiled, state, apply, now=now, functions=functions, time_limit_s=time_limit_s)


def _while_running(
    compiled: CompiledBundle,
    state: bytes,
    action: Callable[[BpmnWorkflow, _Run], None],
    *,
    now: datetime,
    functions: Functions,
    time_limit_s: float,
) -> Step:
    """Run ``action`` on a running instance; a failed or finished one is returned unchanged."""
    engine = _engine(compiled, functions, time_limit_s)
    with clock.frozen(now):
        workflow, failure = stored.loads(state, compiled, engine)
        if failure is not None or workflow.is_completed():
            return Step(state, build(compiled, workflow, failure))
        return _execute(compiled, workflow, None, action, lambda: state)


def cancel(
    compiled: CompiledBundle,
    state: bytes,
    *,
    now: datetime,
    functions: Functions = _NO_FUNCTIONS,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> Step:
    """Cancel the instance (撤件); also ends a failed one.  Finished instances are left as they are."""
    engine = _engine(compiled, functions, time_limit_s)
    with clock.frozen(now):
        workflow, failure = stored.loads(state, compiled, engine)
        if failure is None and workflow.is_completed():
            return Step(state, build(compiled, workflow))

        def cancel_all(wf: BpmnWorkflow, run: _Run) -> None:
            wf.cancel()

        return _execute(compiled, workflow, failure, cancel_all, lambda: state, clear_failure=True)


def snapshot(compiled: CompiledBundle, state: bytes) -> Snapshot:
    """Read-only view of a stored state (no events, nothing completed)."""
    workflow, failure = stored.loads(state, compiled, _engine(compiled, _NO_FUNCTIONS, DEFAULT_TIME_LIMIT_S))
    return build(compiled, workflow, failure)


_ELEMENT_RANK = {"completed": 1, "waiting": 2, "active": 3}


def element_states(compiled: CompiledBundle, state: bytes) -> dict[str, tuple[str, int]]:
    """Per BPMN element id: ('active' | 'waiting' | 'completed', times completed) — what a diagram
    highlights, and proof that a join fired once."""
    workflow, _ = stored.loads(state, compiled, _engine(compiled, _NO_FUNCTIONS, DEFAULT_TIME_LIMIT_S))
    result: dict[str, tuple[str, int]] = {}
    for task in all_tasks(workflow):
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        if task.state == TaskState.COMPLETED:
            label = "completed"
        elif task.state in (TaskState.READY, TaskState.STARTED):
            label = "active"
        elif task.state == TaskState.WAITING:
            label = "waiting"
        else:
            continue
        previous, count = result.get(bpmn_id, (label, 0))
        best = label if _ELEMENT_RANK[label] > _ELEMENT_RANK[previous] else previous
        result[bpmn_id] = (best, count + (label == "completed"))
    return result


def task_data(compiled: CompiledBundle, state: bytes, task_id: str) -> dict[str, Any]:
    """The data a task sees (for a READY task: what its form is pre-filled from)."""
    workflow, _ = stored.loads(state, compiled, _engine(compiled, _NO_FUNCTIONS, DEFAULT_TIME_LIMIT_S))
    return dict(_find(workflow, task_id).data)


# --- the step cycle -----------------------------------------------------------------------------------


def _engine(compiled: CompiledBundle, functions: Functions, time_limit_s: float) -> ScriptEngine:
    return ScriptEngine(functions, compiled.code, time_limit_s, compiled.stored_results)


def _execute(
    compiled: CompiledBundle,
    workflow: BpmnWorkflow,
    failure: stored.Failure | None,
    action: Callable[[BpmnWorkflow, _Run], None],
    previous: Callable[[], bytes],
    *,
    clear_failure: bool = False,
) -> Step:
    """Run ``action``, then drain events, check and serialize — or record a failure on ``previous()``."""
    run = _Run(compiled)
    try:
        action(workflow, run)
        _check_depth(compiled, workflow)
        thrown = [thrown_event(event) for event in workflow.get_events()]  # drained before saving
        new_state = stored.dumps(workflow, compiled, None if clear_failure else failure)
    except Exception as exc:
        new_failure = _failure(compiled, exc, run)
        failed_state = stored.with_failure(previous(), compiled, new_failure)
        return Step(failed_state, snapshot(compiled, failed_state))
    return Step(new_state, build(compiled, workflow, None if clear_failure else failure, thrown, run.completed))


def _advance(workflow: BpmnWorkflow, run: _Run) -> None:
    """Run engine tasks until only people, timers and messages are left.

    ``do_engine_steps`` ends by refreshing timers, which can make a timer READY that it then does not
    run; so repeat until no engine task is READY.  A READY task that Spiff does not see (beyond its
    depth limit) would repeat forever: that is reported as a loop too deep.
    """
    for _ in range(MAX_SETTLE_ROUNDS):
        workflow.do_engine_steps(will_complete_task=run.will_complete, did_complete_task=run.did_complete)
        pending = [t for t in live_tasks(workflow) if t.state == TaskState.READY and not t.task_spec.manual]
        if not pending:
            return
        _check_depth(run.compiled, workflow)
    raise RuntimeError(f"the engine did not settle after {MAX_SETTLE_ROUNDS} rounds")


def _depth(task: Task) -> int:
    """Depth as Spiff's BpmnTaskIterator counts it (a subprocess tree hangs below its task)."""
    depth = 0
    while True:
        parent = task.parent
        while parent is not None:
            depth += 1
            task, parent = parent, parent.parent
        workflow = task.workflow
        if workflow is workflow.top_workflow:
            return depth
        task = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
        depth += 1


def _check_depth(compiled: CompiledBundle, workflow: BpmnWorkflow) -> None:
    """Fail instead of letting a long gateway loop vanish past Spiff's iterator depth.

    Beyond depth 1000 Spiff no longer sees READY tasks, so the instance stops and even reports itself
    completed.  Trees smaller than the limit cannot be that deep, so the common case costs one sum.
    """
    size = len(workflow.tasks) + sum(len(sp.tasks) for sp in workflow.subprocesses.values())
    if size < DEPTH_LIMIT:
        return
    deepest, depth = None, 0
    for task in live_tasks(workflow):
        if task.state & TaskState.NOT_FINISHED_MASK:
            task_depth = _depth(task)
            if task_depth > depth:
                deepest, depth = task, task_depth
    if deepest is None or depth < DEPTH_LIMIT:
        return
    element, count = _loop_element(compiled, deepest)
    raise LoopTooDeep(
        f"loop too deep at {element}: it was passed {count} times and the task tree reached "
        f"SpiffWorkflow's depth limit ({DEPTH_LIMIT}); model rework loops as a standard loop, "
        "a subprocess or a new instance per round",
        element,
    )


def _loop_element(compiled: CompiledBundle, task: Task) -> tuple[str | None, int]:
    """The element the loop goes through most often (a gateway if there is one)."""
    seen: Counter[str] = Counter()
    node: Task | None = task
    while node is not None:
        if node.task_spec.bpmn_id:
            seen[node.task_spec.bpmn_id] += 1
        node = node.parent
    if not seen:
        return None, 0
    gateways = [(n, e) for e, n in seen.items() if compiled.elements.get(e, "").endswith("Gateway")]
    count, element = max(gateways) if gateways else max((n, e) for e, n in seen.items())
    return element, count


def _failure(compiled: CompiledBundle, exc: Exception, run: _Run) -> stored.Failure:
    element: str | None = getattr(exc, "element", None)
    if element is None and isinstance(getattr(exc, "task", None), Task):
        element = exc.task.task_spec.bpmn_id  # type: ignore[attr-defined]
    if element is None and isinstance(getattr(exc, "task_spec", None), TaskSpec):
        element = exc.task_spec.bpmn_id  # type: ignore[attr-defined]
    if element is None and run.current is not None:
        element = run.current.task_spec.bpmn_id
    text = re.sub(r"^(\w+):(?=\S)", r"\1: ", str(exc).strip().rstrip(".").strip())  # Spiff writes "Type:msg"
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, WorkflowTaskException) and cause is not None and str(cause) not in text:
        text += f" ({type(cause).__name__}: {cause})"  # Spiff's "Error evaluating expression" hides why
    if isinstance(exc, WorkflowTaskException) and exc.line_number:
        text += f" (line {exc.line_number}" + (f": {exc.error_line}" if exc.error_line else "") + ")"
    if isinstance(exc, (TypeError, ValueError)) and "JSON" in text and not isinstance(exc, jsonsafe.NotJsonSafe):
        text = f"instance data cannot be stored: {text}"
    if element and not text.startswith(f"loop too deep at {element}"):
        text = f"{compiled.elements.get(element, 'element')} {element}: {text}"
    return stored.Failure(text or type(exc).__name__, element)


# --- helpers ------------------------------------------------------------------------------------------


def _caller_data(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidData(f"{what} must be a JSON object, got {type(data).__name__}")
    try:
        jsonsafe.check(data, what)
    except jsonsafe.NotJsonSafe as exc:
        raise InvalidData(str(exc)) from exc
    return data


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    """A private copy, so scripts changing nested values never reach back into the caller's objects."""
    return json.loads(json.dumps(data))


def _find(workflow: BpmnWorkflow, task_id: str) -> Task:
    try:
        return workflow.get_task_from_id(UUID(str(task_id)))
    except (ValueError, TaskNotFoundException):
        raise TaskNotFound(f"no task {task_id} in this instance") from None


def _waits_for(task: Task, name: str) -> bool:
    definition = task.task_spec.event_definition
    items = getattr(definition, "event_definitions", None) or [definition]
    return any(getattr(item, "name", None) == name for item in items)


def _open_start_events(workflow: BpmnWorkflow) -> None:
    """Run Spiff's internal start tasks so the process's start events wait, then drop every start
    event that would begin on its own (a none start beside the message start)."""
    for _ in range(MAX_SETTLE_ROUNDS):
        internal = [
            t
            for t in workflow.tasks.values()
            if t.state == TaskState.READY and isinstance(t.task_spec, (BpmnStartTask, StartEventSplit))
        ]
        if not internal:
            break
        for task in internal:
            task.run()
    for task in list(workflow.tasks.values()):
        if isinstance(task.task_spec, StartEvent) and task.state == TaskState.READY:
            task.cancel()


__all__ = [
    "cancel",
    "complete_task",
    "fire_timers",
    "send_message",
    "snapshot",
    "start",
    "task_data",
]
