"""The outbox and processed-event tables.

Revision ID: 0001
Revises:
"""
from alembic import op

from portal_shared.db import create_outbox_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_outbox_tables_v1(op.get_bind())


def downgrade():
    op.drop_table("processed_events")
    op.drop_table("outbox_events")
