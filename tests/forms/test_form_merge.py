"""一表申请: 市场监管 and 消防 ask for the applicant once, and the browser gets one self-contained form."""

import json
from collections import Counter
from typing import Any

from engine.forms import field_paths, merge_application, validate_schema

APPLICANT = {
    "type": "object",
    "properties": {
        "applicant": {
            "type": "object",
            "title": "申请人",
            "properties": {
                "name": {"type": "string"},
                "id_number": {"type": "string", "format": "cn-id-card"},
                "address": {"$ref": "address.schema.json#/$defs/address"},
            },
            "required": ["name", "id_number"],
        }
    },
    "required": ["applicant"],
}
ADDRESS = {
    "$defs": {
        "address": {
            "type": "object",
            "properties": {"region": {"type": "string", "format": "cn-region-code"}, "detail": {"type": "string"}},
        }
    }
}
MARKET = {
    "type": "object",
    "properties": {
        # the same applicant, written by another hand: different key order, `required` in another order
        "applicant": {
            "required": ["id_number", "name"],
            "properties": {
                "id_number": {"format": "cn-id-card", "type": "string"},
                "name": {"type": "string"},
                "address": {"$ref": "common/address.schema.json#/$defs/address"},
            },
            "title": "申请人",
            "type": "object",
        },
        "company": {
            "type": "object",
            "properties": {"uscc": {"type": "string", "format": "cn-uscc"}, "name": {"type": "string"}},
        },
    },
    "required": ["company"],
}
FIRE = {
    "type": "object",
    "properties": {
        "company": {"$ref": "market.schema.json#/properties/company"},
        "floor_area": {"type": "number", "minimum": 0},
        "has_kitchen": {"type": "boolean"},
    },
    "required": ["floor_area"],
}


def files_of(documents: dict[str, Any]) -> dict[str, bytes]:
    return {k: v if isinstance(v, bytes) else json.dumps(v, ensure_ascii=False).encode() for k, v in documents.items()}


BUNDLE = files_of(
    {
        "common/applicant.schema.json": APPLICANT,
        "common/address.schema.json": ADDRESS,
        "market.schema.json": MARKET,
        "fire.schema.json": FIRE,
    }
)
PARTS = ["common/applicant.schema.json", "market.schema.json", "fire.schema.json"]


def refs_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in refs_in(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs_in(v)]
    return []


def test_shared_fields_are_asked_once() -> None:
    merged = merge_application(PARTS, BUNDLE)
    assert merged.problems == []
    assert list(merged.schema["properties"]) == ["applicant", "company", "floor_area", "has_kitchen"]
    paths = field_paths(merged.schema)
    assert paths == [
        "applicant.name",
        "applicant.id_number",
        "applicant.address.region",
        "applicant.address.detail",
        "company.uscc",
        "company.name",
        "floor_area",
        "has_kitchen",
    ]
    # Each part on its own asks for some of these; together they would ask the applicant and company twice.
    parts_paths = Counter(p for name in PARTS for p in field_paths(merge_application([name], BUNDLE).schema))
    assert parts_paths["applicant.id_number"] == 2 and parts_paths["company.uscc"] == 2
    assert set(parts_paths) == set(paths)
    assert all(count == 1 for count in Counter(paths).values())


def test_required_lists_are_unioned() -> None:
    merged = merge_application(PARTS, BUNDLE)
    assert merged.schema["required"] == ["applicant", "company", "floor_area"]


def test_result_is_self_contained() -> None:
    merged = merge_application(PARTS, BUNDLE)
    assert refs_in(merged.schema) == []
    assert merged.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert merged.schema["properties"]["applicant"]["properties"]["address"]["properties"]["region"] == {
        "type": "string",
        "format": "cn-region-code",
    }
    good = {
        "applicant": {"name": "张三", "id_number": "11010519491231002X", "address": {"region": "330106"}},
        "company": {"uscc": "91350100M000100Y43"},
        "floor_area": 80.5,
    }
    assert validate_schema(merged.schema, good) == []


def test_same_name_with_different_schemas_names_both_files() -> None:
    fire = {"type": "object", "properties": {"company": {"type": "string", "title": "单位名称"}}}
    files = {**BUNDLE, **files_of({"fire.schema.json": fire})}
    merged = merge_application(PARTS, files)
    [problem] = merged.problems
    assert problem.kind == "conflict"
    assert problem.file == "fire.schema.json" and problem.other_files == ("market.schema.json",)
    assert problem.path == ("properties", "company")
    assert "company" in problem.message and "market.schema.json" in problem.message
    assert "fire.schema.json" in problem.message
    assert "market.schema.json" in problem.message_en and "fire.schema.json" in problem.message_en


def test_ui_schemas_follow_files_then_their_own_order() -> None:
    files = {
        **BUNDLE,
        **files_of(
            {
                "common/applicant.uischema.json": {"applicant": {"id_number": {"ui:placeholder": "18 位"}}},
                "market.uischema.json": {"company": {"ui:title": "企业"}, "ui:order": ["company", "*"]},
                "fire.uischema.json": {
                    "ui:order": ["has_kitchen", "*"],
                    "has_kitchen": {"ui:widget": "radio"},
                    "company": {"ui:title": "被消防这边改掉的标题"},
                },
            }
        ),
    }
    merged = merge_application(PARTS, files)
    assert merged.ui_schema["ui:order"] == ["applicant", "company", "has_kitchen", "floor_area"]
    assert merged.ui_schema["applicant"] == {"id_number": {"ui:placeholder": "18 位"}}
    assert merged.ui_schema["company"] == {"ui:title": "企业"}  # the first part that styles a shared field wins
    assert merged.ui_schema["has_kitchen"] == {"ui:widget": "radio"}


