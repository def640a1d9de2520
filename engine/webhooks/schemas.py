from pydantic import BaseModel, Field

from engine.clock import Instant
from engine.webhooks.models import WebhookDelivery, WebhookSubscription


def mask(secret: str) -> str:
    """Enough of the secret to tell two apart, not enough to forge a signature."""
    return "****" + secret[-4:]


class SubscriptionCreate(BaseModel):
    # Rules (scheme, known events, secret length) are checked in the service, so every problem
    # is reported at once with the field it concerns; here only sizes are bounded.
    url: str = Field(max_length=2000, description="http(s) URL the deliveries are POSTed to")
    events: list[str] = Field(max_length=50, description='Event names, "*" for all, or "instance.*" for all of a kind')
    secret: str = Field(max_length=200, description="At least 16 characters; signs each delivery (HMAC-SHA256)")


class SubscriptionView(BaseModel):
    id: int
    url: str
    events: list[str]
    active: bool
    secret: str = Field(description="Masked: only the last four characters are shown")
    created_by: str
    created_at: Instant

    @classmethod
    def of(cls, sub: WebhookSubscription) -> "SubscriptionView":
        return cls(
            id=sub.id or 0,
            url=sub.url,
            events=sub.events,
            active=sub.active,
            secret=mask(sub.secret),
            created_by=sub.created_by,
            created_at=sub.created_at,
        )


class DeliveryView(BaseModel):
    id: int
    subscription_id: int
    event: str
    status: str
    attempts: int
    next_attempt_at: Instant
    last_status_code: int | None
    last_error: str | None
    created_at: Instant
    delivered_at: Instant | None

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> "DeliveryView":
        return cls.model_validate(delivery, from_attributes=True)
