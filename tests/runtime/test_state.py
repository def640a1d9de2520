"""Stored state: spec by reference, our engine after every load, events drained, data kept JSON."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.runtime import (
    InvalidData,
    StateMismatch,
    TaskNotFound,
    TaskNotReady,
    cancel,
    complete_task,
    jsonsafe,
    send_message,
    snapshot,
    start,
    task_data,
)
from engine.runtime import state as state_module
from engine.runtime.scripting import RestrictedEnvironment, ScriptEngine

from .conftest import NOW, bpmn, compile_files

FEE_HELPERS = {"base_fee": lambda area: 10 * area}
CASE_FOR_MESSAGES = {"case_no": "A-1", "handling_region": "330100"}


def scripted_with(script: str):
    """The scripted bundle with another calc_fee script (and a key of its own)."""
    content = bpmn("scripted.bpmn").replace(b"fee = base_fee(area) + sum(extras)", script.encode())
    return compile_files("scripted", {"scripted.bpmn": content})


def through_calc_fee(bundle, functions, data=None):
    step = start(bundle, data or {"area": 1, "extras": [], "applicant": "x"}, now=NOW, functions=functions)
    return complete_task(bundle, step.state, step.snapshot.ready_tasks[0].id, {}, now=NOW, functions=functions)


def test_the_state_refers_to_the_spec_instead_of_embedding_it(compiled):
    bundle = compiled("yijianshi.bpmn", process="open_restaurant")
    text = state_module.as_json(start(bundle, {}, now=NOW).state)
    stored = json.loads(text)

    assert stored["spec_ref"] == bundle.key
    assert "spec" not in stored and "subprocess_specs" not in stored
    assert "accept.schema.json" not in text  # spec details (forms, conditions) stay in the bundle
    assert "opinions.get(d)" not in text


def test_the_state_is_compressed_and_plain_json_is_read_too(compiled):
    bundle = compiled("yijianshi.bpmn", process="open_restaurant")
    step = start(bundle, {"applicant": {"name": "张三"}}, now=NOW)
    text = state_module.as_json(step.state)
    assert len(step.state) < len(text.encode()) / 3
    assert snapshot(bundle, text.encode()).ready_tasks == step.snapshot.ready_tasks


def test_a_state_only_loads_against_its_own_bundle(compiled):
    bundle = compiled("yijianshi.bpmn", process="open_restaurant")
    other = compiled("scripted.bpmn", process="scripted")
    step = start(bundle, {}, now=NOW)

    with pytest.raises(StateMismatch):
        snapshot(other, step.state)
    with pytest.raises(StateMismatch):
        snapshot(bundle, b"not json")


def test_every_loaded_workflow_runs_our_engine(compiled):
    bundle = compiled("scripted.bpmn", process="scripted")
    step = start(bundle, {"area": 30, "extras": [5], "applicant": "张三"}, now=NOW, functions=FEE_HELPERS)

    engine = ScriptEngine(FEE_HELPERS, bundle.code)
    workflow, failure = state_module.loads(step.state, bundle, engine)
    assert failure is None
    assert workflow.script_engine is engine
    assert isinstance(workflow.script_engine.environment, RestrictedEnvironment)

    # And through the public API: the script after the reload can only work with our engine, which
    # carries the per-call helper base_fee; Spiff's default engine would raise NameError.
    step = complete_task(bundle, step.state, step.snapshot.ready_tasks[0].id, {}, now=NOW, functions=FEE_HELPERS)
    assert step.snapshot.status == "running"
    assert step.snapshot.data["fee"] == 305


def test_a_subprocess_loaded_from_state_uses_the_same_engine(compiled):
    bundle = compiled("with_verification.bpmn", "local_verify.bpmn", process="with_verification")
    step = start(bundle, {}, now=NOW)
    step = complete_task(bundle, step.state, step.snapshot.ready_tasks[0].id, {}, now=NOW)
    engine = ScriptEngine({}, bundle.code)
    workflow, _ = state_module.loads(step.state, bundle, engine)
    [subprocess] = workflow.subprocesses.values()
    assert subprocess.script_engine is engine


_TASK_FIELDS = ("id", "_parent", "_children", "state", "triggered", "last_state_change", "data", "internal_data")


def _tree(workflow) -> list[tuple]:
    return [(t.task_spec.name, *(getattr(t, f) for f in _TASK_FIELDS)) for t in workflow.tasks.values()]


@pytest.mark.parametrize(
    ("names", "process", "data", "steps"),
    [
        (("yijianshi.bpmn",), "open_restaurant", {"applicant": {"name": "张三"}, "materials": ["营业执照"]}, 2),
        (("timers.bpmn",), "commitment", {"commit_period": "P30D"}, 0),  # timers wait: events to listen for
    ],
)
def test_our_state_reader_builds_the_tree_spiffs_own_reader_builds(compiled, names, process, data, steps):
    """The reader that parses each task id once must rebuild what Spiff's TaskConverter rebuilds:
    ids and links, states, data (a delta on the parent's) and the catching events that wait."""
    bundle = compiled(*names, process=process)
    step = start(bundle, data, now=NOW)
    for _ in range(steps):
        step = complete_task(bundle, step.state, step.snapshot.ready_tasks[0].id, {"note": "好"}, now=NOW)
    engine = ScriptEngine({}, bundle.code)
    ours, _ = state_module.loads(step.state, bundle, engine)

    dct = json.loads(state_module.as_json(step.state))
    spiffs = BpmnWorkflow(bundle.spec, bundle.subprocess_specs, script_engine=engine, deserializing=True)
    registry = state_module._SERIALIZER.registry
    spiffs.tasks = {UUID(k): registry.restore(v, workflow=spiffs) for k, v in dct["tasks"].items()}

    assert _tree(ours) == _tree(spiffs)
    assert len(_tree(ours)) > 5
    waiting = {t.id for t in spiffs.event_manager.tasks.values()}
    assert {t.id for t in ours.event_manager.tasks.values()} == waiting
    assert waiting or steps
    assert ours.task_tree.id == UUID(dct["root"])


def test_a_thrown_message_is_reported_once_and_not_stored(compiled):
    bundle = compiled("cross_region.bpmn", process="cross_region")
    step = start(bundle, CASE_FOR_MESSAGES, now=NOW)

    [thrown] = step.snapshot.thrown
    assert (thrown.name, thrown.kind) == ("异地协查请求", "message")
    assert thrown.payload == {"case_no": "A-1", "region": "330100"}
    assert thrown.correlations == {"case_key": {"case_no": "A-1"}}
    assert json.loads(state_module.as_json(step.state))["bpmn_events"] == []

    answered = send_message(bundle, step.state, "异地协查结果", {"case_no": "A-1", "verified": True}, now=NOW)
    assert answered.snapshot.completed  # the next step did run...
    assert answered.snapshot.thrown == []  # ...and did not emit the request again
    assert snapshot(bundle, step.state).thrown == []


def test_values_scripts_produce_are_converted_to_json(compiled):
    bundle = scripted_with(
        "fee = price()\n        due = deadline()\n        day = today()\n        tags = {'消防', '卫生'}\n"
        "        pair = (1, 2)\n        count = whole()"
    )
    helpers = {
        "price": lambda: Decimal("12.50"),
        "whole": lambda: Decimal("3"),
        "deadline": lambda: datetime(2030, 2, 1, 17, 0),
        "today": lambda: date(2030, 1, 2),
    }
    step = through_calc_fee(bundle, helpers)

    assert step.snapshot.status == "running"
    data = step.snapshot.data
    assert (data["fee"], data["count"]) == (12.5, 3)
    assert data["due"] == "2030-02-01T17:00:00"
    assert data["day"] == "2030-01-02"
    assert data["tags"] == ["卫生", "消防"]
    assert data["pair"] == [1, 2]
    assert snapshot(bundle, step.state).data["due"] == "2030-02-01T17:00:00"  # stored as converted


def test_whole_numbers_beyond_64_bits_come_back_exact(compiled):
    """The fast JSON library cannot write them and would read them as floats: the standard one does both."""
    bundle = scripted_with("fee = 1\n        big = huge()\n        near = 9223372036854775807")
    step = through_calc_fee(bundle, {"huge": lambda: 2**70 + 1})

    again = snapshot(bundle, step.state).data
    assert (again["big"], again["near"]) == (2**70 + 1, 2**63 - 1)
    assert isinstance(again["big"], int)


@pytest.mark.parametrize(
    "text",
    ['{"n": 123456789012345678901234567890, "s": "张三"}', '[-9223372036854775809, 1.5e300, "x"]', "[NaN, 1]", "{}"],
)
def test_json_is_read_exactly_as_the_standard_library_reads_it(text):
    for given in (text, text.encode()):
        assert repr(jsonsafe.loads(given)) == repr(json.loads(text))
    with pytest.raises(ValueError, match="Expecting value"):
        jsonsafe.loads(b"[1,")


def test_a_value_that_cannot_be_stored_fails_the_step_before_serializing(compiled):
    bundle = scripted_with("fee = 1\n        blob = raw()")
    step = through_calc_fee(bundle, {"raw": lambda: b"\x00\x01"})

    assert step.snapshot.status == "failed"
    assert step.snapshot.error_element == "calc_fee"
    assert "task data['blob'] is a bytes" in step.snapshot.error
    # the stored state is the last good one, marked failed, and readable
    again = snapshot(bundle, step.state)
    assert (again.status, again.error_element) == ("failed", "calc_fee")
    assert "blob" not in again.data


def test_caller_data_must_already_be_json(compiled):
    bundle = compiled("scripted.bpmn", process="scripted")
    with pytest.raises(InvalidData, match=r"data\['when'\] is a datetime"):
        start(bundle, {"when": datetime(2030, 1, 1)}, now=NOW)
    with pytest.raises(InvalidData, match="nan"):
        start(bundle, {"fee": float("nan")}, now=NOW)
    step = start(bundle, {}, now=NOW)
    with pytest.raises(InvalidData, match="non-string key"):
        complete_task(bundle, step.state, step.snapshot.ready_tasks[0].id, {1: "x"}, now=NOW)


def test_a_failed_instance_accepts_no_work_but_can_be_cancelled(compiled):
    bundle = compiled("scripted.bpmn", process="scripted")
    step = start(bundle, {"area": 1, "extras": "oops", "applicant": "x"}, now=NOW, functions=FEE_HELPERS)
    apply_id = step.snapshot.ready_tasks[0].id
    failed = complete_task(bundle, step.state, apply_id, {}, now=NOW, functions=FEE_HELPERS)
    assert failed.snapshot.status == "failed"
    assert failed.snapshot.ready_tasks == []

    with pytest.raises(TaskNotReady, match="has failed"):
        complete_task(bundle, failed.state, apply_id, {}, now=NOW, functions=FEE_HELPERS)

    cancelled = cancel(bundle, failed.state, now=NOW)
    assert (cancelled.snapshot.status, cancelled.snapshot.error) == ("cancelled", None)


def test_unknown_and_unready_tasks_are_refused(compiled):
    bundle = compiled("yijianshi.bpmn", process="open_restaurant")
    step = start(bundle, {"applicant": {"name": "张三"}}, now=NOW)
    accept = step.snapshot.ready_tasks[0]

    with pytest.raises(TaskNotFound):
        complete_task(bundle, step.state, "00000000-0000-0000-0000-000000000000", {}, now=NOW)
    with pytest.raises(TaskNotFound):
        complete_task(bundle, step.state, "not-a-uuid", {}, now=NOW)
    done = complete_task(bundle, step.state, accept.id, {"accepted": True}, now=NOW)
    with pytest.raises(TaskNotReady, match="COMPLETED"):
        complete_task(bundle, done.state, accept.id, {}, now=NOW)
    assert task_data(bundle, done.state, done.snapshot.ready_tasks[0].id) == {
        "applicant": {"name": "张三"},
        "accepted": True,
    }


def test_the_caller_keeps_its_own_objects(compiled):
    bundle = scripted_with("fee = 1\n        extras.append(99)")
    data = {"area": 1, "extras": [1], "applicant": "x"}
    through_calc_fee(bundle, {}, data)
    assert data["extras"] == [1]


def test_payloads_and_decisions_are_converted_where_they_are_produced(compiled):
    asked = compiled(
        "cross_region.bpmn",
        process="cross_region",
        replace={"cross_region.bpmn": (b'"region": handling_region}', b'"asked_at": asked_at()}')},
    )
    step = start(asked, CASE_FOR_MESSAGES, now=NOW, functions={"asked_at": lambda: datetime(2030, 1, 1, 9, 30)})
    assert step.snapshot.thrown[0].payload == {"case_no": "A-1", "asked_at": "2030-01-01T09:30:00"}

    fee = compiled("fee.bpmn", "fee.dmn", process="instant")
    step = start(fee, {"area": 100}, now=NOW, functions={"surcharge": lambda area: Decimal("199.50")})
    assert step.snapshot.data["fee"] == 199.5
    assert type(snapshot(fee, step.state).data["fee"]) is float
