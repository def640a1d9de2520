from typing import Annotated

from fastapi import APIRouter, Query

from engine import clock
from engine.auth.deps import Admin
from engine.db import SessionDep
from engine.webhooks import service
from engine.webhooks.schemas import DeliveryView, SubscriptionCreate, SubscriptionView

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])


@router.post("", response_model=SubscriptionView, status_code=201)
async def subscribe(body: SubscriptionCreate, session: SessionDep, who: Admin) -> SubscriptionView:
    """Subscribe an external system's URL to events; the secret is shown masked from now on."""
    sub = service.subscribe(session, who, url=body.url, events=body.events, secret=body.secret, now=clock.now(session))
    return SubscriptionView.of(sub)


@router.get("", response_model=list[SubscriptionView])
async def list_subscriptions(session: SessionDep, who: Admin) -> list[SubscriptionView]:
    return [SubscriptionView.of(s) for s in service.list_subscriptions(session)]


@router.delete("/{subscription_id}", response_model=SubscriptionView)
async def deactivate(subscription_id: int, session: SessionDep, who: Admin) -> SubscriptionView:
    """Stop sending to this subscription; its delivery history stays readable."""
    return SubscriptionView.of(service.deactivate(session, subscription_id))


@router.get("/{subscription_id}/deliveries", response_model=list[DeliveryView])
async def deliveries(
    subscription_id: int, session: SessionDep, who: Admin, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[DeliveryView]:
    """Recent deliveries, newest first: what was sent, how often, and what the receiver answered."""
    return [DeliveryView.of(d) for d in service.deliveries(session, subscription_id, limit=limit)]
