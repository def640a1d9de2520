"""instance carries its version's content hash

Revision ID: 63786846c365
Revises: 6c3e9356f486
Create Date: 2026-11-22 01:50:32.648930
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "63786846c365"
down_revision: str | None = "6c3e9356f486"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        # existing instances: their version's hash, copied below
        text = sqlmodel.sql.sqltypes.AutoString(length=64)
        batch_op.add_column(sa.Column("content_hash", text, nullable=False, server_default=""))

    op.execute(
        "UPDATE process_instance SET content_hash = (SELECT content_hash FROM bundle_version "
        "WHERE bundle_version.id = process_instance.version_id)"
    )


def downgrade() -> None:

    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        batch_op.drop_column("content_hash")
