"""Designer lint: what a deploy would accept but what is almost certainly a modelling mistake.

The deploy checks (``engine.bundles.validation``) refuse what cannot run. These rules look for what runs but
does not do what the designer meant: elements no token ever reaches, paths that stop without an end event,
deciding gateways without a default flow, user tasks without a form, lanes no department handles, timers that
never fire (or fire at once), message events without a message name.

Pure: files in, problems out. Each problem names its file and BPMN element so the designer page can mark it.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_B = f"{{{BPMN_NS}}}"

Severity = Literal["error", "warning"]

FLOW_NODES = frozenset(
    {
        "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
        "task", "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask", "sendTask",
        "receiveTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
        "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
    }
)  # fmt: skip
CONTAINERS = frozenset({"subProcess", "transaction", "adHocSubProcess"})
CATCHING = frozenset({"startEvent", "intermediateCatchEvent", "boundaryEvent"})
DECIDING_GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway"})
TIMER_FUNCTIONS = frozenset({"working_days", "min", "max"})
_ISO_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")


@dataclass(frozen=True)
class LintProblem:
    severity: Severity
    rule: str
    file: str
    element: str | None
    message: str

    @property
    def loc(self) -> list[str]:
        return [self.file, self.element] if self.element else [self.file]


def _parse(content: bytes) -> etree._Element | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None  # the deploy checks report malformed XML
    return root if etree.QName(root).namespace == BPMN_NS else None


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _label(element: etree._Element) -> str:
    name = (element.get("name") or "").strip()
    return f"{name}（{element.get('id')}）" if name else str(element.get("id"))


def lint(files: Mapping[str, bytes], manifest: Mapping[str, Any] | None, *, now: datetime) -> list[LintProblem]:
    """Every lint problem of a bundle's BPMN files, measured against its manifest (``None`` if unreadable)."""
    problems: list[LintProblem] = []
    used_lanes: set[str] = set()
    for name in sorted(files):
        if not name.endswith((".bpmn", ".bpmn20.xml")):
            continue
        root = _parse(files[name])
        if root is None:
            continue
        checks = _FileChecks(name, root, manifest, now)
        problems.extend(checks.run())
        used_lanes |= checks.lane_keys
    if manifest is not None and isinstance(manifest.get("lanes"), dict):
        referenced = {item.get("lane") for item in manifest.get("items", []) if isinstance(item, dict)}
        referenced.add(manifest.get("rating_lane"))
        for key in manifest["lanes"]:
            if key not in used_lanes and key not in referenced:
                problems.append(
                    LintProblem(
                        "warning",
                        "lane-unused",
                        "bundle.json",
                        None,
                        f"清单中的泳道 {key} 在流程图中没有对应泳道 / manifest lane {key} is used by no BPMN lane",
                    )
                )
    return problems


