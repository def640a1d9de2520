"""The designer lint finds what a deploy accepts but a designer did not mean (pure: files in, problems out)."""

import json
from datetime import UTC, datetime

import pytest

from engine.bundles.loader import load_folder
from engine.config import ROOT
from engine.designer.lint import lint, timer_findings

NOW = datetime(2027, 1, 5, 1, 0, tzinfo=UTC)
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="x">'
)
MANIFEST = {"lanes": {"clerk": {"department": "d", "department_name": "部门", "region": "handling"}}}


def bpmn(body: str) -> dict[str, bytes]:
    return {
        "p.bpmn": (HEAD + f'<bpmn:process id="p" isExecutable="true">{body}</bpmn:process></bpmn:definitions>').encode()
    }


def found(files: dict[str, bytes], manifest: dict | None = MANIFEST) -> set[tuple[str, str | None, str]]:
    return {(p.rule, p.element, p.severity) for p in lint(files, manifest, now=NOW)}


FORM = (
    '<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="formJsonSchemaFilename" '
    'value="f.schema.json" /></spiffworkflow:properties></bpmn:extensionElements>'
)


def test_every_sample_bundle_is_free_of_lint_errors() -> None:
    for folder in sorted((ROOT / "processes").iterdir()):
        if (folder / "bundle.json").is_file():
            files = load_folder(folder)
            problems = lint(files, json.loads(files["bundle.json"]), now=NOW)
            assert [p for p in problems if p.severity == "error"] == [], folder.name


def test_an_element_no_path_reaches_and_a_path_that_stops_are_warnings() -> None:
    files = bpmn(
        '<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
        f'<bpmn:userTask id="a">{FORM}</bpmn:userTask>'
        f'<bpmn:userTask id="island">{FORM}</bpmn:userTask>'
        '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a" />'
    )
    problems = found(files, None)
    assert ("unreachable", "island", "warning") in problems
    assert ("unreachable", "a", "warning") not in problems
    assert ("dead-end", "a", "warning") in problems


def test_boundary_events_and_event_subprocesses_count_as_reached() -> None:
    files = bpmn(
        '<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />'
        f'<bpmn:userTask id="t">{FORM}</bpmn:userTask><bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" />'
        '<bpmn:endEvent id="e" />'
        '<bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:timerEventDefinition>'
        '<bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
        '<bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="e2" /><bpmn:endEvent id="e2" />'
        '<bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="es" />'
        '<bpmn:sequenceFlow id="f4" sourceRef="es" targetRef="ee" /><bpmn:endEvent id="ee" /></bpmn:subProcess>'
    )
    assert {p for p in found(files, None) if p[0] in ("unreachable", "dead-end")} == set()


def test_a_deciding_gateway_without_default_is_a_warning_unless_one_branch_always_holds() -> None:
    body = (
        '<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g" />'
        '<bpmn:exclusiveGateway id="g" {default} />'
        '<bpmn:sequenceFlow id="a" sourceRef="g" targetRef="e1"><bpmn:conditionExpression>{cond}'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="b" sourceRef="g" targetRef="e2"><bpmn:conditionExpression>x &lt; 1'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />'
    )
    assert ("gateway-default", "g", "warning") in found(bpmn(body.format(default="", cond="x &gt; 1")), None)
    assert ("gateway-default", "g", "warning") not in found(bpmn(body.format(default='default="b"', cond="x")), None)
    assert ("gateway-default", "g", "warning") not in found(bpmn(body.format(default="", cond="True")), None)


def test_a_user_task_without_form_is_a_warning_and_a_lane_without_department_an_error() -> None:
    files = bpmn(
        '<bpmn:laneSet id="ls"><bpmn:lane id="clerk"><bpmn:flowNodeRef>t</bpmn:flowNodeRef></bpmn:lane>'
        '<bpmn:lane id="cdc" name="疾控"><bpmn:flowNodeRef>u</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'
        '<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />'
        '<bpmn:userTask id="t" /><bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="u" />'
        f'<bpmn:userTask id="u">{FORM}</bpmn:userTask><bpmn:sequenceFlow id="f3" sourceRef="u" targetRef="e" />'
        '<bpmn:endEvent id="e" />'
    )
    problems = found(files)
    assert ("task-form", "t", "warning") in problems and ("task-form", "u", "warning") not in problems
    assert ("lane-department", "cdc", "error") in problems and ("lane-department", "clerk", "error") not in problems
    unused = found(files, {"lanes": {**MANIFEST["lanes"], "gone": MANIFEST["lanes"]["clerk"]}})
    assert ("lane-unused", None, "warning") in unused


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("timeDuration", '"P3D"', []),
        ("timeDuration", '"PT0S"', ["warning"]),
        ("timeDate", "working_days(20)", []),
        ("timeDate", "working_days(0)", ["warning"]),
        ("timeDate", "working_days(1.5)", ["error"]),
        ("timeDate", "workdays(3)", ["warning"]),
        ("timeDate", '"2020-01-01T09:00:00"', ["warning"]),
        ("timeDate", '"2030-01-01T09:00:00"', []),
        ("timeCycle", '"R0/PT1H"', ["error"]),
        ("timeCycle", '"R3/PT1H"', []),
        ("timeDate", "commitment_deadline", []),
    ],
)
def test_timers_that_never_fire_or_fire_at_once(kind: str, text: str, expected: list[str]) -> None:
    assert [severity for severity, _ in timer_findings(kind, text, NOW)] == expected


def test_an_empty_timer_never_fires_and_a_catching_message_event_needs_a_name() -> None:
    files = bpmn(
        '<bpmn:startEvent id="s"><bpmn:timerEventDefinition><bpmn:timeDuration /></bpmn:timerEventDefinition>'
        '</bpmn:startEvent><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="m" />'
        '<bpmn:intermediateCatchEvent id="m"><bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>'
        '<bpmn:sequenceFlow id="f2" sourceRef="m" targetRef="e" /><bpmn:endEvent id="e" />'
    )
    problems = found(files, None)
    assert ("timer", "s", "error") in problems and ("message-name", "m", "error") in problems


def test_unreadable_files_are_left_to_the_deploy_checks() -> None:
    assert lint({"p.bpmn": b"<not xml", "bundle.json": b"{}"}, None, now=NOW) == []
