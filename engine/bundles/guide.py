"""办事指南 / 一次告知: everything an applicant must know, generated from the bundle itself, with the
four-reduction figures (四减: steps, materials, trips, days) against its items done separately."""

from typing import Any

from engine.bundles.compiled import VersionArtefacts
from engine.bundles.validation import lane_key

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


def _reduction(manifest: dict[str, Any], steps: list[dict[str, Any]]) -> dict[str, dict[str, int | None]]:
    items = [i.get("separate", {}) for i in manifest.get("items", [])]

    def before(key: str) -> int | None:
        values = [i[key] for i in items if key in i]
        return sum(values) if values else None

    department_steps = len({(s["lane"], s["name"]) for s in steps if s["lane"]})
    after = {
        "steps": department_steps,
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
        "reduction": _reduction(manifest, steps),
    }
