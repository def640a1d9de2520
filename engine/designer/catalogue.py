"""What the designer's editor looks things up in: the department directory, the shared form fragments, a draft
form made self-contained for the live preview, the manifest's JSON schema."""

import json
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from engine import forms
from engine.auth.schemas import Principal
from engine.bundles import service as bundles
from engine.bundles.models import BundleVersion
from engine.bundles.validation import MANIFEST
from engine.designer.service import (
    encoded_files,
    find_draft,
    fragments_dir,
    problem_view,
    read_manifest,
    with_fragments,
)
from engine.errors import invalid


def departments(session: Session, who: Principal, bundle_id: str | None = None) -> list[dict[str, Any]]:
    """The department directory: every department of every deployed manifest's lanes (newest name wins), plus
    the lanes the caller's draft of ``bundle_id`` adds."""
    found: dict[str, dict[str, Any]] = {}

    def add(owner: str, manifest: Any) -> None:
        lanes = manifest.get("lanes") if isinstance(manifest, dict) else None
        for key, lane in (lanes or {}).items():
            if not isinstance(lane, dict) or not isinstance(lane.get("department"), str) or not lane["department"]:
                continue
            entry = found.setdefault(lane["department"], {"department": lane["department"], "regions": [], "lanes": []})
            entry["department_name"] = lane.get("department_name") or entry.get("department_name") or ""
            if lane.get("department_name_en"):
                entry["department_name_en"] = lane["department_name_en"]
            region = lane.get("region") if lane.get("region") in ("receiving", "handling") else "handling"
            if region not in entry["regions"]:
                entry["regions"].append(region)
            use = {"bundle_id": owner, "lane": key, "region": region}
            entry["lanes"] = [u for u in entry["lanes"] if (u["bundle_id"], u["lane"]) != (owner, key)] + [use]

    rows = session.exec(select(BundleVersion.bundle_id, BundleVersion.manifest).order_by(BundleVersion.id))
    for owner, manifest in rows:
        add(owner, manifest)
    if bundle_id is not None:
        draft = find_draft(session, who, bundle_id)
        if draft is not None:
            add(bundle_id, read_manifest({MANIFEST: draft.files.get(MANIFEST, "").encode()}))
    return sorted(found.values(), key=lambda d: d["department"])


def fragments() -> list[dict[str, Any]]:
    """The shared form fragments of the repository's ``forms/common/``, with what to ``$ref`` to insert one."""
    out = []
    root = fragments_dir()
    for path in sorted(root.glob("*.schema.json")) if root.is_dir() else []:
        try:
            schema = json.loads(path.read_text("utf-8"))
        except ValueError:
            continue
        ui_path = path.with_name(path.name.replace(".schema.json", ".uischema.json"))
        try:
            ui = json.loads(ui_path.read_text("utf-8")) if ui_path.is_file() else {}
        except ValueError:
            ui = {}
        name = f"common/{path.name}"
        props = list(schema.get("properties", {})) if isinstance(schema.get("properties"), dict) else []
        out.append(
            {
                "name": name,
                "title": schema.get("title") or path.name,
                "title_en": schema.get("x-title-en"),
                "properties": props,
                "ref": f"{name}#/properties/{props[0]}" if len(props) == 1 else name,
                "schema": schema,
                "ui_schema": ui,
            }
        )
    return out


def form_preview(name: str, files: dict[str, str]) -> dict[str, Any]:
    """A draft form made self-contained (``$ref``s inlined) exactly as an applicant's browser receives it."""
    encoded = with_fragments(encoded_files(files))
    if name not in encoded:
        raise invalid("表单不存在 / no such form", [([name], "not among the files sent")])
    problems = [
        problem_view("error", "form", [p.file, *p.path], p.message, encoded) for p in forms.check_form(name, encoded)
    ]
    merged = forms.merge_application([name], encoded)
    for p in merged.problems:
        item = problem_view("error", "form", [p.file, *p.path], p.message, encoded)
        if item not in problems:
            problems.append(item)
    return {
        "schema": merged.schema,
        "ui_schema": merged.ui_schema,
        "fields": forms.field_paths(merged.schema),
        "problems": problems,
    }


def manifest_schema() -> dict[str, Any]:
    return json.loads((Path(bundles.__file__).parent / "manifest.schema.json").read_text("utf-8"))