def test_ui_of_a_referenced_common_file_comes_along() -> None:
    form = {"type": "object", "properties": {"who": {"$ref": "common/person.schema.json"}}}
    person = {"type": "object", "properties": {"name": {"type": "string"}, "phone": {"type": "string"}}}
    files = files_of(
        {
            "x.schema.json": form,
            "common/person.schema.json": person,
            "common/person.uischema.json": {"ui:order": ["phone", "name"]},
        }
    )
    merged = merge_application(["x.schema.json"], files)
    assert merged.ui_schema == {"who": {"ui:order": ["phone", "name"]}}
    assert merged.schema["properties"]["who"]["properties"]["phone"] == {"type": "string"}


def test_single_form_keeps_its_title_and_rules() -> None:
    form = {
        "title": "食品经营许可",
        "type": "object",
        "properties": {
            "applicant": {"$ref": "common/applicant.schema.json#/properties/applicant", "title": "经营者"},
            "kind": {"enum": ["餐饮", "零售"]},
            "licence": {"type": "string"},
        },
        "if": {"properties": {"kind": {"const": "餐饮"}}},
        "then": {"required": ["licence"]},
    }
    files = {**BUNDLE, **files_of({"food.schema.json": form, "food.uischema.json": {"ui:order": ["kind", "*"]}})}
    merged = merge_application(["food.schema.json"], files)
    assert merged.problems == []
    assert merged.schema["title"] == "食品经营许可"
    assert merged.schema["properties"]["applicant"]["title"] == "经营者"  # a $ref's sibling annotation wins
    assert merged.ui_schema == {"ui:order": ["kind", "*"]}
    errors = validate_schema(merged.schema, {"kind": "餐饮"})
    assert [e.loc for e in errors] == [("licence",)]


def test_root_rules_of_several_parts_all_apply() -> None:
    a = {
        "type": "object",
        "properties": {"x": {"type": "integer"}},
        "if": {"required": ["x"]},
        "then": {"required": ["y"]},
    }
    b = {"type": "object", "properties": {"y": {"type": "integer"}}, "dependentRequired": {"y": ["z"]}}
    c = {"type": "object", "properties": {"z": {"type": "integer"}}, "additionalProperties": False}
    merged = merge_application(["a.json", "b.json", "c.json"], files_of({"a.json": a, "b.json": b, "c.json": c}))
    assert merged.problems == []
    assert len(merged.schema["allOf"]) == 2
    assert [e.loc for e in validate_schema(merged.schema, {"x": 1})] == [("y",)]
    assert [e.loc for e in validate_schema(merged.schema, {"x": 1, "y": 2})] == [("z",)]
    assert validate_schema(merged.schema, {"x": 1, "y": 2, "z": 3}) == []
    assert [e.loc for e in validate_schema(merged.schema, {"w": 1})] == [("w",)]  # closed by c, open to a and b


def test_recursive_parts_keep_a_local_def() -> None:
    node = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#"}}},
    }
    files = files_of(
        {
            "tree.schema.json": node,
            "x.schema.json": {"type": "object", "properties": {"org": {"$ref": "tree.schema.json"}}},
        }
    )
    merged = merge_application(["x.schema.json"], files)
    assert merged.problems == []
    assert set(refs_in(merged.schema)) == {"#/$defs/tree"}
    assert "tree" in merged.schema["$defs"]
    data = {"org": {"name": "a", "children": [{"name": "b", "children": [{"name": 3}]}]}}
    assert [e.loc for e in validate_schema(merged.schema, data)] == [("org", "children", 0, "children", 0, "name")]


def test_missing_and_broken_parts_are_problems() -> None:
    files = {**BUNDLE, "bad.schema.json": b"{", "ref.schema.json": b'{"properties": {"a": {"$ref": "nope.json"}}}'}
    merged = merge_application(
        ["common/applicant.schema.json", "gone.schema.json", "bad.schema.json", "ref.schema.json"], files
    )
    assert [(p.file, p.kind) for p in merged.problems] == [
        ("gone.schema.json", "ref"),
        ("bad.schema.json", "json"),
        ("ref.schema.json", "ref"),
    ]
    assert "applicant" in merged.schema["properties"]


def test_non_object_part_is_refused() -> None:
    files = files_of({"a.json": {"type": "object", "properties": {"x": {}}}, "b.json": {"type": "string"}})
    merged = merge_application(["a.json", "b.json"], files)
    assert [(p.file, p.kind) for p in merged.problems] == [("b.json", "schema")]


def test_field_paths_include_conditional_fields_once() -> None:
    schema = {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}},
        "if": {"properties": {"kind": {"const": "x"}}},
        "then": {"properties": {"licence": {"type": "string"}, "kind": {"minLength": 1}}},
        "else": {"properties": {"licence": {"type": "string"}}},
    }
    assert field_paths(schema) == ["kind", "tags", "licence"]
