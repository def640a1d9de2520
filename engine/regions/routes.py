from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from engine.regions import divisions

router = APIRouter(prefix="/api/regions", tags=["regions"])


class RegionView(BaseModel):
    code: str
    name: str
    level: str
    parent: str | None


@router.get("", response_model=list[RegionView])
async def regions(
    level: Annotated[Literal["province", "prefecture", "county"] | None, Query()] = None,
    parent: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
) -> list[RegionView]:
    """Administrative divisions (GB/T 2260) for region pickers: provinces, or the children of one."""
    rows = divisions.children(parent) if parent else divisions.all_divisions()
    return [
        RegionView(code=d.code, name=d.name, level=d.level, parent=d.parent_code)
        for d in rows
        if level is None or d.level == level
    ]
