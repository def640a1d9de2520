"""Deploy-time checks on the XML, and compiling every piece of code a bundle carries.

Spiff's parser stops at the first problem it meets; a designer fixing a bundle wants all of them at
once.  The checks here run over the XML independently of Spiff and keep going, and they attribute
each problem to the element a designer can click on (the sequence flow of a condition, the event of a
timer, the decision of a DMN rule).

Every script, condition, timer and payload expression and every DMN cell is compiled here under the
sandbox policy, exactly as the running engine will see it.  A syntax error or forbidden construct is a
deploy problem instead of a surprise weeks later on the one path that uses it, and the compiled code
objects become the bundle's code table so the engine never compiles at run time.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from types import CodeType

from lxml import etree

from . import timers
from .diagram import CONTAINERS, NS, localname
from .errors import Problem
from .safe_xml import BPMN_NS, Document
from .scripting import ForbiddenScript, compile_source

_FLOW_PARENTS = CONTAINERS | {"process", "definitions"}
_REFERENCE_NOW = datetime(2000, 1, 1, tzinfo=UTC)  # timer literals are checked for shape, not for value
_DMN_INPUT_PLACEHOLDER = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")  # as in Spiff's DMNEngine


@dataclass(frozen=True)
class Source:
    """One piece of code found in a bundle, and where a designer finds it."""

    file: str
    element: str | None
    what: str
    text: str
    mode: str  # 'eval' | 'exec'
    line: int | None = None
    timer: str | None = None  # 'timeDate' | 'timeDuration' | 'timeCycle' for timer expressions
    stored: bool = False  # the result lands in instance data (payloads, DMN outputs, correlation values)


def _owner(node: etree._Element) -> str | None:
    """The id of the diagram element (flow node, sequence flow, message...) a node belongs to."""
    current: etree._Element | None = node
    while current is not None:
        parent = current.getparent()
        if current.get("id") and (parent is None or localname(parent) in _FLOW_PARENTS):
            return current.get("id")
        current = parent
    return None


def _x(node: etree._Element, path: str) -> list[etree._Element]:
    return node.xpath(path, namespaces=NS)


def _bpmn_sources(document: Document) -> tuple[list[Source], list[Problem]]:
    root, name = document.root, document.name
    sources: list[Source] = []
    problems: list[Problem] = []

    def add(
        node: etree._Element,
        what: str,
        mode: str,
        *,
        element: str | None = None,
        timer: str | None = None,
        stored: bool = False,
    ) -> None:
        text = timers.expression_for(node.text) if timer else node.text
        if text is None or not text.strip():
            problems.append(Problem(name, element or _owner(node), f"{what} is empty", node.sourceline))
            return
        sources.append(Source(name, element or _owner(node), what, text, mode, node.sourceline, timer, stored))

    for flow in _x(root, "//bpmn:sequenceFlow[bpmn:conditionExpression]"):
        add(_x(flow, "./bpmn:conditionExpression")[0], f"condition of {flow.get('id')}", "eval", element=flow.get("id"))
    for task in _x(root, "//bpmn:scriptTask"):
        script = _x(task, "./bpmn:script")
        if not script:
            problems.append(Problem(name, task.get("id"), "script task has no script", task.sourceline))
        else:
            add(script[0], "script", "exec", element=task.get("id"))
    for tag, what in (("preScript", "pre-script"), ("postScript", "post-script")):
        for node in _x(root, f"//spiffworkflow:{tag}"):
            add(node, what, "exec")
    for definition in _x(root, "//bpmn:timerEventDefinition"):
        found = [child for child in definition if localname(child) in ("timeDate", "timeDuration", "timeCycle")]
        if not found:
            problems.append(Problem(name, _owner(definition), "timer has no timeDate, timeDuration or timeCycle"))
            continue
        add(found[0], f"timer ({localname(found[0])})", "eval", timer=localname(found[0]))
    for node in _x(root, "//spiffworkflow:messagePayload"):
        add(node, "message payload", "eval", stored=True)
    for node in _x(root, "//spiffworkflow:messageVariable"):
        variable = (node.text or "").strip()
        if not variable.isidentifier() or variable.startswith("_"):
            problems.append(Problem(name, _owner(node), f"message variable {variable!r} is not a valid name"))
    for node in _x(root, "//bpmn:correlationPropertyRetrievalExpression"):
        children = [child for child in node if isinstance(child.tag, str)]
        if children:
            add(children[0], "correlation expression", "eval", stored=True)
    for node in _x(root, "//spiffworkflow:processVariableCorrelation/spiffworkflow:expression"):
        add(node, "process variable correlation", "eval", stored=True)
    for node in _x(root, "//spiffworkflow:payloadExpression"):
        add(node, "event payload", "eval", stored=True)
    for node in _x(root, "//bpmn:standardLoopCharacteristics/bpmn:loopCondition"):
        add(node, "loop condition", "eval")
    for node in _x(root, "//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality"):
        add(node, "loop cardinality", "eval")
    for node in _x(root, "//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition"):
        add(node, "completion condition", "eval")
    for node in _x(root, "//bpmn:adHocSubProcess/bpmn:completionCondition"):
        add(node, "completion condition", "eval")
    for node in _x(root, "//bpmn:conditionalEventDefinition/bpmn:condition"):
        add(node, "event condition", "eval")
    for task in _x(root, "//bpmn:serviceTask"):
        problems.append(
            Problem(name, task.get("id"), "service tasks are not supported; use a script task", task.sourceline)
        )
    problems.extend(_gateway_problems(document))
    return sources, problems


def _gateway_problems(document: Document) -> list[Problem]:
    """Conditions must sit on gateway flows, and every non-default flow of a deciding gateway needs one."""
    root, name = document.root, document.name
    problems: list[Problem] = []
    nodes = {node.get("id"): node for node in root.iter() if isinstance(node.tag, str) and node.get("id")}
    outgoing: dict[str, list[etree._Element]] = {}
    for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        outgoing.setdefault(flow.get("sourceRef", ""), []).append(flow)
    for source_id, flows in outgoing.items():
        source = nodes.get(source_id)
        kind = localname(source) if source is not None else ""
        if kind in ("exclusiveGateway", "inclusiveGateway"):
            default = source.get("default")
            if default and default not in {flow.get("id") for flow in flows}:
                problems.append(
                    Problem(name, source_id, f"default flow {default} is not an outgoing flow of {source_id}")
                )
            if len(flows) < 2:
                continue
            label = "exclusive" if kind == "exclusiveGateway" else "inclusive"
            for flow in flows:
                if flow.get("id") != default and not _condition_text(flow):
                    problems.append(
                        Problem(
                            name,
                            flow.get("id"),
                            f"{label} gateway {source_id} has an unconditioned non-default flow {flow.get('id')}",
                            flow.sourceline,
                        )
                    )
        else:
            for flow in flows:
                if _condition_text(flow) and kind:
                    problems.append(
                        Problem(
                            name,
                            flow.get("id"),
                            f"condition on {flow.get('id')} would be ignored: only exclusive and inclusive "
                            f"gateways evaluate conditions ({source_id} is a {kind})",
                            flow.sourceline,
                        )
                    )
    return problems


def _condition_text(flow: etree._Element) -> str:
    found = flow.find(f"{{{BPMN_NS}}}conditionExpression")
    return (found.text or "").strip() if found is not None else ""


def _dmn_needs_eq(text: str) -> bool:
    """Spiff's DMNEngine.needs_eq: compare with ``==`` unless the cell starts with an operator."""
    try:
        ast.parse(text)
        return True
    except SyntaxError:
        ast.parse(f"v {text}")
        return False


