"""designer drafts

Revision ID: 6f4edcd0c925
Revises: d348cd8c5789
Create Date: 2026-11-22 00:13:38.595954
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import engine.db
from alembic import op

revision: str = "6f4edcd0c925"
down_revision: str | None = "d348cd8c5789"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "bundle_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bundle_id", "author"),
    )
    with op.batch_alter_table("bundle_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bundle_draft_bundle_id"), ["bundle_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("bundle_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bundle_draft_bundle_id"))

    op.drop_table("bundle_draft")
