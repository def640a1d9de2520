"""Deploy-time form checks: a designer learns about a broken form before an applicant meets it."""

import json
from typing import Any

from engine.forms import check_form, check_json

APPLICANT = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "id_number": {"type": "string", "format": "cn-id-card"}},
    "required": ["name", "id_number"],
}


def bundle(**documents: Any) -> dict[str, bytes]:
    """Files by name; keyword names use __ for / and _ for ., e.g. common__applicant_schema_json."""
    return {
        k.replace("__", "/").replace("_schema_json", ".schema.json").replace("_uischema_json", ".uischema.json"): (
            v if isinstance(v, bytes) else json.dumps(v, ensure_ascii=False).encode()
        )
        for k, v in documents.items()
    }


def test_a_good_form_with_a_ref_into_common_has_no_problems() -> None:
    files = bundle(
        common__applicant_schema_json=APPLICANT,
        restaurant_schema_json={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {"applicant": {"$ref": "common/applicant.schema.json"}, "format": {"type": "string"}},
        },
    )
    assert check_form("restaurant.schema.json", files) == []


def test_json_syntax_error_has_line_and_column() -> None:
    files = {"restaurant.schema.json": b'{\n  "type": "object",\n  "properties": {,}\n}'}
    [problem] = check_form("restaurant.schema.json", files)
    assert (problem.kind, problem.file, problem.line, problem.column) == ("json", "restaurant.schema.json", 3, 18)
    assert "JSON" in problem.message and problem.message_en.startswith("invalid JSON")
    assert check_json("restaurant.schema.json", files) == [problem]


def test_duplicate_keys_and_non_utf8_are_json_problems() -> None:
    files = {"a.schema.json": b'{"type": "object", "type": "string"}', "b.schema.json": '{"title": "表"}'.encode("gbk")}
    assert check_form("a.schema.json", files)[0].kind == "json"
    assert "UTF-8" in check_form("b.schema.json", files)[0].message


def test_metaschema_violations_point_at_the_json_path() -> None:
    files = bundle(
        x_schema_json={
            "type": "object",
            "properties": {"age": {"type": "integer", "minimum": "ten"}, "name": {"type": "strnig"}},
        }
    )
    problems = check_form("x.schema.json", files)
    assert {p.path for p in problems} == {("properties", "age", "minimum"), ("properties", "name", "type")}
    assert all(p.kind == "schema" and p.file == "x.schema.json" for p in problems)


def test_other_drafts_are_refused() -> None:
    files = bundle(x_schema_json={"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"})
    [problem] = check_form("x.schema.json", files)
    assert problem.path == ("$schema",) and "2020-12" in problem.message


def test_unresolvable_refs() -> None:
    files = bundle(
        common__address_schema_json={"$defs": {"address": {"type": "string"}}},
        x_schema_json={
            "type": "object",
            "properties": {
                "a": {"$ref": "common/missing.schema.json"},
                "b": {"$ref": "common/address.schema.json#/$defs/nowhere"},
                "c": {"$ref": "common/address.schema.json#/$defs/address"},
                "d": {"$ref": "https://example.com/schemas/person.json"},
                "e": {"$ref": "#/$defs/local"},
            },
        },
    )
    problems = check_form("x.schema.json", files)
    assert [(p.kind, p.path) for p in problems] == [
        ("ref", ("properties", "a", "$ref")),
        ("ref", ("properties", "b", "$ref")),
        ("ref", ("properties", "d", "$ref")),
        ("ref", ("properties", "e", "$ref")),
    ]
    assert "common/missing.schema.json" in problems[0].message


def test_problems_in_referenced_files_name_those_files() -> None:
    files = bundle(
        common__applicant_schema_json={
            "type": "object",
            "properties": {"phone": {"type": "string", "format": "phone"}},
        },
        common__broken_schema_json=b"{",
        x_schema_json={
            "type": "object",
            "properties": {
                "applicant": {"$ref": "common/applicant.schema.json"},
                "other": {"$ref": "common/broken.schema.json"},
            },
        },
    )
    problems = check_form("x.schema.json", files)
    by_file = {(p.file, p.kind) for p in problems}
    assert ("common/applicant.schema.json", "format") in by_file
    assert ("common/broken.schema.json", "json") in by_file
    assert ("x.schema.json", "ref") in by_file


def test_unknown_formats_and_server_unusable_patterns() -> None:
    files = bundle(
        x_schema_json={
            "type": "object",
            "properties": {
                "phone": {"type": "string", "format": "phone"},
                "id": {"type": "string", "format": "cn-id-card"},
                "when": {"type": "string", "format": "date-time"},
                "name": {"type": "string", "pattern": "^\\p{Han}+$"},
                "format": {"type": "string"},
            },
        }
    )
    problems = check_form("x.schema.json", files)
    assert [(p.kind, p.path) for p in problems] == [
        ("format", ("properties", "phone", "format")),
        ("schema", ("properties", "name", "pattern")),
    ]
    assert "cn-uscc" in problems[0].message  # tells which formats exist


def test_broken_sibling_ui_schema() -> None:
    files = bundle(x_schema_json={"type": "object"}, x_uischema_json=b"{'ui:order': []}")
    [problem] = check_form("x.schema.json", files)
    assert (problem.file, problem.kind, problem.line) == ("x.uischema.json", "ui", 1)


def test_missing_file() -> None:
    [problem] = check_form("nope.schema.json", {})
    assert problem.file == "nope.schema.json" and problem.kind == "ref"
