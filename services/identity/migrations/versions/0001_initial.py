"""Accounts, CAPTCHAs, e-mail verification, sessions, audit log, outbox.

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

TS = sa.DateTime(timezone=True)


def upgrade():
    create_outbox_tables_v1(op.get_bind())
    op.create_table(
        "accounts",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("login", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("email_verified_at", TS),
        sa.Column("pesel", sa.String(11), nullable=False, unique=True),
        sa.Column("first_name", sa.Text, nullable=False),
        sa.Column("last_name", sa.Text, nullable=False),
        sa.Column("street", sa.Text, nullable=False),
        sa.Column("building", sa.Text, nullable=False),
        sa.Column("flat", sa.Text),
        sa.Column("postal_code", sa.String(6), nullable=False),
        sa.Column("city", sa.Text, nullable=False),
        sa.Column("phone", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("level", sa.Text, nullable=False),
        sa.Column("consent_terms_at", TS, nullable=False),
        sa.Column("consent_e_correspondence", sa.Boolean, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", TS),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("level IN ('registered', 'email_verified', 'authenticated')",
                           name="ck_accounts_level"),
    )
    op.create_index("uq_accounts_login_lower", "accounts", [sa.text("lower(login)")], unique=True)
    op.create_index("uq_accounts_email_lower", "accounts", [sa.text("lower(email)")], unique=True)
    op.create_table(
        "captchas",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS),
    )
    op.create_table(
        "email_verifications",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("account_id", UUID(as_uuid=False),
                  sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("code_hash", sa.Text, nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False, unique=True),
        sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("closed_at", TS),
    )
    op.create_table(
        "sessions",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("account_id", UUID(as_uuid=False),
                  sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("token_hash", sa.Text, nullable=False, unique=True),
        sa.Column("client_address", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("ended_at", TS),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("occurred_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, index=True),
        sa.Column("source", sa.Text),
        sa.Column("details", JSONB, nullable=False, server_default="{}"),
    )
    op.execute("""
        CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
    """)


def downgrade():
    for table in ("audit_events", "sessions", "email_verifications", "captchas", "accounts",
                  "processed_events", "outbox_events"):
        op.drop_table(table)
    op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
