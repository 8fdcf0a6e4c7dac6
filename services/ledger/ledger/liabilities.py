"""Tax accounts and liabilities: an assessment creates a liability with components and a
statutory installment schedule; a correction replaces it, keeping the old one (status
`replaced`) and moving the payments made on it to the new one."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from ledger import accounts, journal, postings, schedule
from ledger.bulk import copy_rows, new_id
from ledger.models import (
    account_serial,
    allocations,
    installments,
    journal_lines,
    liabilities,
    liability_components,
    payments,
    tax_accounts,
)
from portal_shared.errors import NotFound, ValidationFailed


def ensure_tax_account(session, subject: str, tax_type: str, sort_code: str, office_prefix: str):
    existing = session.execute(sa.select(tax_accounts).where(
        tax_accounts.c.subject == subject, tax_accounts.c.tax_type == tax_type)).first()
    if existing:
        return existing
    number = accounts.individual_nrb(sort_code, office_prefix, session.scalar(account_serial.next_value()))
    session.execute(insert(tax_accounts).values(id=new_id(), subject=subject, tax_type=tax_type,
                                                account_number=number).on_conflict_do_nothing())
    return session.execute(sa.select(tax_accounts).where(
        tax_accounts.c.subject == subject, tax_accounts.c.tax_type == tax_type)).one()


def _journal(session, entry_id: str, operation: str, subject: str, lines) -> None:
    assert journal.balanced(lines)
    copy_rows(session, journal_lines, ("entry_id", "operation", "subject", "account", "debit_grosze",
                                       "credit_grosze"), [(entry_id, operation, subject, *line) for line in lines])


def assess(session, subject: str, declaration_id: str | None, assessment: dict, sort_code: str,
           office_prefix: str) -> str:
    """Create the liability (or its replacement); returns the new liability id."""
    annual = assessment["annual_amount_grosze"]
    if annual < 0:
        raise ValidationFailed({"annual_amount_grosze": ["amount.negative"]})
    account = ensure_tax_account(session, subject, assessment["tax_type"], sort_code, office_prefix)
    postings.lock_accounts(session, [account.id])
    replaced = _replaced_liability(session, account.id, assessment.get("corrects"))
    liability_id = new_id()
    session.execute(liabilities.insert().values(
        id=liability_id, tax_account_id=account.id, tax_year=assessment["tax_year"],
        taxpayer_kind=assessment["taxpayer_kind"], annual_amount_grosze=annual,
        months_from=assessment.get("months_from", 1),
        declaration_id=str(declaration_id) if declaration_id else None, status="active",
        replaces_id=replaced.id if replaced else None))
    for component in assessment["components"]:
        session.execute(liability_components.insert().values(liability_id=liability_id, **component))
    for planned in schedule.plan(assessment["tax_type"], assessment["taxpayer_kind"], assessment["tax_year"],
                                 annual, assessment.get("months_from", 1)):
        session.execute(installments.insert().values(
            id=new_id(), liability_id=liability_id, tax_account_id=account.id, number=planned.number,
            due_date=planned.due_date, amount_grosze=planned.amount_grosze))
    lines = journal.assessment(account.tax_type, annual)
    if replaced:
        lines = journal.reversal(journal.assessment(account.tax_type, replaced.annual_amount_grosze)) + lines
        _retire(session, replaced.id, liability_id)
    _journal(session, liability_id, "correction" if replaced else "assessment", subject, lines)
    if replaced:
        for payment_id in _payments_on(session, replaced.id):
            postings.reallocate(session, payment_id, account.id, liability_id, "correction")
    credit_overpayments(session, account.id)
    return liability_id


def _replaced_liability(session, account_id: str, corrects):
    if not corrects:
        return None
    found = session.execute(sa.select(liabilities).where(
        liabilities.c.declaration_id == str(corrects), liabilities.c.tax_account_id == account_id)).first()
    if found is None:
        raise NotFound("liability.not_found")
    while found.status == "replaced":   # a correction of a correction: replace the newest one
        found = session.execute(sa.select(liabilities).where(liabilities.c.replaces_id == found.id)).one()
    return found


def _retire(session, old_id: str, new_id_: str) -> None:
    session.execute(liabilities.update().where(liabilities.c.id == old_id).values(status="replaced"))
    session.execute(installments.update().where(installments.c.liability_id == old_id).values(active=False))


def _payments_on(session, liability_id: str) -> list[str]:
    return list(session.scalars(sa.text(
        "SELECT a.payment_id::text FROM allocations a JOIN installments i ON i.id = a.installment_id "
        "JOIN payments p ON p.id = a.payment_id WHERE i.liability_id = :lid "
        "GROUP BY a.payment_id, p.paid_on HAVING sum(a.grosze) <> 0 ORDER BY p.paid_on, a.payment_id"),
        {"lid": liability_id}))


def credit_overpayments(session, account_id: str) -> int:
    """Credit the account's overpayments against its open installments (OP art. 76):
    each overpayment is allocated again as of its payment's date. Returns grosze credited."""
    rows = session.execute(sa.text(
        "SELECT a.payment_id::text, p.paid_on, sum(a.grosze) FROM allocations a JOIN payments p ON p.id = a.payment_id "
        "WHERE a.tax_account_id = :aid AND a.kind = 'overpayment' GROUP BY 1, 2 HAVING sum(a.grosze) > 0 "
        "ORDER BY 2, 1"), {"aid": account_id}).all()
    if not rows:
        return 0
    state = postings.load_states(session, [account_id])[account_id]
    if not state.installments:
        return 0
    tax_type, subject = session.execute(sa.select(tax_accounts.c.tax_type, tax_accounts.c.subject)
                                        .where(tax_accounts.c.id == account_id)).one()
    credited = 0
    for payment_id, paid_on, amount in rows:
        parts = postings.allocation.allocate(state, amount, paid_on)
        moved = amount - sum(p.grosze for p in parts if p.kind == "overpayment")
        if not moved:
            continue
        credited += moved
        rows_out = [(payment_id, account_id, "overpayment", -amount, None, None, "credit")]
        rows_out += [(payment_id, account_id, p.kind, p.grosze, p.installment_id, p.reminder_id, "credit")
                     for p in parts]
        delta, reminder_delta = postings.defaultdict(lambda: [0, 0]), postings.defaultdict(int)
        for p in parts:
            if p.installment_id:
                delta[p.installment_id][p.kind == "interest"] += p.grosze
            if p.reminder_id:
                reminder_delta[p.reminder_id] += p.grosze
        lines = journal.rebooking([("overpayment", amount)], tax_type, [(p.kind, p.grosze) for p in parts], tax_type)
        postings.write_allocations(session, rows_out, [(payment_id, "credit", subject, *line) for line in lines],
                                   delta, reminder_delta)
    return credited


