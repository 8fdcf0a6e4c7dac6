"""Drafts, attachments, declarations with UPOs, cases with their history, letters.

Revision ID: 0002_declarations_core
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0002_declarations_core"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = UUID(as_uuid=False)


def upgrade():
    op.create_table(
        "drafts",
        sa.Column("id", ID, primary_key=True),
        sa.Column("account_id", ID, nullable=False, index=True),
        sa.Column("subject", sa.String(11), nullable=False),
        sa.Column("form_code", sa.Text, nullable=False),
        sa.Column("form_version", sa.Text, nullable=False),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("saved_steps", JSONB, nullable=False),
        sa.Column("current_step", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False, index=True),
        sa.CheckConstraint("status IN ('open', 'submitted')", name="ck_drafts_status"),
    )
    op.create_table(
        "declarations",
        sa.Column("id", ID, primary_key=True),
        sa.Column("draft_id", ID, sa.ForeignKey("drafts.id", ondelete="SET NULL")),
        sa.Column("account_id", ID, nullable=False, index=True),
        sa.Column("submitter_pesel", sa.String(11)),
        sa.Column("submitter_name", sa.Text, nullable=False),
        sa.Column("subject", sa.String(11), nullable=False, index=True),
        sa.Column("mandate_id", sa.Text),
        sa.Column("form_code", sa.Text, nullable=False),
        sa.Column("form_version", sa.Text, nullable=False),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("computed", JSONB, nullable=False),
        sa.Column("document", sa.LargeBinary, nullable=False),
        sa.Column("signed_structure", sa.LargeBinary, nullable=False),
        sa.Column("signing_method", sa.Text, nullable=False),
        sa.Column("signer", sa.Text, nullable=False),
        sa.Column("digest_algorithm", sa.Text, nullable=False),
        sa.Column("document_digest", sa.Text, nullable=False),
        sa.Column("structure_digest", sa.Text, nullable=False),
        sa.Column("idempotency_key", sa.Text, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.UniqueConstraint("account_id", "idempotency_key", name="uq_declarations_idempotency"),
    )
    op.create_table(
        "upos",
        sa.Column("declaration_id", ID, sa.ForeignKey("declarations.id"), primary_key=True),
        sa.Column("reference", sa.Text, nullable=False, unique=True),
        sa.Column("xml", sa.LargeBinary, nullable=False),
        sa.Column("xml_sha256", sa.String(64), nullable=False),
        sa.Column("issued_at", TS, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", ID, primary_key=True),
        sa.Column("declaration_id", ID, sa.ForeignKey("declarations.id"), nullable=False, unique=True),
        sa.Column("account_id", ID, nullable=False, index=True),
        sa.Column("subject", sa.String(11), nullable=False),
        sa.Column("form_code", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint("status IN ('received', 'in_review', 'needs_completion', 'accepted', 'rejected')",
                           name="ck_cases_status"),
    )
    op.create_table(
        "case_entries",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("case_id", ID, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("actor_account_id", ID),
        sa.Column("old_status", sa.Text),
        sa.Column("new_status", sa.Text),
        sa.Column("text", sa.Text),
        sa.Column("attachment_ids", JSONB, nullable=False),
    )
    op.create_table(
        "attachments",
        sa.Column("id", ID, primary_key=True),
        sa.Column("account_id", ID, nullable=False, index=True),
        sa.Column("draft_id", ID, sa.ForeignKey("drafts.id", ondelete="SET NULL"), index=True),
        sa.Column("case_id", ID, sa.ForeignKey("cases.id"), index=True),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("media_type", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "letters",
        sa.Column("id", ID, primary_key=True),
        sa.Column("case_id", ID, sa.ForeignKey("cases.id"), index=True),
        sa.Column("account_id", ID, nullable=False, index=True),
        sa.Column("sender_account_id", ID, nullable=False),
        sa.Column("subject_line", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.Column("deemed_delivered_at", TS, nullable=False, index=True),
        sa.Column("delivered_at", TS),
        sa.Column("delivery_how", sa.Text),
        sa.CheckConstraint("channel IN ('portal', 'paper')", name="ck_letters_channel"),
    )


def downgrade():
    for table in ("letters", "attachments", "case_entries", "cases", "upos", "declarations", "drafts"):
        op.drop_table(table)
