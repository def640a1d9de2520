"""Deploy-time checks of form files: everything that would otherwise fail in front of an applicant."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from engine.forms.formats import KNOWN_FORMATS
from engine.forms.keywords import subschemas
from engine.forms.loader import BundleDocs, file_of, load, parse_file, uri_of
from engine.forms.problems import FormProblem, Loc

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
_META = Draft202012Validator(Draft202012Validator.META_SCHEMA)


def ui_schema_name(schema_name: str) -> str:
    """The ui schema that belongs to a schema file: ``x.schema.json`` → ``x.uischema.json`` (SpiffArena's
    ``x-schema.json`` → ``x-uischema.json`` too)."""
    for suffix, ui_suffix in ((".schema.json", ".uischema.json"), ("-schema.json", "-uischema.json")):
        if schema_name.endswith(suffix):
            return schema_name.removesuffix(suffix) + ui_suffix
    return schema_name.removesuffix(".json") + ".uischema.json"


def check_json(name: str, files: Mapping[str, bytes]) -> list[FormProblem]:
    """Whether a file of the bundle is well-formed JSON (line and column of the first error if not)."""
    _, problem = parse_file(name, files[name])
    return [] if problem is None else [problem]


def check_form(name: str, files: Mapping[str, bytes]) -> list[FormProblem]:
    """Everything wrong with the form ``name`` and with the files it references, transitively: JSON syntax,
    the Draft 2020-12 metaschema, unresolvable ``$ref``s, unknown ``format`` names, patterns the server cannot
    evaluate, and a broken sibling ui schema. Problems name the file they are in."""
    if name not in files:
        return [FormProblem(name, "ref", "表单文件不存在", "no such file in the bundle")]
    docs = load(files)
    problems: list[FormProblem] = []
    queue, seen = [name], {name}
    while queue:
        current = queue.pop(0)
        if current in docs.problems:
            problems.append(docs.problems[current])
            continue
        if current not in docs.documents:
            continue  # not JSON; the unresolved $ref into it is reported where it is written
        for target in _check_document(current, docs, problems):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    problems.extend(_check_ui_schema(name, files))
    return problems


def _check_document(name: str, docs: BundleDocs, problems: list[FormProblem]) -> set[str]:
    """Append the problems of one document; return the bundle files its refs lead to."""
    document = docs.documents[name]
    if not isinstance(document, dict | bool):
        problems.append(FormProblem(name, "schema", "表单应为 JSON 对象", "a form must be a JSON object"))
        return set()
    declared = document.get("$schema", DRAFT_2020_12) if isinstance(document, dict) else DRAFT_2020_12
    if not isinstance(declared, str) or declared.rstrip("#") != DRAFT_2020_12:
        problems.append(
            FormProblem(
                name,
                "schema",
                f"只支持 JSON Schema 2020-12（$schema 应为 {DRAFT_2020_12}）",
                f"only JSON Schema 2020-12 is supported ($schema must be {DRAFT_2020_12})",
                path=("$schema",),
            )
        )
    for error in sorted(_META.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]):
        problems.append(
            FormProblem(
                name,
                "schema",
                f"不是有效的 JSON Schema：{error.message}",
                f"not a valid JSON Schema: {error.message}",
                path=tuple(error.absolute_path),
            )
        )
    targets: set[str] = set()
    _walk(name, document, (), uri_of(name), docs, problems, targets)
    return targets


def _walk(
    name: str, node: Any, path: Loc, base: str, docs: BundleDocs, problems: list[FormProblem], targets: set[str]
) -> None:
    if not isinstance(node, dict):
        return
    if isinstance(node.get("$id"), str):
        base = urljoin(base, node["$id"])
    ref = node.get("$ref")
    if isinstance(ref, str):
        target = file_of(urljoin(base, ref))
        try:
            docs.registry.resolver(base_uri=base).lookup(ref)
        except Unresolvable:
            reason = "（被引用的文件有错误）" if target in docs.problems else ""
            reason_en = " (the referenced file has errors)" if target in docs.problems else ""
            problems.append(
                FormProblem(
                    name,
                    "ref",
                    f"无法解析引用 {ref}{reason}",
                    f"unresolvable $ref {ref}{reason_en}",
                    path=(*path, "$ref"),
                )
            )
        if target is not None and target != name:
            targets.add(target)
    fmt = node.get("format")
    if isinstance(fmt, str) and fmt not in KNOWN_FORMATS:
        problems.append(
            FormProblem(
                name,
                "format",
                f"未知的格式 {fmt}（可用：{', '.join(sorted(KNOWN_FORMATS))}）",
                f"unknown format {fmt} (known: {', '.join(sorted(KNOWN_FORMATS))})",
                path=(*path, "format"),
            )
        )
    patterns: list[tuple[Loc, str]] = []
    if isinstance(node.get("pattern"), str):
        patterns.append(((*path, "pattern"), node["pattern"]))
    if isinstance(node.get("patternProperties"), dict):
        patterns.extend(((*path, "patternProperties", p), p) for p in node["patternProperties"])
    for where, pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            problems.append(
                FormProblem(
                    name,
                    "schema",
                    f"正则表达式无法在服务端使用：{error}（如 \\p{{Han}} 请改为 [\\u4e00-\\u9fa5]）",
                    f"the server cannot evaluate this regular expression: {error}",
                    path=where,
                )
            )
    for sub_path, sub in subschemas(node):
        _walk(name, sub, path + sub_path, base, docs, problems, targets)


def _check_ui_schema(name: str, files: Mapping[str, bytes]) -> list[FormProblem]:
    ui_name = ui_schema_name(name)
    if ui_name not in files:
        return []
    document, problem = parse_file(ui_name, files[ui_name])
    if problem is not None:
        return [
            FormProblem(ui_name, "ui", problem.message, problem.message_en, line=problem.line, column=problem.column)
        ]
    if not isinstance(document, dict):
        return [FormProblem(ui_name, "ui", "ui schema 应为 JSON 对象", "a ui schema must be a JSON object")]
    return []
