"""What changed between two versions of a bundle, in the terms a designer reviews a deploy by.

- BPMN elements added, removed or changed, by id, with their type and name; a change says which aspect moved
  (name, lane, form, instructions, condition, timer, flows, other). Layout (the diagram interchange part) is not
  a change of the process and is ignored.
- Form fields added and removed per form file (``engine.forms.field_paths`` of the self-contained form), and for
  the merged application form (一表申请).
- The manifest: top-level settings, lanes and materials added, removed or changed.
- Files added, removed or changed, by content.

Pure: two file sets in, a plain dict out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from lxml import etree

from engine import forms
from engine.designer.lint import BPMN_NS, SPIFF_NS

_B = f"{{{BPMN_NS}}}"
_SKIP_CHILDREN = frozenset({"incoming", "outgoing", "flowNodeRef", "extensionElements", "documentation"})
_PARENTS = frozenset(
    {
        "definitions",
        "process",
        "subProcess",
        "transaction",
        "adHocSubProcess",
        "laneSet",
        "childLaneSet",
        "collaboration",
    }
)
_ASPECT_ORDER = ("name", "lane", "form", "instructions", "condition", "timer", "flows", "documentation", "other")


def _parse(content: bytes) -> etree._Element | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root if etree.QName(root).namespace == BPMN_NS else None


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _standalone(element: etree._Element) -> bool:
    """A diagram element of its own (flow node, flow, lane, message …), not a part of one (event definition …)."""
    parent = element.getparent()
    return (
        parent is not None
        and bool(element.get("id"))
        and etree.QName(element).namespace == BPMN_NS
        and _local(parent) in _PARENTS
        and _local(element) not in ("laneSet", "childLaneSet", "extensionElements", "documentation")
    )


def _canonical(element: etree._Element, *, top: bool = False) -> str:
    """Attributes and content of an element, without child elements that are diagram elements of their own."""
    parts = [_local(element), json.dumps(sorted((k, v) for k, v in element.attrib.items() if not top or k != "name"))]
    text = (element.text or "").strip()
    if text:
        parts.append(text)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if top and (_standalone(child) or _local(child) in _SKIP_CHILDREN):
            continue
        if top and _local(child) in ("conditionExpression", "timerEventDefinition", "laneSet", "childLaneSet"):
            continue
        parts.append(_canonical(child))
    return "|".join(parts)


def _lane_index(root: etree._Element) -> dict[str, str]:
    index: dict[str, tuple[str, int]] = {}
    for lane in root.iter(f"{_B}lane"):
        depth = sum(1 for _ in lane.iterancestors(f"{_B}lane"))
        for ref in lane.iterchildren(f"{_B}flowNodeRef"):
            node = (ref.text or "").strip()
            if node and (node not in index or index[node][1] <= depth):
                index[node] = (lane.get("id", ""), depth)
    return {node: lane for node, (lane, _) in index.items()}


def _aspects(element: etree._Element, lanes: dict[str, str]) -> dict[str, str]:
    ext = element.find(f"{_B}extensionElements")
    props = (
        sorted((p.get("name") or "", p.get("value") or "") for p in ext.iter(f"{{{SPIFF_NS}}}property"))
        if ext is not None
        else []
    )
    instructions = ext.find(f"{{{SPIFF_NS}}}instructionsForEndUser") if ext is not None else None
    other_ext = (
        [_canonical(c) for c in ext if _local(c) not in ("properties", "instructionsForEndUser")]
        if ext is not None
        else []
    )
    condition = element.find(f"{_B}conditionExpression")
    timer = element.find(f"{_B}timerEventDefinition")
    flows = [(_local(c), (c.text or "").strip()) for c in element if _local(c) in ("incoming", "outgoing")] + [
        (k, element.get(k, "")) for k in ("sourceRef", "targetRef", "default", "attachedToRef") if element.get(k)
    ]
    docs = [(d.text or "").strip() for d in element.iterchildren(f"{_B}documentation")]
    return {
        "name": element.get("name") or "",
        "lane": lanes.get(element.get("id", ""), ""),
        "form": json.dumps(props, ensure_ascii=False),
        "instructions": (instructions.text or "").strip() if instructions is not None else "",
        "condition": (condition.text or "").strip() if condition is not None else "",
        "timer": _canonical(timer) if timer is not None else "",
        "flows": json.dumps(sorted(flows)),
        "documentation": "\n".join(docs),
        "other": _canonical(element, top=True) + "".join(other_ext),
    }


def bpmn_elements(files: Mapping[str, bytes]) -> dict[str, dict[str, Any]]:
    """Every BPMN element with an id: ``{id: {"type", "name", "file", "aspects"}}``."""
    found: dict[str, dict[str, Any]] = {}
    for name in sorted(files):
        if not name.endswith((".bpmn", ".bpmn20.xml")):
            continue
        root = _parse(files[name])
        if root is None:
            continue
        lanes = _lane_index(root)
        for element in root.iter():
            if not isinstance(element.tag, str) or not _standalone(element):
                continue
            element_id, kind = element.get("id"), _local(element)
            if element_id in found:
                continue
            found[element_id] = {
                "type": kind,
                "name": element.get("name") or "",
                "file": name,
                "aspects": _aspects(element, lanes),
            }
    return found


def _element_view(element_id: str, fact: dict[str, Any]) -> dict[str, Any]:
    return {"id": element_id, "type": fact["type"], "name": fact["name"], "file": fact["file"]}


def diff_elements(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> dict[str, list[dict[str, Any]]]:
    before, after = bpmn_elements(old), bpmn_elements(new)
    added = [_element_view(i, after[i]) for i in after if i not in before]
    removed = [_element_view(i, before[i]) for i in before if i not in after]
    changed = []
    for element_id in after:
        if element_id not in before:
            continue
        a, b = before[element_id], after[element_id]
        aspects = [k for k in _ASPECT_ORDER if a["aspects"][k] != b["aspects"][k]]
        if a["type"] != b["type"]:
            aspects.insert(0, "type")
        if aspects:
            view = _element_view(element_id, b)
            view["changes"] = aspects
            if "name" in aspects:
                view["name_before"] = a["name"]
            if "type" in aspects:
                view["type_before"] = a["type"]
            changed.append(view)
    return {"added": added, "removed": removed, "changed": changed}


def _is_form(name: str) -> bool:
    return name.endswith(".json") and name != "bundle.json" and not name.endswith(("uischema.json", "-uischema.json"))


def _fields(name: str, files: Mapping[str, bytes]) -> list[str]:
    try:
        merged = forms.merge_application([name], files)
    except Exception:  # a broken form has no fields to compare; the deploy checks report it
        return []
    return forms.field_paths(merged.schema)


def diff_forms(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> list[dict[str, Any]]:
    out = []
    for name in sorted({n for n in (*old, *new) if _is_form(n)}):
        before = _fields(name, old) if name in old else []
        after = _fields(name, new) if name in new else []
        added = [f for f in after if f not in before]
        removed = [f for f in before if f not in after]
        status = "added" if name not in old else "removed" if name not in new else "changed"
        if status == "changed" and old[name] == new[name] and not added and not removed:
            continue
        out.append({"file": name, "status": status, "added_fields": added, "removed_fields": removed})
    return out


def _manifest(files: Mapping[str, bytes]) -> dict[str, Any]:
    try:
        value = json.loads(files.get("bundle.json", b"{}"))
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _keyed(value: Any, key: str | None) -> dict[str, Any]:
    if isinstance(value, dict) and key is None:
        return value
    if isinstance(value, list) and key:
        return {str(item.get(key)): item for item in value if isinstance(item, dict)}
    return {}


def _field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": k, "before": before.get(k), "after": after.get(k)}
        for k in sorted({*before, *after})
        if before.get(k) != after.get(k)
    ]


def diff_manifest(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> dict[str, Any]:
    a, b = _manifest(old), _manifest(new)
    settings = [
        {"field": k, "before": a.get(k), "after": b.get(k)}
        for k in sorted({*a, *b} - {"lanes", "materials", "items"})
        if a.get(k) != b.get(k)
    ]
    out: dict[str, Any] = {"settings": settings}
    for section, key in (("lanes", None), ("materials", "id"), ("items", "id")):
        before, after = _keyed(a.get(section), key), _keyed(b.get(section), key)
        out[section] = {
            "added": [k for k in after if k not in before],
            "removed": [k for k in before if k not in after],
            "changed": [
                {"id": k, "changes": _field_changes(before[k], after[k])}
                for k in after
                if k in before and before[k] != after[k] and isinstance(before[k], dict) and isinstance(after[k], dict)
            ],
        }
    return out


def diff_files(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> dict[str, list[str]]:
    def digest(b: bytes) -> str:
        return hashlib.sha256(b).hexdigest()

    return {
        "added": sorted(n for n in new if n not in old),
        "removed": sorted(n for n in old if n not in new),
        "changed": sorted(n for n in new if n in old and digest(old[n]) != digest(new[n])),
    }


def diff(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> dict[str, Any]:
    """The whole comparison of two file sets (``old`` may be empty: everything is added)."""
    application = {}
    a, b = _manifest(old), _manifest(new)
    try:
        before = forms.field_paths(forms.merge_application(a["application"], old).schema) if a else []
        after = forms.field_paths(forms.merge_application(b["application"], new).schema) if b else []
        application = {
            "added_fields": [f for f in after if f not in before],
            "removed_fields": [f for f in before if f not in after],
        }
    except Exception:
        application = {"added_fields": [], "removed_fields": []}
    return {
        "files": diff_files(old, new),
        "elements": diff_elements(old, new),
        "forms": diff_forms(old, new),
        "application_form": application,
        "manifest": diff_manifest(old, new),
    }
