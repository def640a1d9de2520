"""What the service needs to know about an instance after a step, in plain values.

The service mirrors human tasks into its task table, timers into its timer table, sends thrown
events through its outbox and writes completed elements to the audit log; it must never have to
look inside SpiffWorkflow objects.  Everything is read from the flat task dictionaries of the
workflow and its subprocesses rather than through Spiff's tree iterators, which stop at depth 1000.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    ErrorEventDefinition,
    EscalationEventDefinition,
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task

from . import jsonsafe, timers
from .parse import CompiledBundle
from .state import Failure

_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


@dataclass(frozen=True)
class HumanTask:
    """A READY user/manual task: one row of somebody's inbox."""

    id: str
    bpmn_id: str
    name: str
    lane: str | None
    lane_name: str | None
    form: str | None
    ui_form: str | None
    instructions: str | None
    process_id: str


@dataclass(frozen=True)
class TimerWait:
    """A timer the scheduler must fire at ``due_at`` (aware UTC).

    ``interrupting`` is the boundary event's cancelActivity; timers that interrupt nothing
    (intermediate catch events, event-based gateways) report ``False``.
    """

    task_id: str
    bpmn_id: str
    name: str
    due_at: datetime
    interrupting: bool


@dataclass(frozen=True)
class MessageWait:
    """A message the instance waits for; ``correlations`` are the keys it already knows for itself
    (e.g. ``{"case_key": {"case_no": "A-1"}}``), for routing a message to the right instance."""

    task_id: str
    bpmn_id: str
    name: str
    correlations: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ThrownEvent:
    """An event the instance threw that nothing inside it caught: the outbox's business."""

    name: str
    kind: str  # 'message' | 'signal' | 'error' | 'escalation' | ...
    payload: Any
    correlations: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    status: str  # 'running' | 'completed' | 'cancelled' | 'failed'
    data: dict[str, Any]
    ready_tasks: list[HumanTask]
    timers: list[TimerWait]
    messages: list[MessageWait]
    thrown: list[ThrownEvent]
    completed: list[tuple[str, str, str]]
    error: str | None = None
    error_element: str | None = None


@dataclass(frozen=True)
class Step:
    """The outcome of one command: the state to store (spec by reference) and what it means."""

    state: bytes
    snapshot: Snapshot


def all_tasks(workflow: BpmnWorkflow) -> Iterator[Task]:
    """Every task of the instance, subprocesses included, without depth limits."""
    yield from workflow.tasks.values()
    for subprocess in workflow.subprocesses.values():
        yield from subprocess.tasks.values()


def live_tasks(workflow: BpmnWorkflow) -> Iterator[Task]:
    """Tasks of the instance that can still run: those of finished subprocesses are left out."""
    yield from workflow.tasks.values()
    for subprocess in workflow.subprocesses.values():
        if not subprocess.completed:
            yield from subprocess.tasks.values()


def status_of(workflow: BpmnWorkflow, failure: Failure | None) -> str:
    if failure is not None:
        return "failed"
    if workflow.is_completed():
        return "completed" if workflow.success else "cancelled"
    return "running"


def element_type(compiled: CompiledBundle, task: Task) -> str:
    bpmn_id = task.task_spec.bpmn_id
    kind = compiled.elements.get(bpmn_id) if bpmn_id else None
    if kind:
        return kind
    name = type(task.task_spec).__name__
    return name[:1].lower() + name[1:]


def human_task(compiled: CompiledBundle, task: Task) -> HumanTask:
    spec = task.task_spec
    static = compiled.user_tasks.get(spec.bpmn_id)
    if static is not None:
        return HumanTask(
            id=str(task.id),
            bpmn_id=static.bpmn_id,
            name=static.name,
            lane=static.lane,
            lane_name=static.lane_name,
            form=static.form,
            ui_form=static.ui_form,
            instructions=static.instructions,
            process_id=static.process_id,
        )
    properties = spec.extensions.get("properties", {}) if hasattr(spec, "extensions") else {}
    return HumanTask(
        id=str(task.id),
        bpmn_id=spec.bpmn_id or spec.name,
        name=spec.bpmn_name or spec.bpmn_id or spec.name,
        lane=None,
        lane_name=spec.lane,
        form=properties.get("formJsonSchemaFilename"),
        ui_form=properties.get("formUiSchemaFilename"),
        instructions=getattr(spec, "extensions", {}).get("instructionsForEndUser"),
        process_id=task.workflow.spec.name,
    )


def _waits(task: Task) -> Iterator[TimerWait | MessageWait]:
    spec = task.task_spec
    definition = spec.event_definition
    definitions = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
    for item in definitions:
        if isinstance(item, TimerEventDefinition):
            due = timers.pending_due(task)
            if due is not None:
                interrupting = bool(spec.cancel_activity) if isinstance(spec, BoundaryEvent) else False
                yield TimerWait(str(task.id), spec.bpmn_id, item.name or spec.bpmn_id, due, interrupting)
        elif isinstance(item, MessageEventDefinition):
            yield MessageWait(str(task.id), spec.bpmn_id, item.name, dict(task.workflow.correlations))


def process_data(workflow: BpmnWorkflow, status: str) -> dict[str, Any]:
    """The instance's data as the service shows it.

    Spiff keeps data per task and only fills workflow data at the end.  A running instance's data is
    what the last completed task produced plus what its open tasks (READY/WAITING/STARTED, top level)
    see — later ones win, so parallel branches writing different keys all show up.
    """
    data: dict[str, Any] = {}
    if workflow.last_task is not None:
        data.update(workflow.last_task.data)
    if status in ("running", "failed"):
        for task in workflow.tasks.values():
            if task.state & _ACTIVE:
                data.update(task.data)
    data.update(workflow.data)
    return data


def thrown_event(event: BpmnEvent) -> ThrownEvent:
    definition = event.event_definition
    if isinstance(definition, MessageEventDefinition):
        kind = "message"
    elif isinstance(definition, SignalEventDefinition):
        kind = "signal"
    elif isinstance(definition, ErrorEventDefinition):
        kind = "error"
    elif isinstance(definition, EscalationEventDefinition):
        kind = "escalation"
    else:
        kind = type(definition).__name__.removesuffix("EventDefinition").lower()
    payload = jsonsafe.normalize(event.payload, f"payload of {kind} {definition.name!r}")
    return ThrownEvent(definition.name, kind, payload, jsonsafe.normalize(dict(event.correlations)))


def build(
    compiled: CompiledBundle,
    workflow: BpmnWorkflow,
    failure: Failure | None = None,
    thrown: list[ThrownEvent] | None = None,
    completed: list[tuple[str, str, str]] | None = None,
) -> Snapshot:
    status = status_of(workflow, failure)
    ready: list[HumanTask] = []
    timer_waits: list[TimerWait] = []
    message_waits: list[MessageWait] = []
    if status == "running":
        for task in live_tasks(workflow):
            if task.state == TaskState.READY and task.task_spec.manual:
                ready.append(human_task(compiled, task))
        for task in workflow.event_manager.tasks.values():
            if task.state == TaskState.WAITING:
                for wait in _waits(task):
                    (timer_waits if isinstance(wait, TimerWait) else message_waits).append(wait)
    return Snapshot(
        status=status,
        data=process_data(workflow, status),
        ready_tasks=ready,
        timers=timer_waits,
        messages=message_waits,
        thrown=thrown or [],
        completed=completed or [],
        error=failure.error if failure else None,
        error_element=failure.element if failure else None,
    )
