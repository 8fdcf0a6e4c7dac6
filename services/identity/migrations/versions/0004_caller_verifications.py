"""Caller verifications: what a consultant may read after a caller's phone + telePIN check.

Revision ID: 0004_caller_verifications
Revises: 0002_levels_telepin_mandates
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0004_caller_verifications"
down_revision = "0002_levels_telepin_mandates"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "caller_verifications",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("consultant_account_id", UUID(as_uuid=False), nullable=False, index=True),
        sa.Column("caller_account_id", UUID(as_uuid=False), sa.ForeignKey("accounts.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("subjects", JSONB, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )


def downgrade():
    op.drop_table("caller_verifications")
