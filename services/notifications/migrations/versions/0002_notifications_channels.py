"""Channels, preferences, push subscriptions, attachments, reminder runs, deferred events.

Revision ID: 0002_notifications_channels
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0002_notifications_channels"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("messages", sa.Column("link", sa.Text))
    op.add_column("messages", sa.Column("urgent", sa.Boolean, nullable=False, server_default="false"))
    op.add_column("messages", sa.Column("not_before", sa.DateTime(timezone=True)))
    op.add_column("messages", sa.Column("provider_id", sa.Text))
    op.add_column("messages", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                                        server_default=sa.func.now()))
    op.drop_constraint("uq_messages_cause_type", "messages")
    op.create_unique_constraint("uq_messages_cause_type_channel_recipient", "messages",
                                ["cause_id", "message_type", "channel", "recipient"])
    op.create_index("ix_messages_provider_id", "messages", ["provider_id"],
                    postgresql_where=sa.text("provider_id IS NOT NULL"))
    op.create_index("ix_messages_failed", "messages", ["updated_at"],
                    postgresql_where=sa.text("status = 'failed'"))
    op.create_index("ix_messages_waiting", "messages", ["not_before"],
                    postgresql_where=sa.text("status = 'queued'"))
    # The rate limit counts a person's recent codes per channel.
    op.create_index("ix_messages_account_channel_created", "messages",
                    ["account_id", "channel", "created_at"])
    op.create_table(
        "message_attachments",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("message_id", UUID(as_uuid=False), sa.ForeignKey("messages.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "preferences",
        sa.Column("account_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("sms", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("push", sa.Boolean, nullable=False, server_default="true"),
        sa.Column("language", sa.String(2)),
        sa.Column("quiet_from", sa.Time),
        sa.Column("quiet_until", sa.Time),
    )
    op.create_table(
        "push_subscriptions",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("account_id", UUID(as_uuid=False), nullable=False, index=True),
        sa.Column("endpoint", sa.Text, nullable=False, unique=True),
        sa.Column("p256dh", sa.Text, nullable=False),
        sa.Column("auth", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "known_contacts",
        sa.Column("account_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("subject", sa.Text, nullable=False),
    )
    op.create_table(
        "deferred_events",
        sa.Column("event_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("handler", sa.Text, nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("last_error", sa.Text, nullable=False),
    )
    op.create_table(
        "scheduler_runs",
        sa.Column("job", sa.Text, primary_key=True),
        sa.Column("run_key", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("claimed_by", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("items", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade():
    for table in ("scheduler_runs", "deferred_events", "known_contacts", "push_subscriptions", "preferences",
                  "message_attachments"):
        op.drop_table(table)
    for index in ("ix_messages_account_channel_created", "ix_messages_waiting", "ix_messages_failed",
                  "ix_messages_provider_id"):
        op.drop_index(index, "messages")
    op.drop_constraint("uq_messages_cause_type_channel_recipient", "messages")
    op.create_unique_constraint("uq_messages_cause_type", "messages", ["cause_id", "message_type"])
    for column in ("updated_at", "provider_id", "not_before", "urgent", "link"):
        op.drop_column("messages", column)
