"""instance counts its pending BPMN timers

Revision ID: 6c3e9356f486
Revises: 6f4edcd0c925
Create Date: 2026-11-22 00:41:29.691000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "6c3e9356f486"
down_revision: str | None = "6f4edcd0c925"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        # existing instances: count their pending BPMN timer rows
        batch_op.add_column(sa.Column("bpmn_timers", sa.Integer(), nullable=False, server_default="0"))

    op.execute(
        "UPDATE process_instance SET bpmn_timers = (SELECT count(*) FROM timer WHERE timer.instance_id = "
        "process_instance.id AND timer.kind = 'bpmn' AND timer.status = 'pending')"
    )


def downgrade() -> None:

    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        batch_op.drop_column("bpmn_timers")
