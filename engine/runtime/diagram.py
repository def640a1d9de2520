"""Static facts a service needs about a bundle, read from the BPMN XML itself.

Spiff keeps only a lane's *name* on each task spec; the service maps lanes to departments by the lane
*id* (names are Chinese labels designers rename freely), so lanes, forms and the other per-task facts
are read here from the XML, where both are available.  A task inside an embedded subprocess takes the
lane of the subprocess it sits in (as Spiff does); a task in a called process keeps the lane it has in
its own process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from .safe_xml import BPMN_NS, SPIFF_NS, Document

NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
HUMAN_TASKS = frozenset({"userTask", "manualTask", "task"})  # a plain bpmn:task waits for a person in Spiff
CONTAINERS = frozenset({"subProcess", "transaction", "adHocSubProcess"})


@dataclass(frozen=True)
class UserTaskSpec:
    """What an inbox needs to know about a user/manual task before any instance exists."""

    bpmn_id: str
    name: str
    process_id: str
    lane: str | None
    lane_name: str | None
    form: str | None
    ui_form: str | None
    instructions: str | None
    documentation: str | None
    file: str = ""
    # every spiffworkflow:property, e.g. commitment="true" marks the 容缺 supply task
    properties: Mapping[str, str] = field(default_factory=dict)


@dataclass
class DiagramFacts:
    lanes: dict[str, str | None] = field(default_factory=dict)
    user_tasks: list[UserTaskSpec] = field(default_factory=list)
    elements: dict[str, str] = field(default_factory=dict)
    message_starts: dict[str, frozenset[str]] = field(default_factory=dict)
    process_files: dict[str, str] = field(default_factory=dict)


def localname(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    text = element.text.strip()
    return text or None


def _first(element: etree._Element, path: str) -> etree._Element | None:
    found = element.xpath(path, namespaces=NS)
    return found[0] if found else None


def _lane_index(process: etree._Element) -> dict[str, tuple[str, str | None, int]]:
    """flow node id -> (lane id, lane name, nesting depth); the innermost lane wins."""
    index: dict[str, tuple[str, str | None, int]] = {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        depth = sum(1 for ancestor in lane.iterancestors(f"{{{BPMN_NS}}}lane"))
        for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
            node_id = (ref.text or "").strip()
            if node_id and (node_id not in index or index[node_id][2] <= depth):
                index[node_id] = (lane.get("id", ""), lane.get("name"), depth)
    return index


def _lane_of(element: etree._Element, index: dict[str, tuple[str, str | None, int]]) -> tuple[str | None, str | None]:
    node: etree._Element | None = element
    while node is not None and localname(node) != "process":
        if node.get("id") in index:
            lane_id, lane_name, _ = index[node.get("id")]
            return lane_id, lane_name
        node = node.getparent()
    return None, None


def _user_task(element: etree._Element, process_id: str, lanes: dict, file: str) -> UserTaskSpec:
    path = "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
    properties = {prop.get("name"): prop.get("value") for prop in element.xpath(path, namespaces=NS)}
    lane, lane_name = _lane_of(element, lanes)
    return UserTaskSpec(
        bpmn_id=element.get("id", ""),
        name=element.get("name") or element.get("id", ""),
        process_id=process_id,
        lane=lane,
        lane_name=lane_name,
        form=properties.get("formJsonSchemaFilename"),
        ui_form=properties.get("formUiSchemaFilename"),
        instructions=_text(_first(element, "./bpmn:extensionElements/spiffworkflow:instructionsForEndUser")),
        documentation=_text(_first(element, "./bpmn:documentation")),
        file=file,
        properties={k: v for k, v in properties.items() if k and v is not None},
    )


def read_facts(documents: list[Document]) -> DiagramFacts:
    facts = DiagramFacts()
    for document in documents:
        root = document.root
        if document.kind == "dmn":
            for decision in root.iter("{*}decision"):
                if decision.get("id"):
                    facts.elements.setdefault(decision.get("id"), "decision")
            continue
        message_names = {m.get("id"): m.get("name") for m in root.iter(f"{{{BPMN_NS}}}message")}
        for element in root.iter():
            if isinstance(element.tag, str) and element.get("id") and etree.QName(element).namespace == BPMN_NS:
                kind = localname(element)
                if kind != "definitions":
                    facts.elements.setdefault(element.get("id"), kind)
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            process_id = process.get("id", "")
            facts.process_files.setdefault(process_id, document.name)
            lanes = _lane_index(process)
            for lane in process.iter(f"{{{BPMN_NS}}}lane"):
                facts.lanes[lane.get("id", "")] = lane.get("name")
            for element in process.iter():
                if localname(element) in HUMAN_TASKS and element.get("id"):
                    facts.user_tasks.append(_user_task(element, process_id, lanes, document.name))
            starts = process.xpath("./bpmn:startEvent/bpmn:messageEventDefinition/@messageRef", namespaces=NS)
            facts.message_starts[process_id] = frozenset(
                name for name in (message_names.get(ref) for ref in starts) if name
            )
    return facts
