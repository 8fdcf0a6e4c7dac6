"""Outbox tables, contacts in queues, survey responses.

Revision ID: 0001_helpline_initial
Revises:
"""
import sqlalchemy as sa
from alembic import op

from portal_shared.db import create_outbox_tables_v1

revision = "0001_helpline_initial"
down_revision = None
branch_labels = None
depends_on = None

QUEUES = "('pit', 'vat', 'local_taxes', 'payments', 'eservices')"


def upgrade():
    create_outbox_tables_v1(op.get_bind())
    op.create_table(
        "contacts",
        sa.Column("call_id", sa.String(64), primary_key=True),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("queue", sa.Text, nullable=False),
        sa.Column("routed_by", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("entered_queue_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(f"queue IN {QUEUES}", name="ck_contacts_queue"),
        sa.CheckConstraint("state IN ('waiting', 'answered', 'abandoned', 'completed')",
                           name="ck_contacts_state"),
        sa.CheckConstraint("channel IN ('phone', 'chat')", name="ck_contacts_channel"),
    )
    # Reports read by period: answered, ended; the waiting count by state.
    op.create_index("ix_contacts_answered_at", "contacts", ["answered_at"])
    op.create_index("ix_contacts_ended_at", "contacts", ["ended_at"])
    op.create_index("ix_contacts_waiting", "contacts", ["queue"],
                    postgresql_where=sa.text("state = 'waiting'"))
    op.create_table(
        "survey_responses",
        sa.Column("call_id", sa.String(64), sa.ForeignKey("contacts.call_id"), primary_key=True),
        sa.Column("rating", sa.SmallInteger, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_survey_rating"),
    )
    op.create_index("ix_survey_responses_submitted_at", "survey_responses", ["submitted_at"])


def downgrade():
    op.drop_table("survey_responses")
    op.drop_table("contacts")
    op.drop_table("processed_events")
    op.drop_table("outbox_events")
