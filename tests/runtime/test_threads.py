"""uvicorn runs sync endpoints in a thread pool: instances of one cached bundle step side by side."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from engine.runtime import complete_task, fire_timers, start

from .conftest import NOW


def test_many_instances_of_one_bundle_run_in_parallel_threads(compiled):
    restaurant = compiled("yijianshi.bpmn", process="open_restaurant")
    commitment = compiled("timers.bpmn", process="commitment")

    def approve_all(number: int) -> tuple[str, dict]:
        step = start(restaurant, {"case": number}, now=NOW)
        step = complete_task(restaurant, step.state, step.snapshot.ready_tasks[0].id, {}, now=NOW)
        for task in list(step.snapshot.ready_tasks):
            step = complete_task(restaurant, step.state, task.id, {"opinions": {task.lane: f"同意{number}"}}, now=NOW)
        return step.snapshot.status, step.snapshot.data

    def let_it_lapse(number: int) -> tuple[str, object]:
        later = NOW + timedelta(days=number)  # every thread has its own "now"
        step = start(commitment, {"commit_period": "P1D"}, now=later)
        due = {t.bpmn_id: t.due_at for t in step.snapshot.timers}["deadline"]
        assert due == later + timedelta(days=1)
        step = fire_timers(commitment, step.state, now=due)
        return step.snapshot.status, step.snapshot.data.get("revoked")

    with ThreadPoolExecutor(max_workers=8) as pool:
        approvals = list(pool.map(approve_all, range(24)))
        lapses = list(pool.map(let_it_lapse, range(24)))

    for number, (status, data) in enumerate(approvals):
        assert status == "completed"
        assert data["case"] == number
        assert set(data["opinions"].values()) == {f"同意{number}"}
    assert lapses == [("completed", True)] * 24
