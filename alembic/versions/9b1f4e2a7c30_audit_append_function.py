"""PostgreSQL appends audit entries in one round trip (audit_append)

Revision ID: 9b1f4e2a7c30
Revises: 63786846c365
Create Date: 2026-12-06 12:55:00.000000
"""

from collections.abc import Sequence

from alembic import op
from engine.audit.models import APPEND_FUNCTION

revision: str = "9b1f4e2a7c30"
down_revision: str | None = "63786846c365"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_append(json)")
