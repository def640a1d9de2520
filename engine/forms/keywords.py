"""Where subschemas sit in a schema, so that walks visit schemas and never data.

A form may have a property called ``format`` or ``$ref`` (``"properties": {"format": {...}}``) and ``enum``/``const``/
``default`` values that look like schemas; only keyword-aware walking tells them apart. Draft-07 spellings that
rjsf forms still use (``definitions``, ``dependencies``, array ``items``, ``additionalItems``) are walked too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

from engine.forms.problems import Loc

SINGLE = frozenset(
    {
        "additionalProperties",
        "contains",
        "if",
        "then",
        "else",
        "not",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
        "additionalItems",
    }
)
MAP = frozenset({"$defs", "definitions", "properties", "patternProperties", "dependentSchemas"})
ARRAY = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
# Keywords that say something about a schema without constraining data: a $ref's siblings of these kinds may
# simply override the target's when a $ref is inlined.
ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "readOnly", "writeOnly", "deprecated", "$comment"}
)


def subschemas(node: Any) -> Iterator[tuple[Loc, Any]]:
    """Direct subschemas of a schema node, each with its path relative to the node."""
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in SINGLE or (key == "items" and isinstance(value, dict | bool)):
            yield (key,), value
        elif key in MAP and isinstance(value, dict):
            for name, sub in value.items():
                yield (key, name), sub
        elif (key in ARRAY or key == "items") and isinstance(value, list):
            for index, sub in enumerate(value):
                yield (key, index), sub
        elif key == "dependencies" and isinstance(value, dict):
            for name, sub in value.items():
                if isinstance(sub, dict | bool):
                    yield (key, name), sub


def map_schema(node: Any, transform: Any) -> Any:
    """A copy of ``node`` with every direct subschema replaced by ``transform(path, sub)``; data is copied as is."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    replaced = dict(subschemas(node))
    for key, value in node.items():
        if (key,) in replaced:
            out[key] = transform((key,), value)
        elif isinstance(value, dict) and any(path[0] == key for path in replaced):
            out[key] = {n: transform((key, n), s) if (key, n) in replaced else s for n, s in value.items()}
        elif isinstance(value, list) and any(path[0] == key for path in replaced):
            out[key] = [transform((key, i), s) for i, s in enumerate(value)]
        else:
            out[key] = copy.deepcopy(value)  # data (enum, default, …): a private copy
    return out


def canonical(node: Any) -> str:
    """A text that is equal for two schemas that differ only in key order or in the order of ``required``/``type``
    lists, so "the same field" is recognised across form files written by different hands."""

    def normal(path: Loc, sub: Any) -> Any:
        if not isinstance(sub, dict):
            return sub
        result = map_schema(sub, normal)
        for key in ("required", "type"):
            if isinstance(result.get(key), list) and all(isinstance(x, str) for x in result[key]):
                result[key] = sorted(result[key])
        return result

    return json.dumps(normal((), node), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
