"""办事指南 / 一次告知: everything an applicant must know, generated from the bundle itself, with the
four-reduction figures (四减: steps, materials, trips, days) against its items done separately."""

from typing import Any

from lxml import etree

from engine.bundles.compiled import VersionArtefacts
from engine.bundles.validation import element_file, lane_key
from engine.bundles.wrap import BPMN_NS

MODE_NAMES = {
    "integrated": "集成办",
    "commitment": "承诺办（容缺受理）",
    "cross_region": "跨域办",
    "no_application": "免申办",
    "instant": "秒批",
}


def _steps(arte: VersionArtefacts) -> list[dict[str, Any]]:
    manifest = arte.manifest
    steps = []
    for task in arte.compiled.user_tasks.values():
        key = lane_key(manifest, task.lane, task.lane_name)
        lane = manifest["lanes"].get(key) if key else None
        steps.append(
            {
                "id": task.bpmn_id,
                "name": task.name or task.bpmn_id,
                "lane": key,
                "department_name": lane["department_name"] if lane else "申请人",
                "region": lane["region"] if lane else "receiving",
                "process": task.process_id,
            }
        )
    return steps


HUMAN = {"userTask", "manualTask", "task", "callActivity"}


def stages(content: bytes, process_id: str) -> int:
    """Human steps (环节) an application passes through at most: the longest chain of user tasks along
    sequence flows, where parallel branches are one stage and consequence paths leaving boundary events
    (撤销, 超时) are not the normal course of a case."""
    root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    process = root.find(f"{{{BPMN_NS}}}process[@id='{process_id}']")
    if process is None:
        return 0
    kinds = {el.get("id"): etree.QName(el).localname for el in process.iter() if el.get("id")}
    following: dict[str, list[str]] = {}
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if kinds.get(source) != "boundaryEvent":
            following.setdefault(source, []).append(target)
    memo: dict[str, int] = {}

    def longest(node: str, path: frozenset[str]) -> int:
        if node in memo:
            return memo[node]
        rest = max((longest(n, path | {node}) for n in following.get(node, []) if n not in path), default=0)
        memo[node] = rest + (kinds.get(node) in HUMAN)
        return memo[node]

    starts = [i for i, k in kinds.items() if k == "startEvent"]
    return max((longest(s, frozenset()) for s in starts), default=0)


def _reduction(manifest: dict[str, Any], arte: VersionArtefacts) -> dict[str, dict[str, int | None]]:
    items = [i.get("separate", {}) for i in manifest.get("items", [])]

    def before(key: str) -> int | None:
        values = [i[key] for i in items if key in i]
        return sum(values) if values else None

    main = element_file(arte.files, arte.compiled.process_id)
    after = {
        "steps": stages(arte.files[main], arte.compiled.process_id),
        "materials": len([m for m in manifest["materials"] if m["required"]]),
        "trips": manifest.get("trips"),
        "working_days": manifest["time_limit_working_days"],
    }
    return {key: {"before": before(key), "after": after[key]} for key in after}


def guide(arte: VersionArtefacts) -> dict[str, Any]:
    manifest = arte.manifest
    steps = _steps(arte)
    items_by_lane: dict[str, list[dict[str, Any]]] = {}
    for item in manifest.get("items", []):
        items_by_lane.setdefault(item["lane"], []).append(item)
    departments = [
        {
            "lane": key,
            "department": lane["department"],
            "department_name": lane["department_name"],
            "region": lane["region"],
            "items": items_by_lane.get(key, []),
        }
        for key, lane in manifest["lanes"].items()
    ]
    return {
        "bundle_id": manifest["id"],
        "version": arte.version,
        "name": manifest["name"],
        "name_en": manifest.get("name_en"),
        "description": manifest.get("description"),
        "service_object": manifest.get("service_object"),
        "modes": [{"id": m, "name": MODE_NAMES[m]} for m in manifest["modes"]],
        "time_limit_working_days": manifest["time_limit_working_days"],
        "statutory_working_days": manifest.get("statutory_working_days"),
        "trips": manifest.get("trips"),
        "departments": departments,
        "materials": manifest["materials"],
        "tolerable_materials": [m for m in manifest["materials"] if m["tolerable"]],
        "steps": steps,
        "events": manifest.get("events", []),
        "reduction": _reduction(manifest, arte),
    }
