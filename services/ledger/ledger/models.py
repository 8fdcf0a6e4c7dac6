"""Tables of the ledger. Money is integer grosze; dates are calendar dates in Warsaw; times UTC.

History is never overwritten: a corrected liability is marked replaced and points at its
successor; a rebooked payment keeps its old allocations, reversed by negative ones.
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase

from portal_shared.db import outbox_tables
from portal_shared.staff_audit import staff_audit_table


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
now = sa.func.now()


def _uuid_pk():
    return sa.Column("id", UUID(as_uuid=False), primary_key=True)


account_serial = sa.Sequence("tax_account_serial", metadata=metadata)

tax_accounts = sa.Table(
    "tax_accounts", metadata, _uuid_pk(),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("tax_type", sa.Text, nullable=False),
    sa.Column("account_number", sa.String(26), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
    sa.UniqueConstraint("subject", "tax_type"),
)

liabilities = sa.Table(
    "liabilities", metadata, _uuid_pk(),
    sa.Column("tax_account_id", UUID(as_uuid=False), sa.ForeignKey("tax_accounts.id"), nullable=False, index=True),
    sa.Column("tax_year", sa.Integer, nullable=False),
    sa.Column("taxpayer_kind", sa.Text, nullable=False),
    sa.Column("annual_amount_grosze", sa.BigInteger, nullable=False),
    sa.Column("months_from", sa.Integer, nullable=False),
    sa.Column("declaration_id", UUID(as_uuid=False), unique=True),
    sa.Column("status", sa.Text, nullable=False),            # active | replaced
    sa.Column("replaces_id", UUID(as_uuid=False), sa.ForeignKey("liabilities.id")),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
)

liability_components = sa.Table(
    "liability_components", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("liability_id", UUID(as_uuid=False), sa.ForeignKey("liabilities.id"), nullable=False, index=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("base", sa.Numeric(18, 4), nullable=False),
    sa.Column("rate", sa.Numeric(18, 6), nullable=False),
    sa.Column("amount_grosze", sa.BigInteger, nullable=False),
)

installments = sa.Table(
    "installments", metadata, _uuid_pk(),
    sa.Column("liability_id", UUID(as_uuid=False), sa.ForeignKey("liabilities.id"), nullable=False, index=True),
    sa.Column("tax_account_id", UUID(as_uuid=False), sa.ForeignKey("tax_accounts.id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("amount_grosze", sa.BigInteger, nullable=False),
    sa.Column("paid_grosze", sa.BigInteger, nullable=False, server_default="0"),   # principal, kept in step
    sa.Column("interest_paid_grosze", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    # Not on paid_grosze: postings update it, and an unindexed column keeps those updates HOT.
    sa.Index("ix_installments_account", "tax_account_id", "due_date"),
    sa.Index("ix_installments_due", "due_date", "id", postgresql_where=sa.text("active")),
)

payments = sa.Table(
    "payments", metadata, _uuid_pk(),
    sa.Column("idempotency_key", sa.Text, nullable=False, unique=True),
    sa.Column("source", sa.Text, nullable=False),             # bank_statement | online | cash_desk
    sa.Column("tax_account_id", UUID(as_uuid=False), sa.ForeignKey("tax_accounts.id")),
    sa.Column("amount_grosze", sa.BigInteger, nullable=False),
    sa.Column("paid_on", sa.Date, nullable=False),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("payer_name", sa.Text, nullable=False, server_default=""),
    sa.Column("payer_account", sa.Text, nullable=False, server_default=""),
    sa.Column("named_liability_id", UUID(as_uuid=False)),
    sa.Column("import_job_id", UUID(as_uuid=False)),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
    sa.CheckConstraint("amount_grosze > 0", name="ck_payments_positive"),
    sa.Index("ix_payments_account", "tax_account_id", "paid_on"),
)

reminders = sa.Table(
    "reminders", metadata, _uuid_pk(),
    sa.Column("installment_id", UUID(as_uuid=False), sa.ForeignKey("installments.id"), nullable=False, unique=True),
    sa.Column("tax_account_id", UUID(as_uuid=False), sa.ForeignKey("tax_accounts.id"), nullable=False, index=True),
    sa.Column("issued_on", sa.Date, nullable=False),
    sa.Column("outstanding_grosze", sa.BigInteger, nullable=False),
    sa.Column("cost_grosze", sa.BigInteger, nullable=False),
    sa.Column("cost_paid_grosze", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
)

allocations = sa.Table(
    "allocations", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("payment_id", UUID(as_uuid=False), sa.ForeignKey("payments.id"), nullable=False, index=True),
    sa.Column("tax_account_id", UUID(as_uuid=False), sa.ForeignKey("tax_accounts.id")),
    sa.Column("kind", sa.Text, nullable=False),       # principal | interest | reminder_cost | overpayment | refund
    sa.Column("grosze", sa.BigInteger, nullable=False),   # negative: a reversal (rebooking, refund)
    sa.Column("installment_id", UUID(as_uuid=False)),
    sa.Column("reminder_id", UUID(as_uuid=False)),
    sa.Column("operation", sa.Text, nullable=False),  # posting | rebooking | refund | credit
    sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
    sa.Index("ix_allocations_installment", "installment_id", postgresql_where=sa.text("installment_id IS NOT NULL")),
    sa.Index("ix_allocations_account", "tax_account_id", "kind"),
)

journal_lines = sa.Table(
    "journal_lines", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("entry_id", UUID(as_uuid=False), nullable=False, index=True),
    sa.Column("operation", sa.Text, nullable=False),
    sa.Column("subject", sa.Text),
    sa.Column("account", sa.Text, nullable=False),
    sa.Column("debit_grosze", sa.BigInteger, nullable=False),
    sa.Column("credit_grosze", sa.BigInteger, nullable=False),
    sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
)

refunds = sa.Table(
    "refunds", metadata, _uuid_pk(),
    sa.Column("tax_account_id", UUID(as_uuid=False), sa.ForeignKey("tax_accounts.id"), nullable=False),
    sa.Column("declaration_id", UUID(as_uuid=False), unique=True),
    sa.Column("amount_grosze", sa.BigInteger, nullable=False),
    sa.Column("bank_account", sa.String(26), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
)

import_jobs = sa.Table(
    "import_jobs", metadata, _uuid_pk(),
    sa.Column("idempotency_key", sa.Text, nullable=False, unique=True),   # digest of the file
    sa.Column("format", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),      # running | done | failed
    sa.Column("total", sa.Integer, nullable=False, server_default="0"),
    sa.Column("processed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("report", JSONB, nullable=False, server_default="{}"),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
)

online_payments = sa.Table(
    "online_payments", metadata, _uuid_pk(),
    sa.Column("idempotency_key", sa.Text, nullable=False, unique=True),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("tax_account_id", UUID(as_uuid=False), sa.ForeignKey("tax_accounts.id"), nullable=False),
    sa.Column("installment_ids", JSONB, nullable=False),
    sa.Column("amount_grosze", sa.BigInteger, nullable=False),
    sa.Column("operator_token", sa.Text),
    sa.Column("redirect_url", sa.Text),
    sa.Column("status", sa.Text, nullable=False),      # started | paid
    sa.Column("operator_order_id", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
)

outbox_tables(metadata)
staff_audit_table(metadata)
