"""A bundle around BPMN files drawn elsewhere (Camunda, Signavio, SpiffArena …).

Designers importing a diagram, and our corpus checks, start from a bare ``.bpmn``: this generates the
manifest a deploy needs — every lane becomes a department of its own, an empty application form —
so the verdict is about the diagram, not about a missing ``bundle.json``.
"""

import json
import re
from typing import Any

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
APPLICATION = "application.schema.json"


def _safe_parse(content: bytes) -> etree._Element | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError:
        return None


def _bundle_id(name: str) -> str:
    stem = re.sub(r"\.(bpmn20\.xml|bpmn|dmn|xml)$", "", name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "imported"
    return ("x-" + slug)[:63].rstrip("-")


def main_process(root: etree._Element) -> str | None:
    """The first executable process (SpiffWorkflow's rule: executable unless it says otherwise)."""
    processes = root.findall(f"{{{BPMN_NS}}}process")
    executable = [p for p in processes if p.get("isExecutable", "true").lower() != "false"]
    chosen = (executable or processes or [None])[0]
    return chosen.get("id") if chosen is not None else None


def called_processes(content: bytes) -> set[str]:
    root = _safe_parse(content)
    if root is None:
        return set()
    return {e.get("calledElement") for e in root.iter(f"{{{BPMN_NS}}}callActivity") if e.get("calledElement")}


def process_ids(content: bytes) -> set[str]:
    root = _safe_parse(content)
    return set() if root is None else {p.get("id") for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("id")}


def wrap(main: str, files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` holds the main BPMN (named ``main``) and whatever it needs; returns a deployable set."""
    lanes: dict[str, Any] = {}
    for name, content in files.items():
        root = _safe_parse(content) if name.endswith((".bpmn", ".xml")) else None
        for lane in root.iter(f"{{{BPMN_NS}}}lane") if root is not None else ():
            key = lane.get("id")
            if key and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}", key) and key not in lanes:
                lanes[key] = {
                    "department": f"d{len(lanes) + 1}",
                    "department_name": (lane.get("name") or key).strip()[:100] or key,
                    "region": "handling",
                }
    root = _safe_parse(files[main])
    manifest = {
        "id": _bundle_id(main),
        "name": main.rsplit("/", 1)[-1][:100],
        "process": (main_process(root) if root is not None else None) or "unknown",
        "modes": [],
        "time_limit_working_days": 20,
        "application": [APPLICATION],
        "lanes": lanes or {"default": {"department": "d1", "department_name": "默认部门", "region": "handling"}},
        "materials": [],
    }
    wrapped = dict(files)
    wrapped["bundle.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    wrapped.setdefault(APPLICATION, b'{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}')
    return wrapped
