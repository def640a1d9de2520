"""Every table of the service, imported in one place so ``SQLModel.metadata`` is complete
(for Alembic and for tests that create a throwaway schema)."""

from sqlmodel import SQLModel

from engine.audit.models import AuditEntry, AuditHead
from engine.auth.models import ApiKey, AuthToken, User
from engine.bundles.models import Bundle, BundleFile, BundleVersion
from engine.clock import ClockSetting
from engine.instances.models import ProcessInstance
from engine.tasks.models import Task
from engine.timers.models import Timer

metadata = SQLModel.metadata

__all__ = [
    "ApiKey",
    "AuditEntry",
    "AuditHead",
    "AuthToken",
    "Bundle",
    "BundleFile",
    "BundleVersion",
    "ClockSetting",
    "ProcessInstance",
    "Task",
    "Timer",
    "User",
    "metadata",
]
