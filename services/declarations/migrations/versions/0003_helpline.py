"""The helpline folded into declarations (a helpline contact is correspondence with the office):
contacts in thematic queues, survey responses, chatbot conversations and their transcripts.

Revision ID: 0003_helpline
Revises: 0002_declarations_core
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0003_helpline"
down_revision = "0002_declarations_core"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
QUEUES = "('pit', 'vat', 'local_taxes', 'payments', 'eservices')"


def upgrade():
    _contacts_and_surveys()
    _chat_transcripts()


def _contacts_and_surveys():
    op.create_table(
        "helpline_contacts",
        sa.Column("call_id", sa.String(64), primary_key=True),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("queue", sa.Text, nullable=False),
        sa.Column("routed_by", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("entered_queue_at", TS, nullable=False),
        sa.Column("answered_at", TS),
        sa.Column("ended_at", TS),
        sa.CheckConstraint(f"queue IN {QUEUES}", name="ck_helpline_contacts_queue"),
        sa.CheckConstraint("state IN ('waiting', 'answered', 'abandoned', 'completed')",
                           name="ck_helpline_contacts_state"),
        sa.CheckConstraint("channel IN ('phone', 'chat')", name="ck_helpline_contacts_channel"),
    )
    # Reports read by period: answered, ended; the waiting count by state.
    op.create_index("ix_helpline_contacts_answered_at", "helpline_contacts", ["answered_at"])
    op.create_index("ix_helpline_contacts_ended_at", "helpline_contacts", ["ended_at"])
    op.create_index("ix_helpline_contacts_waiting", "helpline_contacts", ["queue"],
                    postgresql_where=sa.text("state = 'waiting'"))
    op.create_table(
        "helpline_survey_responses",
        sa.Column("call_id", sa.String(64), sa.ForeignKey("helpline_contacts.call_id"), primary_key=True),
        sa.Column("rating", sa.SmallInteger, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("submitted_at", TS, nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_helpline_survey_rating"),
    )
    op.create_index("ix_helpline_survey_responses_submitted_at", "helpline_survey_responses", ["submitted_at"])


def _chat_transcripts():
    """Kept here so any gateway worker continues a conversation and a consultant reads it after the
    hand-over (a hand-over is a `chat` contact of the same id)."""
    op.create_table(
        "chat_conversations",
        sa.Column("conversation_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("line_count", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "chat_lines",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("conversation_id", UUID(as_uuid=False),
                  sa.ForeignKey("chat_conversations.conversation_id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("article_id", sa.Text),
        sa.Column("at", TS, nullable=False),
        sa.CheckConstraint("role IN ('user', 'bot')", name="ck_chat_lines_role"),
    )


def downgrade():
    op.drop_table("chat_lines")
    op.drop_table("chat_conversations")
    op.drop_table("helpline_survey_responses")
    op.drop_table("helpline_contacts")
