"""Keeping instance data JSON: strict for callers, forgiving-but-explicit for scripts.

Instance state is stored as JSON and shown to clerks, webhooks and browsers, so every value in task
data must be plain JSON.  Callers (API, forms) must send JSON already — anything else is their bug and
is refused.  Scripts and expressions may produce Python values (a ``set``, a ``Decimal`` from a helper,
a ``datetime`` from ``working_days``); those are converted where the conversion is unsurprising and
refused otherwise, *before* the instance is serialized, so a bad value fails the step instead of
blowing up in ``json.dumps`` after the step already ran in memory.

Conversions (always the same for the same type):
- ``Decimal``: integral -> ``int``, otherwise -> ``float`` (numbers stay numbers so conditions like
  ``fee > 100`` keep working; digits beyond float precision are rounded).
- ``set``/``frozenset`` -> sorted list (sorted by value, or by ``repr`` if the items are not comparable);
  ``tuple`` -> list.
- ``datetime``/``date``/``time`` -> ISO 8601 string (naive stays naive, which the timer code reads as
  Asia/Shanghai); ``timedelta`` -> ISO 8601 duration (``P3DT3600S``), usable as a timer value.
- ``UUID`` -> string; dict keys that are int/float/bool/None -> string (what ``json.dumps`` would do).
- NaN/Infinity, bytes, objects, functions... -> :class:`NotJsonSafe`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson

_SCALARS = (str, int, bool, type(None))
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19  # 19 digits in a row: maybe beyond 64 bits (a regex search costs 5x the parse)


def loads(text: bytes | str) -> Any:
    """JSON text to Python exactly as the standard library reads it, three times faster with orjson —
    except where a number may be beyond 64 bits (19 digits in a row), which orjson would read as a float,
    and for text orjson refuses (the standard library gives the verdict and its message)."""
    raw = text.encode() if isinstance(text, str) else text
    if _LONG_NUMBER not in raw.translate(_DIGITS_AS_ZERO):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw)


class NotJsonSafe(ValueError):
    """A value that cannot be stored as JSON; the message names where it was found."""


class _Bad(Exception):
    """Internal: carries the problem up the recursion so paths are only built when something is wrong."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        self.path: list[str] = []


def _fail(where: str, bad: _Bad) -> NotJsonSafe:
    path = where + "".join(reversed(bad.path))
    return NotJsonSafe(bad.problem.replace("{path}", path, 1))


def check(value: Any, where: str = "data") -> None:
    """Raise :class:`NotJsonSafe` unless ``value`` is plain JSON (no conversion)."""
    try:
        _check(value)
    except _Bad as bad:
        raise _fail(where, bad) from None


def normalize(value: Any, where: str = "data") -> Any:
    """Return ``value`` as plain JSON, converting in place where possible.

    Containers are modified in place so that other references to the same dict/list (Spiff shares
    nested objects between a task's data and its children's data) see the converted value too.
    Exact type checks keep the common case (already JSON) to one comparison per value.
    """
    try:
        return _normalize(value)
    except _Bad as bad:
        raise _fail(where, bad) from None


def _check(value: Any) -> None:
    if isinstance(value, _SCALARS):
        return
    kind = type(value)
    if kind is float:
        if not math.isfinite(value):
            raise _Bad(f"{{path}} is {value!r}, which JSON cannot represent")
        return
    if kind is dict:
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Bad(f"{{path}} has a non-string key {key!r}")
            try:
                _check(item)
            except _Bad as bad:
                bad.path.append(f"[{key!r}]")
                raise
        return
    if kind is list:
        for index, item in enumerate(value):
            try:
                _check(item)
            except _Bad as bad:
                bad.path.append(f"[{index}]")
                raise
        return
    raise _Bad(f"{{path}} is a {kind.__name__}, not JSON (use str, number, bool, null, list or object)")


def _normalize(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _Bad(f"{{path}} is {value!r}, which JSON cannot represent")
        return value
    if kind is dict:
        renamed: list[tuple[Any, str]] = []
        for key, item in value.items():
            try:
                if type(key) is not str:
                    renamed.append((key, _key(key)))
                converted = _normalize(item)
            except _Bad as bad:
                bad.path.append(f"[{key!r}]")
                raise
            if converted is not item:
                value[key] = converted
        for old, new in renamed:
            value[new] = value.pop(old)
        return value
    if kind is list:
        for index, item in enumerate(value):
            try:
                converted = _normalize(item)
            except _Bad as bad:
                bad.path.append(f"[{index}]")
                raise
            if converted is not item:
                value[index] = converted
        return value
    return _convert(value)


def _key(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(int(key))
    if isinstance(key, float) and math.isfinite(key):
        return repr(float(key))
    raise _Bad(f"{{path}} has a key {key!r} of type {type(key).__name__}; JSON keys are strings")


def _iso_duration(delta: timedelta) -> str:
    sign = "-" if delta < timedelta(0) else ""
    delta = abs(delta)
    seconds = delta.seconds + delta.microseconds / 1_000_000
    body = f"{delta.days}D" if delta.days else ""
    if seconds or not body:
        text = f"{seconds:g}" if delta.microseconds else str(delta.seconds)
        body += f"T{text}S"
    return f"{sign}P{body}"


def _decimal(value: Decimal) -> int | float:
    if not value.is_finite():
        raise _Bad(f"{{path}} is Decimal({str(value)!r}), which JSON cannot represent")
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _sorted_items(items: Any) -> list[Any]:
    converted = [_normalize(item) for item in items]
    try:
        return sorted(converted)
    except TypeError:
        return sorted(converted, key=repr)


_CONVERTERS: list[tuple[type | tuple[type, ...], Callable[[Any], Any]]] = [
    (bool, bool),
    (int, int),
    (str, str),
    (float, lambda v: _normalize(float(v))),
    (Decimal, _decimal),
    ((set, frozenset), _sorted_items),
    (tuple, lambda v: [_normalize(item) for item in v]),
    ((datetime, date, time), lambda v: v.isoformat()),
    (timedelta, _iso_duration),
    (UUID, str),
    (dict, lambda v: _normalize(dict(v))),
    (list, lambda v: _normalize(list(v))),
]


def _convert(value: Any) -> Any:
    for kind, converter in _CONVERTERS:
        if isinstance(value, kind):
            return converter(value)
    raise _Bad(
        f"{{path}} is a {type(value).__name__} ({_short(value)}), which cannot be stored; "
        "convert it to str, number, bool, list or dict in the script"
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
