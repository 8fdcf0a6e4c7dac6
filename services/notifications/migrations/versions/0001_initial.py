"""Messages with status history, outbox.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from portal_shared.db import create_outbox_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_outbox_tables_v1(op.get_bind())
    op.create_table(
        "messages",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("cause_id", sa.Text, nullable=False),
        sa.Column("message_type", sa.Text, nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("account_id", UUID(as_uuid=False), index=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body_text", sa.Text, nullable=False),
        sa.Column("body_html", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("history", JSONB, nullable=False, server_default="[]"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.UniqueConstraint("cause_id", "message_type", name="uq_messages_cause_type"),
        sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'delivered', 'failed')",
                           name="ck_messages_status"),
    )


def downgrade():
    for table in ("messages", "processed_events", "outbox_events"):
        op.drop_table(table)
