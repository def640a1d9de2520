"""Instance state as bytes: the task tree and data, with the spec stored by reference.

Spiff's default serializer embeds the whole spec (a third of the JSON for a 5-department bundle) and
rebuilds the spec objects on every load.  The spec of a bundle version never changes, so the state
keeps only ``spec_ref`` (the compiled bundle's ``key``) and :func:`loads` takes the
:class:`~engine.runtime.parse.CompiledBundle` to rebuild against — no class-level registry, so two
versions or two tests can never see each other's specs.

The envelope also carries what Spiff has no notion of: that the instance *failed* (with the error and
the element), which :mod:`.step` records instead of raising.

The JSON is zlib-compressed (level 1) because it pays at the database.  Measured on the 5-department
bundle with ~2 KB of case data (受理 + 2 of 5 departments done): 18.4 KB of JSON become 2.9 KB (6x), so
a row fits one 4 KB SQLite page instead of five and PostgreSQL moves and logs a sixth of the bytes.  The
price is ~0.09 ms per request (cycle 0.77 -> 0.86 ms; compress 0.023 ms + decompress 0.013 ms in
isolation).  Level 6 or gzip save only ~10 % more bytes for almost three times the compression time.
:func:`loads` also accepts uncompressed JSON, and :func:`as_json` shows a stored state to a person.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.event_definition import MessageEventDefinitionConverter
from SpiffWorkflow.task import Task, TaskState
from SpiffWorkflow.util.deep_merge import DeepMerge

from . import jsonsafe, messages, timers
from .errors import StateMismatch

if TYPE_CHECKING:
    from .parse import CompiledBundle
    from .scripting import ScriptEngine

FORMAT = "yijian-runtime/1"
_ZLIB_LEVEL = 1
# Writing a state is twenty times faster than with the standard library, reading three times; these
# types go to Spiff's encoder.
_ORJSON_PASSTHROUGH = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
)


@dataclass(frozen=True)
class Failure:
    """Why an instance stopped; stored with the state so reading it back shows the same thing."""

    error: str
    element: str | None


class _SpecRefWorkflowConverter(BpmnWorkflowConverter):
    """Spiff's workflow converter minus the specs (they come from the compiled bundle on load)."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        texts = _Texts()
        return {
            "data": self.registry.convert(self.registry.clean(workflow.data)),
            "correlations": workflow.correlations,
            "last_task": texts[workflow.last_task.id] if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "tasks": {texts[k]: self._task_to_dict(task, workflow, texts) for k, task in workflow.tasks.items()},
            "root": texts[workflow.task_tree.id],
            "subprocesses": self.mapping_to_dict(workflow.subprocesses),
            "bpmn_events": self.registry.convert(workflow.bpmn_events),
        }

    def _task_to_dict(self, task: Task, workflow: BpmnWorkflow, texts: _Texts) -> dict[str, Any]:
        """Spiff's ``TaskConverter.to_dict`` (data as a delta on the parent's) with each id printed once."""
        parent = workflow.tasks.get(task._parent)
        if parent is None:
            data, delta = task.data, {}
        else:
            data = {}
            delta = {
                "updates": DeepMerge.get_updated_keys(parent.data, task.data),
                "deletions": DeepMerge.get_deleted_keys(parent.data, task.data),
            }
        return {
            "id": texts[task.id],
            "parent": texts[task._parent] if parent is not None else None,
            "children": [texts[child] for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(task.internal_data),
            "data": data,
            "delta": delta,
            "typename": "Task",
        }

    def from_dict(self, dct: dict[str, Any], compiled: CompiledBundle, engine: ScriptEngine) -> BpmnWorkflow:
        workflow = self.target_class(compiled.spec, compiled.subprocess_specs, script_engine=engine, deserializing=True)
        uuids = _Uuids()
        workflow.tasks = {}
        for task_dct in dct["tasks"].values():
            self._task_from_dict(task_dct, workflow, uuids)
        workflow.task_tree = workflow.tasks.get(uuids[dct["root"]])
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow

    def _task_from_dict(self, dct: dict[str, Any], workflow: BpmnWorkflow, uuids: _Uuids) -> Task:
        """Spiff's ``TaskConverter.from_dict`` with each id parsed once: a task's id comes back as its
        parent's and its children's references too, and parsing them was a third of the whole load."""
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = Task(workflow, task_spec, state=dct["state"], id=uuids[dct["id"]])
        parent = dct["parent"]
        task._parent = uuids[parent] if parent is not None else None
        task._children = [uuids[child] for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        task.internal_data = self.registry.restore(dct["internal_data"])
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            workflow.top_workflow.event_manager.add_task(task)
        delta = dct.get("delta")
        if delta and parent is not None:
            data = DeepMerge.merge({}, workflow.tasks[task._parent].data)
            data.update(self.registry.restore(delta.get("updates", {})))
            for key in delta.get("deletions", ()):
                data.pop(key, None)
        else:
            data = self.registry.restore(dct["data"])
        task.data = data
        return task


class _Uuids(dict[str, UUID]):
    """Text -> UUID, parsed on first sight."""

    def __missing__(self, text: str) -> UUID:
        value = self[text] = UUID(text)
        return value


class _Texts(dict[UUID, str]):
    """UUID -> text, printed on first sight."""

    def __missing__(self, uuid: UUID) -> str:
        value = self[uuid] = str(uuid)
        return value


def _serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _SpecRefWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    for cls, typename in timers.SERIALIZER_TYPENAMES.items():
        TimerConditionalEventDefinitionConverter(cls, registry, typename)
    for cls, typename in messages.SERIALIZER_TYPENAMES.items():
        MessageEventDefinitionConverter(cls, registry, typename)
    # Spiff toggles this flag around each serialize_json call, which is a race between threads sharing
    # a serializer.  We never call serialize_json: the flag stays on and the registry is read-only.
    registry._encoder_mode = True
    return BpmnWorkflowSerializer(registry)


_SERIALIZER = _serializer()
_SPIFF_DEFAULT = _SERIALIZER._encoder_cls().default  # how Spiff writes what JSON has no type for


def dumps(workflow: BpmnWorkflow, compiled: CompiledBundle, failure: Failure | None = None) -> bytes:
    """Serialize; raises TypeError/ValueError if something in the tree is not JSON (the caller turns
    that into a failed step)."""
    dct = _SERIALIZER.to_dict(workflow)
    dct[BpmnWorkflowSerializer.VERSION_KEY] = _SERIALIZER.VERSION
    dct["format"] = FORMAT
    dct["spec_ref"] = compiled.key
    if failure is not None:
        dct["failure"] = {"error": failure.error, "element": failure.element}
    return _encode(dct, _SPIFF_DEFAULT)


def loads(state: bytes, compiled: CompiledBundle, engine: ScriptEngine) -> tuple[BpmnWorkflow, Failure | None]:
    """Rebuild the workflow against ``compiled``, with ``engine`` attached (never Spiff's default)."""
    dct = _envelope(state, compiled)
    del dct["format"], dct["spec_ref"]
    failure = dct.pop("failure", None)
    _SERIALIZER.migrate(dct)
    try:
        workflow = _SERIALIZER.from_dict(dct, compiled=compiled, engine=engine)
    except Exception as exc:
        raise StateMismatch(
            f"state cannot be restored against bundle {compiled.key}: {type(exc).__name__}: {exc}"
        ) from exc
    workflow.script_engine = engine
    return workflow, (Failure(failure["error"], failure.get("element")) if failure else None)


def with_failure(state: bytes, compiled: CompiledBundle, failure: Failure) -> bytes:
    """The same state, marked as failed (used to keep the last good state of a failed step)."""
    dct = _envelope(state, compiled)
    dct["failure"] = {"error": failure.error, "element": failure.element}
    return _encode(dct)


def as_json(state: bytes) -> str:
    """A stored state as JSON text, for people (admin views, debugging)."""
    return json.dumps(_decode(state), ensure_ascii=False, indent=1)


def _encode(dct: dict[str, Any], default: Callable[[Any], Any] | None = None) -> bytes:
    """orjson, with everything it would write differently from Spiff's encoder handed to ``default``
    (datetimes, dataclasses, subclasses) or, where orjson gives up (integers beyond 64 bits, non-string
    keys, types nobody knows), to the standard library with the same ``default``, which decides.
    orjson would write NaN as null, but task data is plain JSON before it gets here (``jsonsafe``)."""
    try:
        text = orjson.dumps(dct, default=default, option=_ORJSON_PASSTHROUGH)
    except TypeError:
        text = json.dumps(dct, default=default, allow_nan=False, ensure_ascii=False, separators=(",", ":")).encode()
    return zlib.compress(text, _ZLIB_LEVEL)


def _decode(state: bytes) -> Any:
    try:
        raw = bytes(state) if bytes(state[:1]) == b"{" else zlib.decompress(state)
        return jsonsafe.loads(raw)
    except (TypeError, ValueError, zlib.error) as exc:
        raise StateMismatch(f"state is not readable: {exc}") from exc


def _envelope(state: bytes, compiled: CompiledBundle) -> dict[str, Any]:
    dct = _decode(state)
    if not isinstance(dct, dict) or dct.get("format") != FORMAT:
        raise StateMismatch("state was not written by this runtime")
    if dct.get("spec_ref") != compiled.key:
        raise StateMismatch(f"state belongs to bundle {dct.get('spec_ref')!r}, not {compiled.key!r}")
    return dct
