"""Reads a bundle from the repository layout into the flat file set a deploy takes.

``processes/<id>/`` holds the manifest, BPMN and DMN; ``forms/<id>/`` the forms; shared fragments
(``common/…``) come from ``processes/common/`` and ``forms/common/`` and are included only when
referenced, so an edit to an unrelated fragment does not create a new version of every bundle.
"""

import json
import re
from pathlib import Path
from typing import Any

from engine.errors import invalid

_COMMON = re.compile(rb"common/[A-Za-z0-9_.-]+\.json")


def load_folder(path: Path) -> dict[str, bytes]:
    """Files of the bundle in ``path`` (a ``processes/<id>`` folder, or a folder holding everything)."""
    path = path.resolve()
    if not (path / "bundle.json").is_file():
        raise invalid("not a bundle folder", [([str(path.name)], "bundle.json is missing")])
    files = {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith(".")}
    processes_root = path.parent
    forms_root = processes_root.parent / "forms"
    forms_dir = forms_root / path.name
    if forms_dir.is_dir():
        for p in sorted(forms_dir.rglob("*.json")):
            files.setdefault(str(p.relative_to(forms_dir)), p.read_bytes())
    try:
        manifest: dict[str, Any] = json.loads(files["bundle.json"])
    except json.JSONDecodeError:
        return files  # the deploy reports the broken manifest
    for shared in manifest.get("shared", []) if isinstance(manifest, dict) else []:
        source = processes_root / shared
        if isinstance(shared, str) and source.is_file():
            files[shared] = source.read_bytes()
    _add_common_forms(files, forms_root)
    return files


def _add_common_forms(files: dict[str, bytes], forms_root: Path) -> None:
    """Add every ``common/…json`` fragment named by the bundle, transitively, with its ui schema."""
    pending = [m.decode() for content in files.values() for m in _COMMON.findall(content)]
    while pending:
        name = pending.pop()
        source = forms_root / name
        if name in files or not source.is_file():
            continue  # a missing fragment is reported by the deploy, naming the file that wants it
        files[name] = source.read_bytes()
        pending += [m.decode() for m in _COMMON.findall(files[name])]
        ui_name = name.replace(".schema.json", ".uischema.json")
        if ui_name != name and (forms_root / ui_name).is_file():
            files.setdefault(ui_name, (forms_root / ui_name).read_bytes())
