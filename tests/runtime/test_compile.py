"""Deploying a bundle: what compile_bundle learns from good files, and everything it refuses."""

from __future__ import annotations

import pytest

from engine.runtime import Problem, SpecInvalid, compile_bundle
from engine.runtime import parse as parse_module

from .conftest import bpmn, compile_files


def problems_of(files: dict[str, bytes], process: str) -> list[Problem]:
    with pytest.raises(SpecInvalid) as caught:
        compile_files(process, files)
    return caught.value.problems


def test_a_good_bundle_yields_its_human_tasks_lanes_and_elements(compiled):
    bundle = compiled("yijianshi.bpmn", process="open_restaurant")

    accept = bundle.user_tasks["accept"]
    assert (accept.name, accept.lane, accept.lane_name) == ("受理", "window", "窗口")
    assert (accept.form, accept.ui_form) == ("accept.schema.json", "accept.uischema.json")
    assert accept.instructions == "请核对申请人身份证和营业场所证明"
    assert accept.documentation == "核对申请材料"
    assert accept.process_id == "open_restaurant"
    assert set(bundle.user_tasks) == {
        "accept",
        "review_market",
        "review_health",
        "review_fire",
        "review_environment",
        "review_tax",
    }
    assert bundle.lanes == {
        "window": "窗口",
        "market": "市场监管",
        "health": "卫生健康",
        "fire": "消防",
        "environment": "生态环境",
        "tax": "税务",
    }
    assert bundle.elements["fork"] == "parallelGateway"
    assert bundle.elements["to_approved"] == "sequenceFlow"
    assert bundle.message_starts == frozenset()
    assert bundle.spec.name == "open_restaurant"


def test_every_problem_of_a_broken_bundle_is_reported_at_once():
    torn = (
        b'<?xml version="1.0"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">\n'
        b'<bpmn:process id="x">\n</bpmn:definitions>'
    )
    problems = problems_of({"broken.bpmn": bpmn("broken.bpmn"), "torn.bpmn": torn}, "broken")
    by_element = {(p.file, p.element): p for p in problems}

    assert by_element[("torn.bpmn", None)].message.startswith("malformed XML")
    assert by_element[("torn.bpmn", None)].line == 4
    assert by_element[("broken.bpmn", "Flow_3")].message == (
        "exclusive gateway Gateway_1 has an unconditioned non-default flow Flow_3"
    )
    assert "invalid syntax" in by_element[("broken.bpmn", "Flow_1")].message
    assert "__import__" in by_element[("broken.bpmn", "evil")].message
    assert by_element[("broken.bpmn", "approve")].message.startswith("pre-script")
    assert by_element[("broken.bpmn", "too_late")].message.endswith("'P3X' is not an ISO 8601 duration")
    assert "'nowhere', which is not in the bundle" in by_element[("broken.bpmn", "call_missing")].message
    assert "service tasks are not supported" in by_element[("broken.bpmn", "notify")].message
    assert all(p.line for p in problems if p.file == "broken.bpmn")


def test_doctype_and_entities_are_refused_without_expanding_them():
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
        b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
        b'targetNamespace="x">&lol2;</bpmn:definitions>'
    )
    external = (
        b'<?xml version="1.0"?>\n<!DOCTYPE d SYSTEM "http://example.invalid/evil.dtd">\n'
        b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
        b'targetNamespace="x"/>'
    )
    problems = problems_of(
        {"bomb.bpmn": bomb, "external.bpmn": external, "ok.bpmn": bpmn("yijianshi.bpmn")}, "open_restaurant"
    )
    assert [(p.file, p.message) for p in problems] == [
        ("bomb.bpmn", "DOCTYPE/ENTITY declarations are not allowed in BPMN or DMN files"),
        ("external.bpmn", "DOCTYPE/ENTITY declarations are not allowed in BPMN or DMN files"),
    ]


def test_a_missing_main_process_names_the_ones_that_exist():
    problems = problems_of({"yijianshi.bpmn": bpmn("yijianshi.bpmn")}, "open_cafe")
    assert problems == [Problem("", None, "main process 'open_cafe' not found; the bundle defines: open_restaurant")]


def test_a_non_executable_main_process_is_refused():
    files = {"y.bpmn": bpmn("yijianshi.bpmn").replace(b'isExecutable="true"', b'isExecutable="false"')}
    [problem] = problems_of(files, "open_restaurant")
    assert (problem.element, problem.message) == ("open_restaurant", "main process open_restaurant is not executable")


def test_a_called_process_must_be_in_the_bundle():
    problems = problems_of({"main.bpmn": bpmn("with_verification.bpmn")}, "with_verification")
    assert [(p.element, p.message) for p in problems] == [
        ("verify", "call activity verify calls process 'local_verify', which is not in the bundle")
    ]


