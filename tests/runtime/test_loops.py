"""Loops that SpiffWorkflow cannot follow end as failures, never as a silent 'completed'."""

from __future__ import annotations

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from engine.runtime import start
from engine.runtime import step as step_module

from .conftest import NOW, bpmn


def test_the_trap_raw_spiff_claims_completed_without_reaching_the_end():
    """The reproducer from the notes, on plain SpiffWorkflow: why the runtime has to check."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(bpmn("rework_loop.bpmn"), "rework_loop.bpmn")
    workflow = BpmnWorkflow(parser.get_spec("rework"))
    workflow.task_tree.set_data(rounds=0, limit=10_000)
    workflow.do_engine_steps()

    assert workflow.is_completed()
    assert not any(t.task_spec.name == "done" and t.state == TaskState.COMPLETED for t in workflow.tasks.values())
    assert any(t.state == TaskState.READY for t in workflow.tasks.values())


def test_a_short_rework_loop_completes(compiled):
    bundle = compiled("rework_loop.bpmn", process="rework")
    step = start(bundle, {"rounds": 0, "limit": 20}, now=NOW)
    assert step.snapshot.status == "completed"
    assert step.snapshot.data["rounds"] == 20


def test_a_loop_past_the_depth_limit_fails_with_the_gateway(compiled):
    bundle = compiled("rework_loop.bpmn", process="rework")
    step = start(bundle, {"rounds": 0, "limit": 10_000}, now=NOW)

    assert step.snapshot.status == "failed"
    assert step.snapshot.error_element == "Gateway_again"
    assert step.snapshot.error.startswith("loop too deep at Gateway_again")
    assert step.snapshot.thrown == [] and step.snapshot.completed == []


def test_an_endless_loop_of_engine_tasks_is_cut_off(compiled, monkeypatch):
    monkeypatch.setattr(step_module, "MAX_TASKS_PER_STEP", 200)
    bundle = compiled("endless.bpmn", process="endless")
    step = start(bundle, {}, now=NOW)
    assert step.snapshot.status == "failed"
    assert step.snapshot.error_element == "spin"
    assert "more than 200 tasks ran in one step" in step.snapshot.error
