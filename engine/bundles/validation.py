"""Everything a deploy checks before anything is stored.

Each problem names the file and the BPMN element (or JSON path) at fault, and all problems are
reported at once, so a designer fixes a bundle in one round instead of one error at a time.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from engine import forms, runtime
from engine.errors import ErrorItem, Invalid

MANIFEST = "bundle.json"
_NAME = re.compile(r"^(?!/)(?!.*\.\.)(?!.*\\)[^\x00-\x1f]{1,255}$")
_KINDS = (".bpmn", ".bpmn20.xml", ".dmn", ".json")


@dataclass(frozen=True)
class CheckedBundle:
    manifest: dict[str, Any]
    files: dict[str, bytes]
    content_hash: str
    compiled: runtime.CompiledBundle


@cache
def _manifest_validator() -> Draft202012Validator:
    schema = json.loads(resources.files("engine.bundles").joinpath("manifest.schema.json").read_text("utf-8"))
    return Draft202012Validator(schema)


def content_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def is_process_file(name: str) -> bool:
    return name.endswith((".bpmn", ".bpmn20.xml", ".dmn"))


def lane_key(manifest: dict[str, Any], lane_id: str | None, lane_name: str | None) -> str | None:
    """The manifest key of a BPMN lane: its id, or else its name (for SpiffArena-style models)."""
    lanes = manifest["lanes"]
    if lane_id in lanes:
        return lane_id
    if lane_name in lanes:
        return lane_name
    return None


def element_file(files: dict[str, bytes], element_id: str) -> str:
    needle = f'id="{element_id}"'.encode()
    for name, content in files.items():
        if is_process_file(name) and needle in content:
            return name
    return next((n for n in files if is_process_file(n)), MANIFEST)


class _Problems:
    def __init__(self) -> None:
        self.items: list[ErrorItem] = []

    def add(self, loc: list[str | int], message: str) -> None:
        item = ErrorItem(tuple(loc), message)
        if item not in self.items:  # a common fragment's problem is reached through every form using it
            self.items.append(item)


def _load_manifest(files: dict[str, bytes], problems: _Problems) -> dict[str, Any] | None:
    if MANIFEST not in files:
        problems.add([MANIFEST], "the bundle has no bundle.json manifest")
        return None
    try:
        manifest = json.loads(files[MANIFEST].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.add([MANIFEST], f"not valid JSON: {exc}")
        return None
    errors = sorted(_manifest_validator().iter_errors(manifest), key=lambda e: list(e.absolute_path))
    for error in errors:
        problems.add([MANIFEST, *error.absolute_path], error.message)
    return None if errors else manifest


def _check_references(manifest: dict[str, Any], files: dict[str, bytes], problems: _Problems) -> None:
    lanes = manifest["lanes"]
    items = {item["id"] for item in manifest.get("items", [])}
    for i, item in enumerate(manifest.get("items", [])):
        if item["lane"] not in lanes:
            problems.add([MANIFEST, "items", i, "lane"], f"item {item['id']} names unknown lane {item['lane']}")
    for i, material in enumerate(manifest["materials"]):
        for ref in material.get("items", []):
            if ref not in items:
                problems.add([MANIFEST, "materials", i, "items"], f"material {material['id']} names unknown item {ref}")
    ids = [m["id"] for m in manifest["materials"]]
    for dup in {m for m in ids if ids.count(m) > 1}:
        problems.add([MANIFEST, "materials"], f"material id {dup} is used twice")
    if manifest.get("rating_lane") and manifest["rating_lane"] not in lanes:
        problems.add([MANIFEST, "rating_lane"], f"unknown lane {manifest['rating_lane']}")
    for i, name in enumerate(manifest.get("shared", [])):
        if name not in files:
            problems.add([MANIFEST, "shared", i], f"shared process file {name} is not in the upload")
    for i, name in enumerate(manifest["application"]):
        if name not in files:
            problems.add([MANIFEST, "application", i], f"application form {name} is not in the upload")


def _check_bpmn_against_manifest(
    manifest: dict[str, Any], files: dict[str, bytes], compiled: runtime.CompiledBundle, problems: _Problems
) -> None:
    for lane_id, lane_name in compiled.lanes.items():
        if lane_key(manifest, lane_id, lane_name) is None:
            problems.add(
                [element_file(files, lane_id), lane_id],
                f"lane {lane_name or lane_id} is not in the manifest's lanes ({', '.join(manifest['lanes'])})",
            )
    checked: set[str] = set()
    for task in compiled.user_tasks.values():
        for form_name in (task.form, task.ui_form):
            if form_name is None:
                continue
            where = [element_file(files, task.bpmn_id), task.bpmn_id]
            if form_name not in files:
                problems.add(where, f"user task {task.name or task.bpmn_id} names form {form_name}, which is missing")
            elif form_name not in checked:
                checked.add(form_name)
                for p in forms.check_form(form_name, files):
                    problems.add([p.file, *p.path], p.message)
    for i, event in enumerate(manifest.get("events", [])):
        if event not in compiled.message_starts:
            problems.add(
                [MANIFEST, "events", i], f"no message start event of process {compiled.process_id} is named {event}"
            )


def check(files: dict[str, bytes]) -> CheckedBundle:
    """Validate a whole bundle; raise ``Invalid`` listing every problem, or return what deploy stores."""
    problems = _Problems()
    for name in files:
        if not _NAME.match(name):
            problems.add([name], "file names are relative paths without '..' or backslashes")
        elif name != MANIFEST and not name.endswith(_KINDS):
            problems.add([name], "only bundle.json, BPMN (.bpmn), DMN (.dmn) and JSON form files belong in a bundle")
    manifest = _load_manifest(files, problems)
    for name in files:
        if name.endswith(".json") and name != MANIFEST:
            for p in forms.check_json(name, files):
                problems.add([p.file, *p.path], p.message)
    compiled = None
    process_files = {n: c for n, c in files.items() if is_process_file(n)}
    if not process_files:
        problems.add([MANIFEST], "the bundle has no BPMN file")
    elif manifest is not None:
        digest = content_hash(files)
        try:
            compiled = runtime.specs.get(digest) or runtime.compile_bundle(digest, process_files, manifest["process"])
        except runtime.SpecInvalid as exc:
            first = next(iter(process_files))
            for p in exc.problems:
                file = p.file or first
                problems.add([file] if p.element is None else [file, p.element], p.message)
    if manifest is not None:
        _check_references(manifest, files, problems)
        if not problems.items:
            merged = forms.merge_application(manifest["application"], files)
            for p in merged.problems:
                problems.add([p.file, *p.path], p.message)
    if compiled is not None and manifest is not None:
        _check_bpmn_against_manifest(manifest, files, compiled, problems)
    if problems.items:
        raise Invalid(f"bundle has {len(problems.items)} problem(s); nothing was stored", problems.items)
    assert manifest is not None and compiled is not None
    return CheckedBundle(manifest=manifest, files=files, content_hash=content_hash(files), compiled=compiled)
