"""Validation of submitted data: an applicant of 开办餐饮店 sees each mistake next to the field concerned."""

import json
from datetime import date
from typing import Any

import pytest

from engine.forms import FieldError, FormDefinitionError, merge_application, validate, validate_application, validation
from engine.forms import validate_schema as validate_self_contained

TODAY = date(2026, 11, 21)

APPLICANT = {
    "type": "object",
    "properties": {
        "applicant": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 2},
                "id_number": {"type": "string", "format": "cn-id-card"},
                "mobile": {"type": "string", "format": "cn-mobile"},
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
            "required": ["region"],
            "additionalProperties": False,
        }
    }
}
RESTAURANT = {
    "type": "object",
    "properties": {
        "applicant": {"$ref": "common/applicant.schema.json#/properties/applicant"},
        "restaurant": {
            "type": "object",
            "properties": {
                "uscc": {"type": "string", "format": "cn-uscc"},
                "seats": {"type": "integer", "minimum": 1},
                "kind": {"enum": ["堂食", "外卖"]},
            },
            "required": ["uscc", "seats"],
        },
    },
    "required": ["applicant", "restaurant"],
}


def files_with(overrides: dict[str, Any] | None = None) -> dict[str, bytes]:
    documents = {
        "common/applicant.schema.json": APPLICANT,
        "common/address.schema.json": ADDRESS,
        "restaurant.schema.json": RESTAURANT,
        **(overrides or {}),
    }
    return {k: json.dumps(v, ensure_ascii=False).encode() for k, v in documents.items()}


GOOD = {
    "applicant": {
        "name": "张三",
        "id_number": "11010519491231002X",
        "mobile": "13800138000",
        "address": {"region": "330106", "detail": "文三路 1 号"},
    },
    "restaurant": {"uscc": "91350100M000100Y43", "seats": 20, "kind": "堂食"},
}


def test_valid_data_through_refs_into_common() -> None:
    assert validate("restaurant.schema.json", files_with(), GOOD, today=TODAY) == []


def test_errors_name_the_field_path_in_chinese_and_english() -> None:
    data = {
        "applicant": {
            "name": "张",
            "id_number": "110105194912310021",
            "mobile": "110",
            "address": {"region": "999999"},
        },
        "restaurant": {"uscc": "91350100M000100Y44", "seats": 0, "kind": "路边摊"},
    }
    errors = {e.loc: e for e in validate("restaurant.schema.json", files_with(), data, today=TODAY)}
    assert set(errors) == {
        ("applicant", "name"),
        ("applicant", "id_number"),
        ("applicant", "mobile"),
        ("applicant", "address", "region"),
        ("restaurant", "uscc"),
        ("restaurant", "seats"),
        ("restaurant", "kind"),
    }
    assert errors["applicant", "id_number"].message.startswith("不是有效的公民身份号码")
    assert "check character" in errors["applicant", "id_number"].message_en
    assert errors["restaurant", "uscc"].message.startswith("不是有效的统一社会信用代码")
    assert errors["applicant", "mobile"].message == "不是有效的手机号码"
    assert errors["applicant", "address", "region"].message == "不是有效的行政区划代码"
    assert errors["restaurant", "seats"].message == "不能小于 1"
    assert errors["applicant", "name"].message_en == "must have at least 2 characters"


def test_required_errors_point_at_the_missing_property() -> None:
    data = {"applicant": {"name": "张三", "address": {"detail": "x"}}}
    errors = validate("restaurant.schema.json", files_with(), data, today=TODAY)
    assert FieldError(("applicant", "id_number"), "缺少必填项", "is required") in errors
    assert FieldError(("applicant", "address", "region"), "缺少必填项", "is required") in errors
    assert FieldError(("restaurant",), "缺少必填项", "is required") in errors