def _dmn_sources(document: Document) -> tuple[list[Source], list[Problem]]:
    """DMN cells exactly as Spiff's DMNEngine will hand them to the script engine."""
    name = document.name
    sources: list[Source] = []
    problems: list[Problem] = []
    for decision in document.root.iter("{*}decision"):
        decision_id = decision.get("id")
        for table in decision.iter("{*}decisionTable"):
            inputs: list[str | None] = []
            for column in table.findall("{*}input"):
                expression = column.find("{*}inputExpression/{*}text")
                text = expression.text if expression is not None else None
                inputs.append(text if text and text.strip() else None)
                if text and text.strip():
                    where = "DMN input expression"
                    sources.append(Source(name, decision_id, where, text, "eval", expression.sourceline))
            for row, rule in enumerate(table.findall("{*}rule"), start=1):
                for index, entry in enumerate(rule.findall("{*}inputEntry")):
                    cell = entry.find("{*}text")
                    text = cell.text if cell is not None else None
                    if text is None or text == "-" or index >= len(inputs) or inputs[index] is None:
                        continue
                    where = f"DMN rule {row} input {index + 1}"
                    match = _DMN_INPUT_PLACEHOLDER.sub("dmninputexpr", text)
                    if "dmninputexpr" in match:
                        sources.append(Source(name, decision_id, where, match, "eval", cell.sourceline))
                        continue
                    try:
                        needs_eq = _dmn_needs_eq(match)
                    except SyntaxError as exc:
                        problems.append(Problem(name, decision_id, f"{where}: invalid cell {text!r}: {exc.msg}"))
                        continue
                    combined = f"({inputs[index]}) == ({match})" if needs_eq else f"{inputs[index]}{match}"
                    sources.append(Source(name, decision_id, where, combined, "eval", cell.sourceline))
                for index, entry in enumerate(rule.findall("{*}outputEntry")):
                    cell = entry.find("{*}text")
                    if cell is not None and cell.text:
                        where = f"DMN rule {row} output {index + 1}"
                        sources.append(
                            Source(name, decision_id, where, cell.text, "eval", cell.sourceline, stored=True)
                        )
    return sources, problems


