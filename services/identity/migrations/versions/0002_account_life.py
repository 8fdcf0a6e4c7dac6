"""Account life: password resets, phone verification, login throttling, devices, staff.

Revision ID: 0002_account_life
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "0002_account_life"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _account_fk():
    return sa.Column("account_id", UUID(as_uuid=False), sa.ForeignKey("accounts.id", ondelete="CASCADE"),
                     nullable=False, index=True)


def upgrade():
    op.add_column("accounts", sa.Column("phone_verified_at", TS))
    op.add_column("accounts", sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "password_resets",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        _account_fk(),
        sa.Column("token_hash", sa.Text, nullable=False, unique=True),
        sa.Column("requested_from", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("closed_at", TS),
    )
    op.create_table(
        "phone_verifications",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        _account_fk(),
        sa.Column("phone", sa.Text, nullable=False, index=True),
        sa.Column("code_hash", sa.Text, nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("closed_at", TS),
    )
    op.create_table(
        "throttles",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_failure_at", TS),
        sa.Column("locked_until", TS),
    )
    op.create_table(
        "devices",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        _account_fk(),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column("pin_hash", sa.Text, nullable=False),
        sa.Column("failed_pins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("push_token", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_used_at", TS),
        sa.Column("blocked_at", TS),
        sa.Column("revoked_at", TS),
        sa.CheckConstraint("platform IN ('android', 'ios', 'web')", name="ck_devices_platform"),
    )
    op.add_column("sessions", sa.Column(
        "device_id", UUID(as_uuid=False), sa.ForeignKey("devices.id", ondelete="CASCADE"), index=True))
    op.create_table(
        "staff_members",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("login", sa.Text, nullable=False),
        sa.Column("full_name", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("roles", ARRAY(sa.Text), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.CheckConstraint("roles <@ ARRAY['consultant', 'tax_officer', 'admin']::text[]",
                           name="ck_staff_members_roles"),
    )
    op.create_index("uq_staff_members_login_lower", "staff_members", [sa.text("lower(login)")], unique=True)
    op.create_table(
        "staff_sessions",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("staff_id", UUID(as_uuid=False), sa.ForeignKey("staff_members.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("token_hash", sa.Text, nullable=False, unique=True),
        sa.Column("client_address", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("ended_at", TS),
    )
    op.create_index("ix_audit_events_occurred_at", "audit_events", ["occurred_at"])
    op.create_index("ix_audit_events_actor", "audit_events", ["actor"])


def downgrade():
    op.drop_index("ix_audit_events_actor", "audit_events")
    op.drop_index("ix_audit_events_occurred_at", "audit_events")
    op.drop_table("staff_sessions")
    op.drop_table("staff_members")
    op.drop_column("sessions", "device_id")
    for table in ("devices", "throttles", "phone_verifications", "password_resets"):
        op.drop_table(table)
    op.drop_column("accounts", "demo")
    op.drop_column("accounts", "phone_verified_at")
