from typing import Annotated

from fastapi import APIRouter, Query

from engine import clock
from engine.auth.deps import CurrentPrincipal
from engine.db import SessionDep
from engine.errors import Forbidden
from engine.instances.schemas import RatingBody
from engine.ratings import service
from engine.ratings.schemas import RatingReport, RatingView

router = APIRouter(prefix="/api", tags=["ratings"])


@router.post("/instances/{instance_id}/rating", response_model=RatingView, status_code=201)
async def rate(instance_id: int, body: RatingBody, session: SessionDep, who: CurrentPrincipal) -> RatingView:
    """好差评: rate a completed application once; 1–2 opens a rectification task."""
    rating = service.rate(
        session, who, instance_id, score=body.score, comment=body.comment, lane=body.lane, now=clock.now(session)
    )
    return RatingView.model_validate(rating, from_attributes=True)


@router.get("/ratings", response_model=RatingReport)
async def ratings(
    session: SessionDep,
    who: CurrentPrincipal,
    bundle_id: str | None = None,
    department: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> RatingReport:
    """Ratings per bundle and department; a clerk sees their own department's."""
    if who.role == "clerk":
        department = who.department
    elif who.role not in ("admin", "auditor", "designer"):
        raise Forbidden("无权查看评价汇总 / you may not see the rating report")
    rows = service.list_ratings(session, bundle_id=bundle_id, department=department, limit=limit)
    summary = [
        s for s in service.summary(session, bundle_id=bundle_id) if not department or s["department"] == department
    ]
    return RatingReport(summary=summary, ratings=[RatingView.model_validate(r, from_attributes=True) for r in rows])
