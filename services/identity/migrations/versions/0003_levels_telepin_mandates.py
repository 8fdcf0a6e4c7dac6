"""Authentication records, pending authentication requests, telePINs, mandates, acting-for.

Revision ID: 0002_levels_telepin_mandates
Revises: 0002_account_life
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = "0002_levels_telepin_mandates"
down_revision = "0002_account_life"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _account_fk(name: str = "account_id", nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=False), sa.ForeignKey("accounts.id", ondelete="CASCADE"),
                     nullable=nullable, index=True)


def upgrade():
    op.create_table(
        "authentications",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        _account_fk(),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("performed_by", sa.Text, nullable=False),
        sa.Column("evidence", JSONB, nullable=False, server_default="{}"),
        sa.Column("authenticated_at", TS, nullable=False),
        sa.CheckConstraint("method IN ('trusted_profile', 'qualified_signature', 'in_person')",
                           name="ck_authentications_method"),
    )
    op.create_table(
        "authentication_requests",
        sa.Column("id", sa.Text, primary_key=True),  # the SAML request id or a statement challenge digest
        _account_fk(),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS),
    )
    op.create_table(
        "telepins",
        sa.Column("account_id", UUID(as_uuid=False), sa.ForeignKey("accounts.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("pin_hash", sa.Text, nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("set_at", TS, nullable=False),
        sa.Column("blocked_at", TS),
    )
    op.create_table(
        "mandates",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("principal", sa.String(11), nullable=False, index=True),
        sa.Column("principal_name", sa.Text, nullable=False),
        _account_fk("agent_account_id"),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("scopes", ARRAY(sa.Text), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("granted_by", sa.Text, nullable=False),
        _account_fk("granted_by_account_id", nullable=True),
        sa.Column("source_declaration_id", UUID(as_uuid=False), unique=True),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("revoked_at", TS),
        sa.Column("revoked_by", sa.Text),
        sa.CheckConstraint("kind IN ('general_attorney', 'organisation_user')", name="ck_mandates_kind"),
        sa.CheckConstraint("scopes <@ ARRAY['view', 'pay', 'submit']::text[] AND cardinality(scopes) > 0",
                           name="ck_mandates_scopes"),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="ck_mandates_period"),
    )
    op.create_table(
        "session_subjects",
        sa.Column("session_id", UUID(as_uuid=False), sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("subject", sa.String(11), nullable=False),
        sa.Column("set_at", TS, nullable=False),
    )


def downgrade():
    for table in ("session_subjects", "mandates", "telepins", "authentication_requests",
                  "authentications"):
        op.drop_table(table)
