"""The staff audit: what staff did with this service's data (portal_shared.staff_audit).

Revision ID: 0003_staff_audit
Revises: 0002_ledger_core
"""
from alembic import op

from portal_shared.staff_audit import create_staff_audit_table_v1

revision = "0003_staff_audit"
down_revision = "0002_ledger_core"
branch_labels = None
depends_on = None


def upgrade():
    create_staff_audit_table_v1(op.get_bind())


def downgrade():
    op.drop_table("staff_audit")