def find_payment_for_rebooking(session, subject: str, rebooking: dict) -> str:
    """The payment an explanation of payment purpose is about: its reference (our id or the
    bank's/operator's key), or the subject's payment of that amount on that day."""
    query = sa.select(payments.c.id).select_from(payments.outerjoin(
        tax_accounts, tax_accounts.c.id == payments.c.tax_account_id))
    reference = rebooking.get("payment_reference")
    if reference:
        found = session.scalars(query.where(sa.or_(payments.c.idempotency_key == reference,
                                                   sa.cast(payments.c.id, sa.Text) == reference))).first()
    else:
        found = session.scalars(query.where(
            tax_accounts.c.subject == subject, payments.c.paid_on == rebooking["payment_date"],
            payments.c.amount_grosze == rebooking["amount_grosze"]).order_by(payments.c.received_at)).first()
    if found is None:
        raise NotFound("payment.not_found")
    return found


def liability_account(session, liability_id: str):
    row = session.execute(sa.select(liabilities.c.id, liabilities.c.status, tax_accounts.c.id.label("account_id"),
                                    tax_accounts.c.subject)
                          .join(tax_accounts, tax_accounts.c.id == liabilities.c.tax_account_id)
                          .where(liabilities.c.id == str(liability_id))).first()
    if row is None or row.status != "active":
        raise NotFound("liability.not_found")
    return row


def net_allocations(session, payment_id: str) -> list[tuple[str, int]]:
    return [tuple(r) for r in session.execute(sa.select(allocations.c.kind, sa.func.sum(allocations.c.grosze))
                                              .where(allocations.c.payment_id == payment_id)
                                              .group_by(allocations.c.kind))]
