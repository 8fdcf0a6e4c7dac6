"""Chatbot conversations and their transcripts, so any gateway worker can continue one and a
consultant reads it after the hand-over (a hand-over is a `chat` contact of the same id).

Revision ID: 0002_chat_transcripts
Revises: 0001_helpline_initial
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0002_chat_transcripts"
down_revision = "0001_helpline_initial"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "chat_conversations",
        sa.Column("conversation_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
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
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('user', 'bot')", name="ck_chat_lines_role"),
    )


def downgrade():
    op.drop_table("chat_lines")
    op.drop_table("chat_conversations")