def collect(documents: list[Document]) -> tuple[list[Source], list[Problem]]:
    """Every piece of code in the bundle, plus the XML-level problems found on the way."""
    sources: list[Source] = []
    problems: list[Problem] = []
    for document in documents:
        found, trouble = (_bpmn_sources if document.kind == "bpmn" else _dmn_sources)(document)
        sources.extend(found)
        problems.extend(trouble)
    problems.extend(_call_problems(documents))
    return sources, problems


def _call_problems(documents: list[Document]) -> list[Problem]:
    """Call activities must name a process of the bundle (checked across files, and even when Spiff
    cannot parse the calling process)."""
    bpmn = [d for d in documents if d.kind == "bpmn"]
    processes = {p.get("id") for d in bpmn for p in d.root.iter(f"{{{BPMN_NS}}}process")}
    problems: list[Problem] = []
    for document in bpmn:
        for activity in document.root.iter(f"{{{BPMN_NS}}}callActivity"):
            called = (activity.get("calledElement") or "").strip()
            if not called:
                message = f"call activity {activity.get('id')} names no process (calledElement is empty)"
            elif called not in processes:
                message = f"call activity {activity.get('id')} calls process {called!r}, which is not in the bundle"
            else:
                continue
            problems.append(Problem(document.name, activity.get("id"), message, activity.sourceline))
    return problems


def compile_sources(sources: list[Source]) -> tuple[dict[tuple[str, str], CodeType], list[Problem]]:
    """Compile every source under the sandbox; the code table is keyed by the text Spiff passes in."""
    table: dict[tuple[str, str], CodeType] = {}
    problems: list[Problem] = []
    for source in sources:
        key = (source.text, source.mode)
        try:
            code = table.get(key) or compile_source(source.text, source.mode)
        except ForbiddenScript as exc:
            line = source.line + (exc.lineno or 1) - 1 if source.line and source.mode == "exec" else source.line
            problems.append(Problem(source.file, source.element, f"{source.what}: {exc.msg}", line))
            continue
        table[key] = code
        if source.timer:
            problem = _timer_literal_problem(source)
            if problem:
                problems.append(problem)
    return table, problems


def _timer_literal_problem(source: Source) -> Problem | None:
    """A timer written as a string literal can be checked now rather than when it starts waiting."""
    try:
        node = ast.parse(source.text.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Constant):
        return None
    try:
        if source.timer == "timeCycle":
            timers.parse_cycle(node.value, _REFERENCE_NOW)
        else:
            timers.due_at(node.value, _REFERENCE_NOW)
    except timers.TimerValueError as exc:
        return Problem(source.file, source.element, f"{source.what}: {exc}", source.line)
    return None
