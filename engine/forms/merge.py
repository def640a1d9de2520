"""The merged application form (一表申请): the form files of several departments as one form, each fact asked once.

Parts are merged flat, because the application data is the workflow's top-level data and gateways read it by
name (``applicant``, ``restaurant``). A property several parts share with the same schema is asked once; the same
name with different schemas is a deploy error naming both files, since silently picking one would validate some
department's data against another department's rules.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin

from engine.forms.inline import inline
from engine.forms.keywords import ANNOTATIONS, canonical
from engine.forms.lint import DRAFT_2020_12, ui_schema_name
from engine.forms.loader import BundleDocs, file_of, load, parse_file, uri_of
from engine.forms.problems import FormProblem

# Root keywords merged one by one; everything else at a part's root (if/then/else, allOf, dependentRequired, …)
# is kept as that part's own rule.
_MERGED = frozenset(
    {"properties", "required", "patternProperties", "additionalProperties", "unevaluatedProperties", "type"}
)


@dataclass(frozen=True)
class MergedForm:
    """A self-contained schema (no ``$ref`` but local ``#/$defs/…`` for recursive parts) with its rjsf ui schema,
    and the problems found while merging. Shared through caches: treat as read only."""

    schema: dict[str, Any]
    ui_schema: dict[str, Any]
    problems: list[FormProblem] = field(default_factory=list)


def merge_application(names: Sequence[str], files: Mapping[str, bytes], *, title: str | None = None) -> MergedForm:
    """Merge the form files ``names`` (order = order on screen) into one form.

    With a single name this is simply that form made self-contained, which is what a task form needs too.
    ``required`` lists are unioned; ``ui:order`` follows the files, then each file's own order.
    """
    docs = load(files)
    problems: list[FormProblem] = []
    parts: list[tuple[str, Any, dict[str, Any]]] = []
    for name in names:
        if name not in files:
            problems.append(FormProblem(name, "ref", "表单文件不存在", "no such file in the bundle"))
        elif name in docs.problems:
            problems.append(docs.problems[name])
        elif name not in docs.documents:
            problems.append(FormProblem(name, "json", "表单应为 .json 文件", "a form must be a .json file"))
        else:
            schema, defs, inline_problems = inline(docs, name)
            problems.extend(inline_problems)
            parts.append((name, schema, defs))
    uis = [(name, _ui_of(name, docs, files, problems)) for name, _, _ in parts]

    if len(names) == 1 and len(parts) == 1:
        _, schema, defs = parts[0]
        if not isinstance(schema, dict):
            return MergedForm({"$schema": DRAFT_2020_12, "not": {}} if schema is False else {}, uis[0][1], problems)
        single = {"$schema": DRAFT_2020_12, **schema}
        if defs:
            single["$defs"] = defs
        if title:
            single["title"] = title
        return MergedForm(single, uis[0][1], problems)
    return MergedForm(_merge_schemas(parts, problems, title), _merge_ui(parts, uis), problems)


def _merge_schemas(
    parts: list[tuple[str, Any, dict[str, Any]]], problems: list[FormProblem], title: str | None
) -> dict:
    properties: dict[str, Any] = {}
    pattern_properties: dict[str, Any] = {}
    origin: dict[tuple[str, str], tuple[str, str]] = {}  # (keyword, name) -> (file, canonical schema)
    required: list[str] = []
    closing: dict[str, dict[str, tuple[str, Any]]] = {"additionalProperties": {}, "unevaluatedProperties": {}}
    rules: list[dict[str, Any]] = []
    defs: dict[str, Any] = {}
    for name, schema, part_defs in parts:
        if not isinstance(schema, dict) or schema.get("type", "object") != "object":
            problems.append(
                FormProblem(
                    name,
                    "schema",
                    "申请表的组成部分应为 object 类型的表单",
                    "a part of the application form must be an object schema",
                )
            )
            continue
        for keyword, target in (("properties", properties), ("patternProperties", pattern_properties)):
            for prop, sub in _mapping(schema.get(keyword)).items():
                text = canonical(sub)
                first = origin.get((keyword, prop))
                if first is None:
                    origin[keyword, prop] = (name, text)
                    target[prop] = sub
                elif first[1] != text:
                    problems.append(_conflict(name, first[0], keyword, prop))
        listed = schema.get("required")
        required.extend(r for r in (listed if isinstance(listed, list) else []) if r not in required)
        for keyword, seen in closing.items():
            if keyword in schema:
                seen.setdefault(canonical(schema[keyword]), (name, schema[keyword]))
        rule = {k: v for k, v in schema.items() if k not in _MERGED and k not in ANNOTATIONS}
        if rule:
            rules.append(rule)
        for def_name, definition in part_defs.items():
            if def_name in defs and canonical(defs[def_name]) != canonical(definition):
                problems.append(_conflict(name, "", "$defs", def_name))
            defs.setdefault(def_name, definition)

    merged: dict[str, Any] = {"$schema": DRAFT_2020_12, "type": "object"}
    if title:
        merged["title"] = title
    merged["properties"] = properties
    if pattern_properties:
        merged["patternProperties"] = pattern_properties
    if required:
        merged["required"] = required
    for keyword, seen in closing.items():
        # A part that closes its object (false) closes the merged one: the union of all parts' fields is still
        # allowed, anything beyond is not. Two different non-trivial rules cannot be reconciled.
        if len(seen) == 1:
            merged[keyword] = next(iter(seen.values()))[1]
        elif len(seen) > 1:
            (file_a, _), (file_b, _) = list(seen.values())[:2]
            problems.append(_conflict(file_b, file_a, keyword, ""))
    if len(rules) == 1:
        merged.update(rules[0])
    elif rules:
        merged["allOf"] = rules
    if defs:
        merged["$defs"] = defs
    return merged


def _conflict(file: str, first_file: str, keyword: str, prop: str) -> FormProblem:
    what = f"字段 {prop}" if keyword == "properties" else f"{keyword} {prop}".strip()
    what_en = f"property {prop}" if keyword == "properties" else f"{keyword} {prop}".strip()
    return FormProblem(
        file,
        "conflict",
        f"{what} 在 {first_file} 和 {file} 中的定义不同，一表申请无法合并",
        f"{what_en} is defined differently in {first_file} and {file}",
        path=(keyword, prop) if prop else (keyword,),
        other_files=(first_file,),
    )


def _ui_of(name: str, docs: BundleDocs, files: Mapping[str, bytes], problems: list[FormProblem]) -> dict[str, Any]:
    """The ui schema of a form file, completed with the ui schemas of whole files its top-level properties
    reference (``"applicant": {"$ref": "common/applicant.schema.json"}`` gets ``common/applicant.uischema.json``)."""
    ui = _read_ui(ui_schema_name(name), files, problems)
    document = docs.documents.get(name)
    properties = _mapping(document.get("properties")) if isinstance(document, dict) else {}
    for prop, sub in properties.items():
        if prop in ui or not isinstance(sub, dict) or not isinstance(sub.get("$ref"), str):
            continue
        target_uri, fragment = urldefrag(urljoin(uri_of(name), sub["$ref"]))
        target = file_of(target_uri)
        if target is not None and not fragment:
            fragment_ui = _read_ui(ui_schema_name(target), files, problems)
            if fragment_ui:
                ui[prop] = fragment_ui
    return ui


def _read_ui(ui_name: str, files: Mapping[str, bytes], problems: list[FormProblem]) -> dict[str, Any]:
    if ui_name not in files:
        return {}
    document, problem = parse_file(ui_name, files[ui_name])
    if problem is not None or not isinstance(document, dict):
        found = FormProblem(ui_name, "ui", "ui schema 无法读取", "unreadable ui schema")
        if problem is not None:
            found = FormProblem(
                ui_name, "ui", problem.message, problem.message_en, line=problem.line, column=problem.column
            )
        if found not in problems:
            problems.append(found)
        return {}
    return copy.deepcopy(document)


def _merge_ui(parts: list[tuple[str, Any, dict[str, Any]]], uis: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Per-field ui entries: the first file that has one wins (a shared field keeps the look it has in the first
    part). ``ui:order``: parts in order, each in its own ``ui:order`` (``*`` expanded), each field once."""
    merged: dict[str, Any] = {}
    order: list[str] = []
    for (_, schema, _), (_, ui) in zip(parts, uis, strict=True):
        props = list(_mapping(schema.get("properties"))) if isinstance(schema, dict) else []
        for key, value in ui.items():
            if key != "ui:order":
                merged.setdefault(key, value)
        order.extend(p for p in _expand_order(ui.get("ui:order"), props) if p not in order)
    merged["ui:order"] = order
    return merged


def _expand_order(ui_order: Any, props: list[str]) -> list[str]:
    """A part's field order: its ``ui:order`` with ``*`` replaced by the fields it does not list (fields missing
    from a list without ``*`` go last, where rjsf would refuse to render the form)."""
    if not isinstance(ui_order, list):
        return props
    listed = [p for p in ui_order if p in props]
    rest = [p for p in props if p not in listed]
    if "*" in ui_order:
        star = ui_order.index("*")
        before = [p for p in ui_order[:star] if p in props]
        after = [p for p in ui_order[star + 1 :] if p in props]
        return before + rest + after
    return listed + rest


def field_paths(schema: Any) -> list[str]:
    """Every leaf field of a self-contained schema as a dotted path (``applicant.id_number``; array items as
    ``members[].name``), in form order, each once. Fields that conditional branches (``then``/``else``/
    ``allOf``/``dependentSchemas`` …) add are included; constraints they put on known fields add nothing."""
    paths: list[str] = []

    def visit(node: Any, prefix: str) -> None:
        if not isinstance(node, dict):
            return
        for prop, sub in _mapping(node.get("properties")).items():
            path = f"{prefix}.{prop}" if prefix else prop
            if _has_fields(sub):
                visit(sub, path)
            elif isinstance(sub, dict) and isinstance(sub.get("items"), dict) and _has_fields(sub["items"]):
                visit(sub["items"], f"{path}[]")
            elif path not in paths:
                paths.append(path)
        for keyword in ("allOf", "anyOf", "oneOf"):
            for branch in node.get(keyword) if isinstance(node.get(keyword), list) else []:
                visit(branch, prefix)
        for keyword in ("then", "else"):
            visit(node.get(keyword), prefix)
        for keyword in ("dependentSchemas", "dependencies"):
            for branch in _mapping(node.get(keyword)).values():
                visit(branch, prefix)

    visit(schema, "")
    return paths


def _has_fields(node: Any) -> bool:
    """An object with declared properties is a group of fields, not a field (a free-form object is one field)."""
    return isinstance(node, dict) and bool(node.get("properties")) and "$ref" not in node


def _mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is an object, else empty: merging must not crash on a schema the linter already refused."""
    return value if isinstance(value, dict) else {}