def test_extra_and_forbidden_fields_point_at_themselves() -> None:
    data = {**GOOD, "applicant": {**GOOD["applicant"], "address": {"region": "330106", "floor": 3}}}
    errors = validate("restaurant.schema.json", files_with(), data, today=TODAY)
    assert errors == [FieldError(("applicant", "address", "floor"), "不允许的字段", "is not an allowed field")]
    forbidding = files_with({"x.json": {"type": "object", "properties": {"secret": False}}})
    assert validate("x.json", forbidding, {"secret": 1}) == [
        FieldError(("secret",), "不允许填写此项", "is not allowed")
    ]


def test_type_and_array_messages() -> None:
    files = files_with(
        {
            "x.json": {
                "type": "object",
                "properties": {
                    "staff": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "object", "properties": {"mobile": {"format": "cn-mobile"}}},
                    },
                    "open": {"type": "boolean"},
                },
            }
        }
    )
    errors = validate("x.json", files, {"staff": [{"mobile": "13800138000"}, {"mobile": "12"}], "open": "yes"})
    assert [(e.loc, e.message) for e in errors] == [
        (("staff", 1, "mobile"), "不是有效的手机号码"),
        (("open",), "应为是/否"),
    ]
    assert validate("x.json", files, {"staff": []})[0].message == "至少 1 项"


def test_birth_date_is_checked_against_today() -> None:
    files = files_with({"x.json": {"properties": {"id": {"format": "cn-id-card"}}}})
    born_20261120 = "11010120261120000"
    number = born_20261120 + "10X98765432"[sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(born_20261120)) % 11]
    assert validate("x.json", files, {"id": number}, today=date(2026, 12, 1)) == []
    [error] = validate("x.json", files, {"id": number}, today=date(2026, 11, 1))
    assert "出生日期" in error.message


def test_validators_are_built_once_per_content() -> None:
    files = files_with()
    validate("restaurant.schema.json", files, GOOD, today=TODAY)
    before = validation._compiled_forms.cache_info()
    for _ in range(5):
        validate("restaurant.schema.json", dict(files), GOOD, today=TODAY)  # a new dict, same content
    after = validation._compiled_forms.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 5


def test_a_changed_common_file_is_a_new_validator() -> None:
    stricter = {**ADDRESS, "$defs": {"address": {**ADDRESS["$defs"]["address"], "required": ["region", "detail"]}}}
    data = {**GOOD, "applicant": {**GOOD["applicant"], "address": {"region": "330106"}}}
    assert validate("restaurant.schema.json", files_with(), data, today=TODAY) == []
    errors = validate("restaurant.schema.json", files_with({"common/address.schema.json": stricter}), data, today=TODAY)
    assert [e.loc for e in errors] == [("applicant", "address", "detail")]


def test_a_broken_form_is_a_definition_error() -> None:
    files = files_with({"x.json": {"properties": {"a": {"$ref": "common/nope.schema.json"}}}})
    with pytest.raises(FormDefinitionError) as caught:
        validate("x.json", files, {})
    assert caught.value.problems[0].kind == "ref"


def test_merged_application_validates_like_its_parts() -> None:
    files = files_with()
    names = ["common/applicant.schema.json", "restaurant.schema.json"]
    merged = merge_application(names, files)
    assert validate_application(names, files, GOOD, today=TODAY) == []
    assert validate_self_contained(merged.schema, GOOD, today=TODAY) == []
    bad = {"applicant": {"name": "张三", "id_number": "11010519491231002X"}, "restaurant": {"uscc": "x", "seats": 1}}
    expected = [("restaurant", "uscc")]
    assert [e.loc for e in validate_application(names, files, bad, today=TODAY)] == expected
    assert [e.loc for e in validate_self_contained(merged.schema, bad, today=TODAY)] == expected


def test_self_contained_schema_never_fetches_remote_refs() -> None:
    with pytest.raises(FormDefinitionError) as caught:
        validate_self_contained({"$ref": "https://example.com/schema.json"}, {})
    assert "https://example.com/schema.json" in caught.value.problems[0].message