class _FileChecks:
    def __init__(self, name: str, root: etree._Element, manifest: Mapping[str, Any] | None, now: datetime) -> None:
        self.name = name
        self.root = root
        self.manifest = manifest
        self.now = now
        self.problems: list[LintProblem] = []
        self.lane_keys: set[str] = set()

    def add(self, severity: Severity, rule: str, element: str | None, message: str) -> None:
        self.problems.append(LintProblem(severity, rule, self.name, element, message))

    def run(self) -> list[LintProblem]:
        for process in self.root.iter(f"{_B}process"):
            self._reachability(process, reachable=True)
        self._gateways()
        self._user_tasks()
        self._lanes()
        self._timers()
        self._messages()
        return self.problems

    # --- unreachable elements and dead ends -------------------------------------------------------------

    def _reachability(self, container: etree._Element, *, reachable: bool) -> None:
        nodes = {n.get("id"): n for n in container if _local(n) in FLOW_NODES and n.get("id")}
        successors: dict[str, list[str]] = defaultdict(list)
        incoming: set[str] = set()
        for flow in container.iterchildren(f"{_B}sequenceFlow"):
            source, target = flow.get("sourceRef"), flow.get("targetRef")
            if source and target:
                successors[source].append(target)
                incoming.add(target)
        self._link_events(nodes, successors, incoming)
        boundaries: dict[str, list[str]] = defaultdict(list)
        for node_id, node in nodes.items():
            if _local(node) == "boundaryEvent" and node.get("attachedToRef"):
                boundaries[node.get("attachedToRef")].append(node_id)

        def triggered(node: etree._Element) -> bool:
            return node.get("triggeredByEvent") == "true" or node.get("isForCompensation") == "true"

        starts = [i for i, n in nodes.items() if _local(n) == "startEvent"]
        if _local(container) == "adHocSubProcess":
            roots = [i for i, n in nodes.items() if i not in incoming and _local(n) != "boundaryEvent"]
        elif starts:
            roots = starts
        else:
            roots = [i for i, n in nodes.items() if i not in incoming and _local(n) != "boundaryEvent"]
        reached: set[str] = set()
        pending = list(roots) if reachable else []
        while pending:
            current = pending.pop()
            if current in reached or current not in nodes:
                continue
            reached.add(current)
            pending.extend(successors.get(current, []))
            pending.extend(boundaries.get(current, []))
        for node_id, node in nodes.items():
            kind = _local(node)
            if triggered(node):
                if kind in CONTAINERS:
                    self._reachability(node, reachable=reachable)
                continue
            if reachable and node_id not in reached:
                self.add(
                    "warning",
                    "unreachable",
                    node_id,
                    f"{_label(node)} 从开始事件不可达，永远不会执行 / never reached from a start event",
                )
            if kind in CONTAINERS:
                self._reachability(node, reachable=reachable and node_id in reached)
            if (
                kind not in ("endEvent",)
                and _local(container) != "adHocSubProcess"
                and not successors.get(node_id)
                and not _is_link_throw(node)
                and not _is_compensation(node)
            ):
                self.add(
                    "warning",
                    "dead-end",
                    node_id,
                    f"{_label(node)} 没有出口连线，流程在此处没有结束事件就停止 / no outgoing flow: the path stops "
                    "here without an end event",
                )

    def _link_events(self, nodes: dict[str, etree._Element], successors: dict, incoming: set[str]) -> None:
        catches: dict[str, list[str]] = defaultdict(list)
        for node_id, node in nodes.items():
            link = node.find(f"{_B}linkEventDefinition")
            if link is not None and _local(node) == "intermediateCatchEvent":
                catches[link.get("name") or ""].append(node_id)
        for node_id, node in nodes.items():
            link = node.find(f"{_B}linkEventDefinition")
            if link is not None and _local(node) == "intermediateThrowEvent":
                for target in catches.get(link.get("name") or "", []):
                    successors[node_id].append(target)
                    incoming.add(target)

    # --- gateways ---------------------------------------------------------------------------------------

    def _gateways(self) -> None:
        outgoing: dict[str, list[etree._Element]] = defaultdict(list)
        for flow in self.root.iter(f"{_B}sequenceFlow"):
            outgoing[flow.get("sourceRef", "")].append(flow)
        for gateway in self.root.iter(*(f"{_B}{k}" for k in DECIDING_GATEWAYS)):
            flows = outgoing.get(gateway.get("id", ""), [])
            if len(flows) < 2 or gateway.get("default") or any(_condition(f) == "True" for f in flows):
                continue
            self.add(
                "warning",
                "gateway-default",
                gateway.get("id"),
                f"网关 {_label(gateway)} 没有默认路径：所有条件都不成立时实例将出错 / deciding gateway without a "
                "default flow: the instance fails when no condition holds",
            )

    # --- user tasks, lanes ----------------------------------------------------------------------------

    def _user_tasks(self) -> None:
        for task in self.root.iter(f"{_B}userTask"):
            names = {
                p.get("name"): p.get("value")
                for p in task.iterfind(f"{_B}extensionElements/{{{SPIFF_NS}}}properties/{{{SPIFF_NS}}}property")
            }
            if not (names.get("formJsonSchemaFilename") or "").strip():
                self.add(
                    "warning",
                    "task-form",
                    task.get("id"),
                    f"用户任务 {_label(task)} 没有表单 / user task without a form",
                )

    def _lanes(self) -> None:
        lanes = self.manifest.get("lanes") if self.manifest else None
        if not isinstance(lanes, dict):
            return
        for lane in self.root.iter(f"{_B}lane"):
            lane_id, lane_name = lane.get("id"), lane.get("name")
            key = lane_id if lane_id in lanes else lane_name if lane_name in lanes else None
            if key is not None:
                self.lane_keys.add(key)
                continue
            if lane.find(f"{_B}childLaneSet") is not None and lane.find(f"{_B}flowNodeRef") is None:
                continue  # a parent lane only groups its child lanes
            self.add(
                "error",
                "lane-department",
                lane_id,
                f"泳道 {_label(lane)} 未指定承办部门（清单 lanes 中没有 {lane_id}）/ lane has no department in the "
                "manifest",
            )

    # --- timers -----------------------------------------------------------------------------------------

    def _timers(self) -> None:
        for definition in self.root.iter(f"{_B}timerEventDefinition"):
            owner = definition.getparent()
            owner_id = owner.get("id") if owner is not None else None
            found = [c for c in definition if _local(c) in ("timeDate", "timeDuration", "timeCycle")]
            if not found or not (found[0].text or "").strip():
                self.add(
                    "error", "timer", owner_id, "定时器没有设置时间，永远不会触发 / a timer without a value never fires"
                )
                continue
            for severity, message in timer_findings(_local(found[0]), found[0].text.strip(), self.now):
                self.add(severity, "timer", owner_id, message)

    # --- messages ---------------------------------------------------------------------------------------

    def _messages(self) -> None:
        messages = {m.get("id"): m for m in self.root.iter(f"{_B}message")}
        for definition in self.root.iter(f"{_B}messageEventDefinition"):
            owner = definition.getparent()
            ref = definition.get("messageRef")
            message = messages.get(ref) if ref else None
            if message is None or not (message.get("name") or "").strip():
                catching = owner is not None and _local(owner) in CATCHING
                self.add(
                    "error" if catching else "warning",
                    "message-name",
                    owner.get("id") if owner is not None else None,
                    "消息事件没有消息名称，无法收到消息 / message event without a message name cannot be reached"
                    if catching
                    else "消息事件没有消息名称 / message event without a message name",
                )


