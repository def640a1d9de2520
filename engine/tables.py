"""Every table of the service, imported in one place so ``SQLModel.metadata`` is complete
(for Alembic and for tests that create a throwaway schema)."""

from sqlmodel import SQLModel

from engine.audit.models import AuditEntry, AuditHead
from engine.auth.models import ApiKey, AuthToken, User
from engine.bundles.models import Bundle, BundleFile, BundleVersion
from engine.clock import ClockSetting
from engine.commitments.models import Commitment, CommitmentItem
from engine.designer.models import BundleDraft
from engine.events.models import EventRecord
from engine.holidays.models import Holiday, HolidayYear
from engine.instances.models import ProcessInstance
from engine.ratings.models import Rating
from engine.tasks.models import Task
from engine.timers.models import Timer
from engine.webhooks.models import WebhookDelivery, WebhookSubscription

metadata = SQLModel.metadata

__all__ = [
    "ApiKey",
    "AuditEntry",
    "AuditHead",
    "AuthToken",
    "Bundle",
    "BundleDraft",
    "BundleFile",
    "BundleVersion",
    "ClockSetting",
    "Commitment",
    "CommitmentItem",
    "EventRecord",
    "Holiday",
    "HolidayYear",
    "ProcessInstance",
    "Rating",
    "Task",
    "Timer",
    "User",
    "WebhookDelivery",
    "WebhookSubscription",
    "metadata",
]
