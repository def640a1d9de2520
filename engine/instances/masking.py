"""Resident ID numbers (公民身份号码) are shown masked — 110105********002X — to everyone who does not
need them in full; revealing one is a deliberate, audited act of a clerk handling the case."""

import re
from typing import Any

_ID = re.compile(r"^(\d{6})\d{8}(\d{3}[\dX])$")


def mask_ids(value: Any) -> Any:
    """A copy of ``value`` with every 18-character resident ID masked, however deeply nested."""
    if isinstance(value, str):
        match = _ID.match(value) if len(value) == 18 else None  # most strings are not: skip the regex
        return f"{match.group(1)}********{match.group(2)}" if match else value
    if isinstance(value, dict):
        return {k: mask_ids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_ids(v) for v in value]
    return value
