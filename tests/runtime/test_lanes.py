"""Lanes decide whose inbox a task lands in: lane ids and names, through call activities and subprocesses."""

from __future__ import annotations

from engine.runtime import cancel, complete_task, snapshot, start

from .conftest import NOW

DEPARTMENTS = ["market", "health", "fire", "environment", "tax"]


def test_five_departments_approve_in_parallel(compiled):
    """开办餐饮店: the window accepts, five departments review in parallel, all agree, licence granted."""
    bundle = compiled("yijianshi.bpmn", process="open_restaurant")
    step = start(bundle, {"applicant": {"name": "张三"}}, now=NOW)

    [accept] = step.snapshot.ready_tasks
    assert (accept.bpmn_id, accept.lane, accept.lane_name) == ("accept", "window", "窗口")
    assert accept.form == "accept.schema.json"
    assert accept.instructions == "请核对申请人身份证和营业场所证明"

    step = complete_task(bundle, step.state, accept.id, {"accepted": True}, now=NOW)
    assert sorted((t.lane, t.lane_name) for t in step.snapshot.ready_tasks) == sorted(
        [("market", "市场监管"), ("health", "卫生健康"), ("fire", "消防"), ("environment", "生态环境"), ("tax", "税务")]
    )

    for task in list(step.snapshot.ready_tasks):
        step = complete_task(bundle, step.state, task.id, {"opinions": {task.lane: "同意"}}, now=NOW)

    assert step.snapshot.status == "completed"
    assert step.snapshot.data["opinions"] == {d: "同意" for d in DEPARTMENTS}
    assert [c[1:] for c in step.snapshot.completed][-2:] == [("decide", "exclusiveGateway"), ("approved", "endEvent")]


def test_one_refusal_is_not_lost_at_the_join(compiled):
    bundle = compiled("yijianshi.bpmn", process="open_restaurant")
    step = start(bundle, {}, now=NOW)
    step = complete_task(bundle, step.state, step.snapshot.ready_tasks[0].id, {}, now=NOW)
    for task in list(step.snapshot.ready_tasks):
        opinion = "不同意" if task.lane == "fire" else "同意"
        step = complete_task(bundle, step.state, task.id, {"opinions": {task.lane: opinion}}, now=NOW)
    assert step.snapshot.completed[-1][1] == "rejected"


def test_tasks_in_called_processes_keep_their_own_lane(compiled):
    bundle = compiled("with_verification.bpmn", "local_verify.bpmn", process="with_verification")
    step = start(bundle, {}, now=NOW)
    seen = []
    while step.snapshot.ready_tasks:
        [task] = step.snapshot.ready_tasks
        seen.append((task.bpmn_id, task.lane, task.lane_name, task.process_id))
        step = complete_task(bundle, step.state, task.id, {}, now=NOW)

    assert seen == [
        ("accept", "window", "窗口", "with_verification"),
        ("site_check", "street", "街道", "local_verify"),  # not the call activity's window lane
        ("recheck_task", "market", "市场监管", "with_verification"),  # inside the subprocess drawn in market
    ]
    assert step.snapshot.status == "completed"
    assert bundle.user_tasks["site_check"].form == "site_check.schema.json"
    assert bundle.lanes == {"window": "窗口", "market": "市场监管", "street": "街道"}


def test_a_task_outside_any_lane_belongs_to_nobody(compiled):
    bundle = compiled("scripted.bpmn", process="scripted")
    [apply] = start(bundle, {}, now=NOW).snapshot.ready_tasks
    assert (apply.lane, apply.lane_name) == (None, None)


def test_cancel_withdraws_every_open_task(compiled):
    bundle = compiled("yijianshi.bpmn", process="open_restaurant")
    step = start(bundle, {}, now=NOW)
    step = complete_task(bundle, step.state, step.snapshot.ready_tasks[0].id, {}, now=NOW)
    cancelled = cancel(bundle, step.state, now=NOW)
    assert cancelled.snapshot.status == "cancelled"
    assert cancelled.snapshot.ready_tasks == []
    assert snapshot(bundle, cancelled.state).status == "cancelled"
    assert cancel(bundle, cancelled.state, now=NOW).state == cancelled.state
