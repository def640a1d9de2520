"""Administrative divisions (GB/T 2260): the shipped code table, pure and read-only.

Regions of instances, lanes and clerks are division codes (330100 杭州市); this module is the single place that
knows which codes exist. The table lists only ``[code, name]`` pairs (see ``data/SOURCE.md``); level and parent are
derived from the code, because GB/T 2260 codes carry their hierarchy: ``PP0000`` is a province, ``PPCC00`` a
prefecture, anything else a county that belongs to ``PPCC00`` if that prefecture exists and otherwise directly to
its province (济源市 419001, 仙桃市 429004, 石河子市 659001 …).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

Level = Literal["province", "prefecture", "county"]


@dataclass(frozen=True, slots=True)
class Division:
    """One division. ``parent_code`` is ``None`` only for provinces."""

    code: str
    name: str
    level: Level
    province_code: str
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class _Table:
    by_code: dict[str, Division]
    children: dict[str, tuple[Division, ...]]
    as_of: str


@lru_cache(maxsize=1)
def _table() -> _Table:
    """Load and index the table once per process; it is a few hundred kilobytes and never changes at run time."""
    raw = json.loads((Path(__file__).parent / "data" / "gb2260.json").read_text(encoding="utf-8"))
    names: dict[str, str] = {code: name for code, name in raw["divisions"]}
    by_code: dict[str, Division] = {}
    for code, name in names.items():
        province = code[:2] + "0000"
        if code == province:
            level: Level = "province"
            parent: str | None = None
        elif code.endswith("00"):
            level, parent = "prefecture", province
        else:
            level = "county"
            prefecture = code[:4] + "00"
            parent = prefecture if prefecture in names else province
        by_code[code] = Division(code=code, name=name, level=level, province_code=province, parent_code=parent)
    children: dict[str, list[Division]] = {}
    for division in by_code.values():
        if division.parent_code is not None:
            children.setdefault(division.parent_code, []).append(division)
    return _Table(
        by_code=by_code,
        children={code: tuple(sorted(kids, key=lambda d: d.code)) for code, kids in children.items()},
        as_of=raw["as_of"],
    )


def lookup(code: str) -> Division | None:
    """The division with this 6-digit code, or ``None`` (also for codes abolished since, e.g. 莱芜市 371200)."""
    return _table().by_code.get(code) if isinstance(code, str) else None


def is_valid(code: str) -> bool:
    """Whether ``code`` is a current division code of the shipped table."""
    return lookup(code) is not None


def name_of(code: str) -> str:
    """The name of a division for display; an unknown code comes back unchanged, because stored regions may carry
    codes abolished since (an old instance of 江干区 330104 must still render). Use ``is_valid`` to check input."""
    division = lookup(code)
    return code if division is None else division.name


def full_name(code: str) -> str:
    """The name with its ancestors, as written on documents: 浙江省杭州市西湖区, 上海市浦东新区 (no 上海市上海市).

    An unknown code comes back unchanged, as with ``name_of``.
    """
    division = lookup(code)
    if division is None:
        return code
    parts: list[str] = []
    current: Division | None = division
    while current is not None:
        if not parts or parts[-1] != current.name:
            parts.append(current.name)
        current = lookup(current.parent_code) if current.parent_code else None
    return "".join(reversed(parts))


def children(code: str) -> tuple[Division, ...]:
    """Direct children, ordered by code: a province's prefectures (and counties it holds directly), a prefecture's
    counties. Empty for counties, for 香港/澳门/台湾 and for unknown codes."""
    return _table().children.get(code, ())


def all_divisions() -> tuple[Division, ...]:
    """Every division, ordered by code."""
    return tuple(sorted(_table().by_code.values(), key=lambda d: d.code))


def table_date() -> str:
    """The date (ISO) of the official list the table was taken from, for display next to region pickers."""
    return _table().as_of