def _condition(flow: etree._Element) -> str:
    found = flow.find(f"{_B}conditionExpression")
    return (found.text or "").strip() if found is not None else ""


def _is_link_throw(node: etree._Element) -> bool:
    return _local(node) == "intermediateThrowEvent" and node.find(f"{_B}linkEventDefinition") is not None


def _is_compensation(node: etree._Element) -> bool:
    return node.find(f"{_B}compensateEventDefinition") is not None or node.get("isForCompensation") == "true"


def timer_findings(kind: str, text: str, now: datetime) -> Iterable[tuple[Severity, str]]:
    """What is wrong with a timer expression that the deploy accepts: never fires, fires at once, unknown helper."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return  # the deploy checks report syntax errors
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield from _literal_findings(kind, node.value.strip(), now)
        return
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        name = call.func.id if isinstance(call.func, ast.Name) else None
        if name not in TIMER_FUNCTIONS:
            yield (
                "warning",
                f"定时器调用了未知函数 {name or ast.unparse(call.func)}：触发时会出错 / unknown function in the timer: "
                "it fails when evaluated (use working_days(n))",
            )
            continue
        if name == "working_days" and call.args and isinstance(call.args[0], ast.Constant):
            days = call.args[0].value
            if not isinstance(days, int) or isinstance(days, bool):
                yield "error", f"working_days({days!r}) 需要整数工作日 / working_days needs a whole number of days"
            elif days <= 0:
                yield "warning", f"working_days({days}) 立即触发 / fires at once"


def _literal_findings(kind: str, value: str, now: datetime) -> Iterable[tuple[Severity, str]]:
    upper = value.upper()
    if kind == "timeCycle" or upper.startswith("R"):
        match = re.match(r"^R(\d*)/", upper)
        if match and match.group(1) == "0":
            yield "error", f"循环定时器 {value} 重复 0 次，永远不会触发 / repeats zero times: never fires"
        return
    if upper.startswith("P"):
        if _ISO_DURATION.match(upper) and not re.search(r"[1-9]", upper):
            yield "warning", f"时长 {value} 为零，定时器立即触发 / zero duration: fires at once"
        return
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return  # the deploy checks report it
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC) + timedelta(hours=-8)  # naive values are China Standard Time
    if when <= now:
        yield "warning", f"日期 {value} 已经过去，定时器一开始等待就立即触发 / date already passed: fires at once"
