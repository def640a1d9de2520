"""秒批 with a DMN table: the decision runs in the sandbox like every other expression."""

from __future__ import annotations

import pytest

from engine.runtime import SpecInvalid, start

from .conftest import NOW

HELPERS = {"surcharge": lambda area: 2 * area}


@pytest.mark.parametrize(
    ("area", "fee", "status", "ready"),
    [(10, 0, "completed", []), (100, 200, "completed", []), (1000, 10000, "running", ["check"])],
)
def test_the_fee_table_decides(compiled, area, fee, status, ready):
    bundle = compiled("fee.bpmn", "fee.dmn", process="instant")
    step = start(bundle, {"area": area}, now=NOW, functions=HELPERS)
    assert step.snapshot.status == status
    assert step.snapshot.data["fee"] == fee  # 100 m² uses surcharge(): only our engine offers it
    assert [t.bpmn_id for t in step.snapshot.ready_tasks] == ready
    assert step.snapshot.completed[1][1:] == ("decide_fee", "businessRuleTask")


def test_a_forbidden_dmn_cell_is_refused_at_deploy(compiled):
    with pytest.raises(SpecInvalid) as caught:
        compiled(
            "fee.bpmn",
            "fee.dmn",
            process="instant",
            replace={"fee.dmn": (b"<text>area * 10</text>", b"<text>area.__class__</text>")},
        )
    [problem] = caught.value.problems
    assert (problem.file, problem.element) == ("fee.dmn", "fee_table")
    assert problem.message.startswith("DMN rule 3 output 1:")


def test_a_dmn_cell_smuggled_past_the_deploy_check_still_runs_sandboxed(compiled):
    bundle = compiled("fee.bpmn", "fee.dmn", process="instant")
    rule = bundle.spec.task_specs["decide_fee"].dmnEngine.decision_table.rules[2]
    original = rule.outputEntries[0].text
    rule.outputEntries[0].text = "__import__('os').getcwd()"
    try:
        step = start(bundle, {"area": 1000}, now=NOW, functions=HELPERS)
    finally:
        rule.outputEntries[0].text = original
    assert step.snapshot.status == "failed"
    assert step.snapshot.error_element == "decide_fee"
    assert "__import__" in step.snapshot.error


@pytest.mark.parametrize(
    "namespace",
    [b"http://www.omg.org/spec/DMN/20151101/dmn.xsd", b"http://www.omg.org/spec/DMN/20180521/MODEL/"],
)
def test_older_dmn_versions_are_accepted(compiled, namespace):
    bundle = compiled(
        "fee.bpmn",
        "fee.dmn",
        process="instant",
        replace={"fee.dmn": (b"https://www.omg.org/spec/DMN/20191111/MODEL/", namespace)},
    )
    assert start(bundle, {"area": 100}, now=NOW, functions=HELPERS).snapshot.data["fee"] == 200