def test_a_process_calling_itself_is_refused_instead_of_hanging():
    [problem] = problems_of({"recursive.bpmn": bpmn("recursive.bpmn")}, "again")
    assert problem.element == "call_again"
    assert "recursively (again -> again)" in problem.message


def test_mutual_recursion_across_files_is_refused():
    back = bpmn("local_verify.bpmn").replace(
        b'<bpmn:sequenceFlow id="v1" sourceRef="verify_start" targetRef="site_check"/>',
        b'<bpmn:callActivity id="call_back" calledElement="with_verification"/>'
        b'<bpmn:sequenceFlow id="v0" sourceRef="verify_start" targetRef="call_back"/>'
        b'<bpmn:sequenceFlow id="v1" sourceRef="call_back" targetRef="site_check"/>',
    )
    problems = problems_of({"main.bpmn": bpmn("with_verification.bpmn"), "verify.bpmn": back}, "with_verification")
    assert [(p.file, p.element) for p in problems] == [("verify.bpmn", "call_back")]
    assert "(with_verification -> local_verify -> with_verification)" in problems[0].message


def test_human_task_ids_must_be_unique_across_processes():
    clash = (
        bpmn("local_verify.bpmn")
        .replace(b'id="site_check"', b'id="accept"')
        .replace(b">site_check<", b">accept<")
        .replace(b'targetRef="site_check"', b'targetRef="accept"')
        .replace(b'sourceRef="site_check"', b'sourceRef="accept"')
    )
    problems = problems_of({"main.bpmn": bpmn("with_verification.bpmn"), "verify.bpmn": clash}, "with_verification")
    assert any(p.element == "accept" and "must be unique" in p.message for p in problems)


def test_unexpected_library_errors_become_problems(monkeypatch):
    def explode(self, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(parse_module.SpiffBpmnParser, "add_bpmn_xml", explode)
    problems = problems_of({"yijianshi.bpmn": bpmn("yijianshi.bpmn")}, "open_restaurant")
    assert Problem("yijianshi.bpmn", None, "RuntimeError: boom") in problems


def test_even_a_bug_in_the_compiler_comes_out_as_a_problem(monkeypatch):
    monkeypatch.setattr(parse_module.lint, "collect", lambda documents: 1 / 0)
    with pytest.raises(SpecInvalid) as caught:
        compile_bundle("k", {"yijianshi.bpmn": bpmn("yijianshi.bpmn")}, "open_restaurant")
    assert caught.value.problems[0].message.startswith("internal error while compiling: ZeroDivisionError")


def test_files_that_are_not_bpmn_or_dmn_are_named():
    problems = problems_of({"notes.bpmn": b"<notes/>", "y.bpmn": bpmn("yijianshi.bpmn")}, "open_restaurant")
    assert [(p.file, p.message) for p in problems] == [
        ("notes.bpmn", "not a BPMN 2.0 or DMN document (root element 'notes')")
    ]


def test_schema_errors_are_reported_with_their_line():
    bad = bpmn("yijianshi.bpmn").replace(
        b'<bpmn:parallelGateway id="fork"/>', b'<bpmn:parallelGateway id="fork" gatewayDirection="Sideways"/>'
    )
    problems = problems_of({"y.bpmn": bad}, "open_restaurant")
    assert any(p.element == "fork" and p.message.startswith("schema:") and p.line for p in problems)


def test_a_process_defined_twice_is_reported_once():
    problems = problems_of({"a.bpmn": bpmn("yijianshi.bpmn"), "b.bpmn": bpmn("yijianshi.bpmn")}, "open_restaurant")
    assert [(p.file, p.element, p.message) for p in problems] == [
        ("b.bpmn", "open_restaurant", "Duplicate process ID: open_restaurant")
    ]


def test_a_business_rule_task_needs_its_decision():
    [problem] = problems_of({"fee.bpmn": bpmn("fee.bpmn")}, "instant")
    assert (problem.file, problem.element) == ("fee.bpmn", "decide_fee")
    assert 'No DMN Diagram available with id "fee_table"' in problem.message


def test_a_dmn_cell_that_does_not_parse_names_its_rule():
    files = {
        "fee.bpmn": bpmn("fee.bpmn"),
        "fee.dmn": bpmn("fee.dmn").replace(b"<text>50 &lt;= ? &lt; 500</text>", b"<text>50 &lt;=&lt; ?</text>"),
    }
    [problem] = problems_of(files, "instant")
    assert (problem.file, problem.element) == ("fee.dmn", "fee_table")
    assert problem.message.startswith("DMN rule 2 input 1:")
