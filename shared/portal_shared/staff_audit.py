"""Every service that owns data keeps its own record of what staff did with it: who (the staff
member's account id and roles), what, on whose data, when. Admins read it with `read_staff_audit`
(`portal-staff audit --service <name>`); identity's security audit log stays where it is."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Session

from portal_shared.authz import require_role
from portal_shared.contracts.common import read_staff_audit
from portal_shared.entrypoints import rpc_method


def staff_audit_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "staff_audit", metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("staff_account_id", UUID(as_uuid=False), nullable=False),
        sa.Column("roles", JSONB, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, index=True),  # a PESEL/NIP, or the id of what was acted on
        sa.Column("details", JSONB, nullable=False),
    )


STAFF_AUDIT = staff_audit_table(sa.MetaData())


def create_staff_audit_table_v1(bind) -> None:
    """For the migration that adds the table; a later change gets a new function."""
    staff_audit_table(sa.MetaData()).create(bind)


def record(session: Session, actor: dict, action: str, subject: str | None = None, **details) -> None:
    """In the same transaction as the action, so an action is never without its record."""
    session.execute(STAFF_AUDIT.insert().values(
        staff_account_id=str(actor["account_id"]), roles=list(actor.get("roles") or ()), action=action,
        subject=subject, details={key: _plain(value) for key, value in details.items()}))


def _plain(value):
    return value if isinstance(value, (str, int, bool, type(None), list, dict)) else str(value)


class StaffAudit:
    """Mix into a service class that has a `Database` dependency named `db`."""

    @rpc_method(read_staff_audit("any"))
    def read_staff_audit(self, actor, subject, action, limit):
        require_role(actor, "admin")
        query = sa.select(STAFF_AUDIT).order_by(STAFF_AUDIT.c.id.desc()).limit(limit)
        if subject:
            query = query.where(STAFF_AUDIT.c.subject == subject)
        if action:
            query = query.where(STAFF_AUDIT.c.action == action)
        return [dict(row) for row in self.db.session.execute(query).mappings()]
