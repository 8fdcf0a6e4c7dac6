"""Refunds of overpayments on request (OP art. 75-77): taken from the oldest overpayments
first; never more than the taxpayer has overpaid."""
import sqlalchemy as sa

from ledger import journal, overview
from ledger.bulk import copy_rows, new_id
from ledger.models import journal_lines, refunds
from ledger.postings import lock_accounts, write_allocations


def refund(session, subject: str, amount_grosze: int, bank_account: str, declaration_id: str | None) -> int:
    """Refund up to `amount_grosze`; returns what was refunded (0 when nothing is overpaid)."""
    account_ids = [a.id for a in overview.tax_accounts_of(session, subject)]
    lock_accounts(session, account_ids)
    left, refunded = amount_grosze, 0
    for item in overview.overpayments_of(session, account_ids):
        part = min(left, item["grosze"])
        if part <= 0:
            break
        refund_id = new_id()
        session.execute(refunds.insert().values(
            id=refund_id, tax_account_id=item["tax_account_id"], amount_grosze=part, bank_account=bank_account,
            declaration_id=str(declaration_id) if declaration_id and not refunded else None))
        write_allocations(session, [(item["payment_id"], item["tax_account_id"], "overpayment", -part, None, None,
                                     "refund")], [], {}, {})
        copy_rows(session, journal_lines, ("entry_id", "operation", "subject", "account", "debit_grosze",
                                           "credit_grosze"),
                  [(refund_id, "refund", subject, *line) for line in journal.refund(part)])
        left -= part
        refunded += part
    return refunded


def refunds_of(session, account_ids: list[str]) -> list[dict]:
    return [dict(r._mapping) for r in session.execute(
        sa.select(refunds.c.id, refunds.c.amount_grosze, refunds.c.bank_account, refunds.c.created_at)
        .where(refunds.c.tax_account_id.in_(account_ids)))]
