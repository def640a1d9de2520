"""Forms: Draft 2020-12 JSON Schema + rjsf ui schema, checked at deploy, merged into 一表申请, validated per request.

Pure: a bundle is a ``dict`` of relative file names to bytes; ``$ref``s resolve inside it and nowhere else.
"""

from engine.forms.formats import (
    CUSTOM_FORMATS,
    KNOWN_FORMATS,
    FormatReason,
    format_checker,
    id_card_check_char,
    id_card_problem,
    is_cn_id_card,
    is_cn_mobile,
    is_cn_region_code,
    is_cn_uscc,
    uscc_check_char,
    uscc_problem,
)
from engine.forms.lint import check_form, check_json, ui_schema_name
from engine.forms.merge import MergedForm, field_paths, merge_application
from engine.forms.problems import FieldError, FormDefinitionError, FormProblem
from engine.forms.validation import validate, validate_application, validate_schema

__all__ = [
    "CUSTOM_FORMATS",
    "KNOWN_FORMATS",
    "FieldError",
    "FormDefinitionError",
    "FormProblem",
    "FormatReason",
    "MergedForm",
    "check_form",
    "check_json",
    "field_paths",
    "format_checker",
    "id_card_check_char",
    "id_card_problem",
    "is_cn_id_card",
    "is_cn_mobile",
    "is_cn_region_code",
    "is_cn_uscc",
    "merge_application",
    "ui_schema_name",
    "uscc_check_char",
    "uscc_problem",
    "validate",
    "validate_application",
    "validate_schema",
]
