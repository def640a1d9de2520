"""The sandbox: business scripts run; escapes, imports, endless loops and giant numbers do not."""

from __future__ import annotations

import sys
import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from engine.runtime import SpecInvalid, complete_task, start
from engine.runtime.scripting import (
    ForbiddenScript,
    RestrictedEnvironment,
    ScriptTimeout,
    compile_source,
    deadline,
)

from .conftest import NOW

FEE_HELPERS = {"base_fee": lambda area: 10 * area}


def run(script: str, data: dict[str, Any] | None = None, **functions: Any) -> dict[str, Any]:
    context = dict(data or {})
    RestrictedEnvironment(functions, {}).execute(script, context)
    return context


def test_a_business_script_runs_with_the_usual_builtins_and_helpers():
    data = run(
        """
        total = sum(items)
        ordered = sorted(items, reverse=True)
        label = f"{applicant}: {total}"
        opinions = {}
        opinions["market"] = double(total)
        total += 1
        for index, value in enumerate(ordered):
            opinions[str(index)] = value
        print("debug output is swallowed")
        """,
        {"items": [3, 1, 2], "applicant": "张三"},
        double=lambda x: 2 * x,
    )
    assert data == {
        "items": [3, 1, 2],
        "applicant": "张三",
        "total": 7,
        "ordered": [3, 2, 1],
        "label": "张三: 6",
        "opinions": {"market": 12, "0": 3, "1": 2, "2": 1},
        "index": 2,
        "value": 1,
    }


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('id')",
        "import os",
        "from os import path",
        "().__class__.__base__.__subclasses__()",
        "x = [].__class__",
        "try:\n    x = 1\nexcept Exception:\n    pass",
        "_secret = 1",
    ],
)
def test_dangerous_code_is_refused_at_compile_time(source):
    with pytest.raises(ForbiddenScript):
        compile_source(source, "exec")


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("open('/etc/hostname').read()", NameError),
        ("getattr(1, 'real')", NameError),
        ("type(1)", NameError),
        ("'{0.__class__}'.format(1)", NotImplementedError),
        ("10 ** 10 ** 10", ValueError),
        ("pow(10, 10 ** 8)", ValueError),
        ("'x' * 10 ** 9", ValueError),
        ("[0] * 10 ** 9", ValueError),
        ("1 << 10 ** 9", ValueError),
        ("list(range(10 ** 6))", ValueError),
    ],
)
def test_dangerous_calls_fail_when_run(source, error):
    with pytest.raises(error):
        RestrictedEnvironment({}, {}).evaluate(source, {})


def test_an_endless_loop_is_stopped_in_a_worker_thread_and_the_previous_tracer_comes_back():
    outcome: dict[str, Any] = {}

    def previous_tracer(frame, event, arg):
        return None

    def worker() -> None:
        sys.settrace(previous_tracer)
        started = time.perf_counter()
        try:
            RestrictedEnvironment({}, {}, time_limit_s=0.2).execute("while True:\n    pass", {})
        except ScriptTimeout as exc:
            outcome["error"] = exc
        outcome["elapsed"] = time.perf_counter() - started
        outcome["tracer"] = sys.gettrace()
        sys.settrace(None)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert isinstance(outcome["error"], ScriptTimeout)
    assert outcome["elapsed"] < 1.0
    assert outcome["tracer"] is previous_tracer


def test_a_slow_comprehension_in_an_expression_times_out_too():
    with pytest.raises(ScriptTimeout):
        RestrictedEnvironment({}, {}, time_limit_s=0.2).evaluate(
            "[x for x in range(999) for y in range(999) for z in range(999)]", {}
        )


def test_the_deadline_does_not_trace_trusted_code():
    calls: list[str] = []

    def helper() -> int:
        calls.append("helper ran untimed")
        return 1

    with deadline(0.5):
        assert helper() == 1
    assert calls == ["helper ran untimed"]


def test_compile_bundle_refuses_a_script_that_imports(compiled):
    evil = ("fee = base_fee(area) + sum(extras)", "fee = __import__('os').system('id')")
    with pytest.raises(SpecInvalid) as caught:
        compiled("scripted.bpmn", process="scripted", replace={"scripted.bpmn": tuple(s.encode() for s in evil)})
    [problem] = caught.value.problems
    assert problem.element == "calc_fee"
    assert "__import__" in problem.message


