"""Server-side validation of submitted data, with messages an applicant understands (Chinese first).

The server validates against the same self-contained schema the browser renders (``$ref``s inlined), so what the
form accepts and what the API accepts cannot drift apart. Validators are built once per content: a bundle version
never changes, and validation runs on every request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry
from referencing.exceptions import Unresolvable

from engine.forms.formats import FormatReason, format_checker
from engine.forms.keywords import map_schema
from engine.forms.lint import check_form
from engine.forms.loader import digest
from engine.forms.merge import merge_application
from engine.forms.problems import FieldError, FormDefinitionError, FormProblem

_CHECKER = format_checker()

_TYPE_NAMES = {
    "string": ("文本", "a string"),
    "integer": ("整数", "an integer"),
    "number": ("数字", "a number"),
    "boolean": ("是/否", "true or false"),
    "object": ("对象", "an object"),
    "array": ("列表", "a list"),
    "null": ("空值", "null"),
}

FORMAT_MESSAGES = {
    "cn-id-card": ("不是有效的公民身份号码", "is not a valid resident ID number"),
    "cn-uscc": ("不是有效的统一社会信用代码", "is not a valid unified social credit code"),
    "cn-mobile": ("不是有效的手机号码", "is not a valid mainland mobile number"),
    "cn-region-code": ("不是有效的行政区划代码", "is not a valid administrative division code"),
    "email": ("不是有效的电子邮箱地址", "is not a valid email address"),
    "idn-email": ("不是有效的电子邮箱地址", "is not a valid email address"),
    "date": ("不是有效的日期", "is not a valid date (YYYY-MM-DD)"),
    "date-time": ("不是有效的日期时间", "is not a valid date-time"),
    "time": ("不是有效的时间", "is not a valid time"),
    "uri": ("不是有效的网址", "is not a valid URI"),
}


def _falsify(node: Any) -> Any:
    """Replace ``false`` property schemas by ``{"not": {}}``: jsonschema drops the path of an error from a boolean
    subschema it descends into with a path (``"properties": {"x": false}`` would report at the object, not at
    ``x``). ``additionalProperties``/``items: false`` are checked by jsonschema itself and keep their messages."""
    if not isinstance(node, dict):
        return node

    def transform(path: tuple[str | int, ...], sub: Any) -> Any:
        if sub is False and path[0] in ("properties", "patternProperties", "prefixItems"):
            return {"not": {}}
        return _falsify(sub)

    return map_schema(node, transform)


def _compile(schema: Any) -> Draft202012Validator:
    problems = [
        FormProblem(
            "<schema>", "schema", f"不是有效的 JSON Schema：{e.message}", e.message, path=tuple(e.absolute_path)
        )
        for e in Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema)
    ]
    if problems:
        raise FormDefinitionError(problems)
    # An empty registry: a ref that is not local fails at once instead of being fetched from the network.
    return Draft202012Validator(_falsify(schema), registry=Registry(), format_checker=_CHECKER)


@lru_cache(maxsize=512)
def _compiled_schema(text: str) -> Draft202012Validator:
    return _compile(json.loads(text))


@lru_cache(maxsize=512)
def _compiled_forms(bundle_digest: str, names: tuple[str, ...], files_ref: _FilesRef) -> Draft202012Validator:
    """The validator of one form file, or of the merge of several; ``bundle_digest`` is the real cache key."""
    problems = [p for name in names for p in check_form(name, files_ref.files)]
    merged = merge_application(list(names), files_ref.files)
    problems.extend(merged.problems)
    problems = [p for p in problems if p.kind != "ui"]  # the look of a form does not change what is valid
    if problems:
        raise FormDefinitionError(problems)
    return _compile(merged.schema)


class _FilesRef:
    """Carries the files into the caches above without taking part in their keys (the digest does)."""

    __slots__ = ("files",)

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _FilesRef)


def validate(schema_name: str, files: Mapping[str, bytes], data: Any, *, today: date | None = None) -> list[FieldError]:
    """Errors of ``data`` against the form file ``schema_name`` of a bundle (``$ref``s into other files allowed).

    Raises ``FormDefinitionError`` if the form itself is broken. ``today`` fixes the date for 公民身份号码 birth
    dates; by default it is the current date in Asia/Shanghai.
    """
    validator = _compiled_forms(digest(files), (schema_name,), _FilesRef(files))
    return _errors(validator, data, today)


def validate_application(
    names: Sequence[str], files: Mapping[str, bytes], data: Any, *, today: date | None = None
) -> list[FieldError]:
    """Errors of ``data`` against the merged application form (一表申请) of the files ``names``."""
    validator = _compiled_forms(digest(files), tuple(names), _FilesRef(files))
    return _errors(validator, data, today)


def validate_schema(schema: Mapping[str, Any] | bool, data: Any, *, today: date | None = None) -> list[FieldError]:
    """Errors of ``data`` against a self-contained schema, e.g. ``MergedForm.schema`` (compiled once per content)."""
    text = json.dumps(schema, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _errors(_compiled_schema(text), data, today)


def _errors(validator: Draft202012Validator, data: Any, today: date | None) -> list[FieldError]:
    if today is not None:
        validator = validator.evolve(format_checker=format_checker(today))
    seen: set[tuple[Any, ...]] = set()
    result: list[FieldError] = []
    try:
        for error in validator.iter_errors(data):
            for field_error in _translate(error):
                key = (field_error.loc, field_error.message)
                if key not in seen:
                    seen.add(key)
                    result.append(field_error)
    except Unresolvable as error:
        problem = FormProblem("<schema>", "ref", f"无法解析引用 {error}", f"unresolvable $ref {error}")
        raise FormDefinitionError([problem]) from None
    return result


def _translate(error: ValidationError) -> list[FieldError]:
    """One jsonschema error as field errors located where the applicant has to act."""
    loc = tuple(error.absolute_path)
    keyword, value, instance = error.validator, error.validator_value, error.instance
    if keyword == "required" and isinstance(instance, dict):
        return [FieldError((*loc, p), "缺少必填项", "is required") for p in value if p not in instance]
    if keyword == "dependentRequired" and isinstance(instance, dict):
        return [
            FieldError((*loc, p), "缺少必填项", f"is required when {trigger} is given")
            for trigger, needed in value.items()
            if trigger in instance
            for p in needed
            if p not in instance
        ]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = schema.get("properties", {})
        patterns = list(schema.get("patternProperties", {}))
        extra = [k for k in instance if k not in known and not any(re.search(p, k) for p in patterns)]
        return [FieldError((*loc, k), "不允许的字段", "is not an allowed field") for k in extra]
    message, message_en = _message(error)
    return [FieldError(loc, message, message_en)]


def _message(error: ValidationError) -> tuple[str, str]:
    keyword, value = error.validator, error.validator_value
    match keyword:
        case "format":
            zh, en = FORMAT_MESSAGES.get(value, (f"格式不正确（应为 {value}）", f"is not a valid {value}"))
            if isinstance(error.cause, FormatReason):
                return f"{zh}：{error.cause.message}", f"{en}: {error.cause.message_en}"
            return zh, en
        case "type":
            names = [_TYPE_NAMES.get(t, (t, t)) for t in (value if isinstance(value, list) else [value])]
            return "应为" + "或".join(n[0] for n in names), "must be " + " or ".join(n[1] for n in names)
        case "enum":
            return "不是可选的值", "is not one of the allowed values"
        case "const":
            return f"应为 {json.dumps(value, ensure_ascii=False)}", f"must be {json.dumps(value)}"
        case "minLength":
            return f"至少 {value} 个字符", f"must have at least {value} characters"
        case "maxLength":
            return f"最多 {value} 个字符", f"must have at most {value} characters"
        case "pattern":
            return "格式不正确", f"does not match {value}"
        case "minimum":
            return f"不能小于 {value}", f"must be at least {value}"
        case "maximum":
            return f"不能大于 {value}", f"must be at most {value}"
        case "exclusiveMinimum":
            return f"应大于 {value}", f"must be greater than {value}"
        case "exclusiveMaximum":
            return f"应小于 {value}", f"must be less than {value}"
        case "multipleOf":
            return f"应为 {value} 的倍数", f"must be a multiple of {value}"
        case "minItems":
            return f"至少 {value} 项", f"must have at least {value} items"
        case "maxItems":
            return f"最多 {value} 项", f"must have at most {value} items"
        case "uniqueItems":
            return "不能有重复项", "must not contain duplicates"
        case "minProperties":
            return f"至少填写 {value} 项", f"must have at least {value} entries"
        case "maxProperties":
            return f"最多填写 {value} 项", f"must have at most {value} entries"
        case "contains" | "minContains" | "maxContains":
            return "缺少符合要求的项", "does not contain the required items"
        case "oneOf" | "anyOf" if (
            isinstance(value, list) and value and all(isinstance(b, dict) and "const" in b for b in value)
        ):
            return "不是可选的值", "is not one of the allowed values"  # rjsf's titled enum: oneOf of consts
        case "oneOf" if not error.context:
            return "同时符合多种填写方式，无法确定", "matches more than one alternative"
        case "oneOf" | "anyOf":
            return "不符合任何一种允许的填写方式", "matches none of the allowed alternatives"
        case "not" if value == {}:
            return "不允许填写此项", "is not allowed"
        case "not":
            return "不允许的取值", "is not allowed"
        case None:
            return "不允许填写此项", "is not allowed"
        case "propertyNames":
            return "字段名不合法", "has an invalid field name"
        case "unevaluatedProperties" | "additionalProperties":
            return "含有不允许的字段", "has fields that are not allowed"
        case _:
            return "不符合要求", error.message