def test_the_runtime_refuses_it_too_when_the_deploy_check_is_bypassed(compiled):
    bundle = compiled("scripted.bpmn", process="scripted")
    # Someone edits the shared spec behind the deploy check's back: the engine still compiles under
    # the sandbox and the instance fails instead of running the command.
    script_task = bundle.spec.task_specs["calc_fee"]
    original = script_task.script
    script_task.script = "who = __import__('os').system('id')"
    try:
        step = start(bundle, {"area": 30, "extras": [5], "applicant": "张三"}, now=NOW, functions=FEE_HELPERS)
        apply = step.snapshot.ready_tasks[0]
        step = complete_task(bundle, step.state, apply.id, {}, now=NOW, functions=FEE_HELPERS)
    finally:
        script_task.script = original

    assert step.snapshot.status == "failed"
    assert step.snapshot.error_element == "calc_fee"
    assert "__import__" in step.snapshot.error
    assert "who" not in step.snapshot.data


def test_a_failing_script_fails_only_its_own_instance(compiled):
    bundle = compiled("scripted.bpmn", process="scripted")
    good = start(bundle, {"area": 30, "extras": [5], "applicant": "张三"}, now=NOW, functions=FEE_HELPERS)
    bad = start(bundle, {"area": 30, "extras": "oops", "applicant": "李四"}, now=NOW, functions=FEE_HELPERS)

    bad = complete_task(bundle, bad.state, bad.snapshot.ready_tasks[0].id, {}, now=NOW, functions=FEE_HELPERS)
    good = complete_task(bundle, good.state, good.snapshot.ready_tasks[0].id, {}, now=NOW, functions=FEE_HELPERS)

    assert bad.snapshot.status == "failed"
    assert bad.snapshot.error_element == "calc_fee"
    assert "TypeError" in bad.snapshot.error
    assert good.snapshot.status == "running"
    assert good.snapshot.data["fee"] == 305
    assert good.snapshot.data["note"] == "张三 应缴 305 元"
    assert [t.bpmn_id for t in good.snapshot.ready_tasks] == ["review"]


def test_a_script_timeout_fails_the_instance_with_the_element(compiled):
    bundle = compiled(
        "scripted.bpmn",
        process="scripted",
        replace={"scripted.bpmn": (b"fee = base_fee(area) + sum(extras)", b"while True:\n          pass")},
    )
    step = start(bundle, {"area": 1, "extras": [], "applicant": "x"}, now=NOW, time_limit_s=0.2)
    step = complete_task(bundle, step.state, step.snapshot.ready_tasks[0].id, {}, now=NOW, time_limit_s=0.2)
    assert step.snapshot.status == "failed"
    assert step.snapshot.error_element == "calc_fee"
    assert "ScriptTimeout" in step.snapshot.error
    assert "longer than 0.2 s" in step.snapshot.error


def test_the_engine_never_compiles_at_run_time(compiled, monkeypatch):
    """Every source a run evaluates was compiled by compile_bundle (conditions, scripts, timers,
    payloads, correlations, DMN cells), so a step does no parsing or compiling of its own."""
    from engine.runtime import fire_timers, send_message
    from engine.runtime import scripting as scripting_module

    bundles = {
        "scripted": compiled("scripted.bpmn", process="scripted"),
        "fee": compiled("fee.bpmn", "fee.dmn", process="instant"),
        "timers": compiled("timers.bpmn", process="commitment"),
        "cross": compiled("cross_region.bpmn", process="cross_region"),
    }

    def no_compiling(text: str, mode: str):
        raise AssertionError(f"compiled at run time: {text!r}")

    monkeypatch.setattr(scripting_module, "compile_source", no_compiling)

    step = start(bundles["scripted"], {"area": 300, "extras": [1], "applicant": "x"}, now=NOW, functions=FEE_HELPERS)
    for _ in range(2):
        step = complete_task(
            bundles["scripted"], step.state, step.snapshot.ready_tasks[0].id, {}, now=NOW, functions=FEE_HELPERS
        )
    assert step.snapshot.status == "completed"
    for area in (10, 100, 1000):
        step = start(bundles["fee"], {"area": area}, now=NOW, functions={"surcharge": lambda a: a})
        assert step.snapshot.error is None
    step = start(bundles["timers"], {"commit_period": "P30D"}, now=NOW)
    assert fire_timers(bundles["timers"], step.state, now=NOW + timedelta(days=31)).snapshot.status == "completed"
    step = start(bundles["cross"], {"case_no": "A-1", "handling_region": "330100"}, now=NOW)
    step = send_message(bundles["cross"], step.state, "异地协查结果", {"case_no": "A-1"}, now=NOW)
    assert step.snapshot.error is None
