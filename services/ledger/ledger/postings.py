"""Posting payments: idempotent by key, allocated by `allocation`, journalled, in bulk.

One path for every source: the cash desk posts a batch of one, a bank statement a batch of
100,000. The steps: lock the tax accounts the batch touches (in id order, so two batches never
deadlock), insert the payments with ON CONFLICT DO NOTHING on their idempotency key (a key seen
before is a duplicate: reported, not allocated), load what those accounts owe, allocate the new
payments in date order, then COPY allocations and journal lines and update installments in one
statement each.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ledger import allocation, journal
from ledger.bulk import copy_rows, new_id
from ledger.models import allocations, journal_lines, payments
from portal_shared.errors import ValidationFailed


@dataclass
class IncomingPayment:
    idempotency_key: str
    amount_grosze: int
    paid_on: date
    source: str
    tax_account_id: str | None = None
    title: str = ""
    payer_name: str = ""
    payer_account: str = ""
    named_liability_id: str | None = None
    import_job_id: str | None = None


@dataclass
class Posted:
    payment_id: str
    idempotency_key: str
    duplicate: bool
    tax_account_id: str | None = None
    allocations: list[allocation.Allocation] = field(default_factory=list)

    @property
    def overpayment_grosze(self) -> int:
        return sum(a.grosze for a in self.allocations if a.kind == allocation.OVERPAYMENT)


PAYMENT_COLUMNS = ("id", "idempotency_key", "source", "tax_account_id", "amount_grosze", "paid_on", "title",
                   "payer_name", "payer_account", "named_liability_id", "import_job_id")


def lock_accounts(session, account_ids) -> None:
    ids = sorted({a for a in account_ids if a})
    if ids:
        session.execute(sa.text("SELECT id FROM tax_accounts WHERE id = ANY(CAST(:ids AS uuid[])) "
                                "ORDER BY id FOR UPDATE"), {"ids": ids})


def load_states(session, account_ids, until: date | None = None) -> dict[str, allocation.AccountState]:
    """What each account owes now: open installments with their late-payment history, and
    unpaid reminder costs. `until`: the latest payment date to allocate (installments due after
    it accrue no interest, so their history is not needed)."""
    ids = list({a for a in account_ids if a})
    states = {account_id: allocation.AccountState() for account_id in ids}
    if not ids:
        return states
    cursor = session.connection().connection.driver_connection.cursor()   # plain tuples: 40,000 rows a chunk
    cursor.execute(
        "SELECT id::text, tax_account_id::text, liability_id::text, due_date, amount_grosze - paid_grosze, "
        "interest_paid_grosze FROM installments "
        "WHERE tax_account_id = ANY(%s::uuid[]) AND active AND paid_grosze < amount_grosze", (ids,))
    open_installments = {}
    for inst_id, account_id, liability_id, due, outstanding, interest_paid in cursor.fetchall():
        item = allocation.OpenInstallment(inst_id, liability_id, due, outstanding, [], interest_paid)
        open_installments[inst_id] = item
        states[account_id].installments.append(item)
    add_late_payments(session, [item for item in open_installments.values() if until is None or item.due_date < until])
    cursor.execute(
        "SELECT id::text, tax_account_id::text, cost_grosze - cost_paid_grosze FROM reminders "
        "WHERE tax_account_id = ANY(%s::uuid[]) AND cost_paid_grosze < cost_grosze ORDER BY issued_on, id", (ids,))
    for reminder_id, account_id, unpaid in cursor.fetchall():
        states[account_id].reminders.append(allocation.OpenReminder(reminder_id, unpaid))
    for state in states.values():
        state.__post_init__()
    return states


def add_late_payments(session, overdue: list[allocation.OpenInstallment]) -> None:
    """The principal each overdue installment received after its due date (interest stops there)."""
    if not overdue:
        return
    by_id = {item.id: item for item in overdue}
    cursor = session.connection().connection.driver_connection.cursor()
    cursor.execute(   # late or not is decided here: the due dates are at hand, a join would scan
        "SELECT a.installment_id::text, p.paid_on, sum(a.grosze) FROM allocations a "
        "JOIN payments p ON p.id = a.payment_id "
        "WHERE a.installment_id = ANY(%s::uuid[]) AND a.kind = 'principal' "
        "GROUP BY 1, 2 HAVING sum(a.grosze) > 0", (list(by_id),))
    for inst_id, paid_on, grosze in cursor.fetchall():
        item = by_id[inst_id]
        if paid_on > item.due_date:
            item.late_payments.append((paid_on, int(grosze)))


def _insert_new(session, batch: list[IncomingPayment]):
    """Insert payments whose key is new. Returns (key -> id of the new ones, key -> id of
    duplicates, the first payment of each key: a key repeated in one batch is one payment)."""
    proposed = {}
    for item in batch:
        proposed.setdefault(item.idempotency_key, (new_id(), item))
    session.execute(sa.text("CREATE TEMP TABLE IF NOT EXISTS incoming_payments "
                            "(LIKE payments INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"))
    session.execute(sa.text("TRUNCATE incoming_payments"))
    copy_rows(session, "incoming_payments", PAYMENT_COLUMNS, (
        (pid, key, p.source, p.tax_account_id, p.amount_grosze, p.paid_on, p.title, p.payer_name,
         p.payer_account, p.named_liability_id, p.import_job_id) for key, (pid, p) in proposed.items()))
    columns = ", ".join(PAYMENT_COLUMNS)   # constants, not input
    inserted = set(session.scalars(sa.text(
        f"INSERT INTO payments ({columns}) SELECT {columns} FROM incoming_payments "  # noqa: S608
        "ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key")))
    new = {key: pid for key, (pid, _) in proposed.items() if key in inserted}
    duplicate_keys = [key for key in proposed if key not in inserted]
    duplicates = dict(session.execute(sa.text(
        "SELECT idempotency_key, id::text FROM payments WHERE idempotency_key = ANY(:keys)"),
        {"keys": duplicate_keys}).all()) if duplicate_keys else {}
    return new, duplicates, [item for _, item in proposed.values()]


def post(session, batch: list[IncomingPayment], subjects: dict[str, tuple[str, str]] | None = None) -> list[Posted]:
    """Post a batch; one `Posted` per distinct key, in input order. `subjects` maps a tax account
    id to (subject, tax type) when the caller has it (saves a query)."""
    lock_accounts(session, (p.tax_account_id for p in batch))
    new, duplicates, distinct = _insert_new(session, batch)
    account_info = subjects or _account_info(session, {p.tax_account_id for p in batch})
    states = load_states(session, {p.tax_account_id for p in batch if p.idempotency_key in new},
                         until=max((p.paid_on for p in batch), default=None))
    results, allocation_rows, line_rows = {}, [], []
    installment_delta = defaultdict(lambda: [0, 0])
    reminder_delta = defaultdict(int)
    for item in sorted(distinct, key=lambda p: p.paid_on):
        key = item.idempotency_key
        if key not in new:
            results[key] = Posted(duplicates[key], key, True, item.tax_account_id)
            continue
        payment_id = new[key]
        parts = []
        if item.tax_account_id:
            parts = allocation.allocate(states[item.tax_account_id], item.amount_grosze, item.paid_on,
                                        item.named_liability_id)
        results[key] = Posted(payment_id, key, False, item.tax_account_id, parts)
        for part in parts:
            allocation_rows.append((payment_id, item.tax_account_id, part.kind, part.grosze, part.installment_id,
                                    part.reminder_id, "posting"))
            if part.installment_id:
                installment_delta[part.installment_id][part.kind == allocation.INTEREST] += part.grosze
            if part.reminder_id:
                reminder_delta[part.reminder_id] += part.grosze
        subject, tax_type = account_info.get(item.tax_account_id, (None, None))
        lines = journal.payment(item.amount_grosze, [(a.kind, a.grosze) for a in parts], tax_type)
        line_rows += [(payment_id, "payment", subject, *line) for line in lines]
    write_allocations(session, allocation_rows, line_rows, installment_delta, reminder_delta)
    order = list(dict.fromkeys(p.idempotency_key for p in batch))
    return [results[key] for key in order]


def write_allocations(session, allocation_rows, line_rows, installment_delta, reminder_delta) -> None:
    copy_rows(session, allocations, ("payment_id", "tax_account_id", "kind", "grosze", "installment_id",
                                     "reminder_id", "operation"), allocation_rows)
    copy_rows(session, journal_lines, ("entry_id", "operation", "subject", "account", "debit_grosze",
                                       "credit_grosze"), line_rows)
    if installment_delta:
        ids = list(installment_delta)
        session.execute(sa.text(
            "UPDATE installments i SET paid_grosze = i.paid_grosze + d.p, "
            "interest_paid_grosze = i.interest_paid_grosze + d.ip "
            "FROM unnest(CAST(:ids AS uuid[]), CAST(:p AS bigint[]), CAST(:ip AS bigint[])) AS d(id, p, ip) "
            "WHERE i.id = d.id AND i.id = ANY(CAST(:ids AS uuid[]))"),   # the ANY: index lookups, not a scan
            {"ids": ids, "p": [installment_delta[i][0] for i in ids], "ip": [installment_delta[i][1] for i in ids]})
    if reminder_delta:
        ids = list(reminder_delta)
        session.execute(sa.text(
            "UPDATE reminders r SET cost_paid_grosze = r.cost_paid_grosze + d.p "
            "FROM unnest(CAST(:ids AS uuid[]), CAST(:p AS bigint[])) AS d(id, p) "
            "WHERE r.id = d.id AND r.id = ANY(CAST(:ids AS uuid[]))"),
            {"ids": ids, "p": [reminder_delta[i] for i in ids]})


def _account_info(session, account_ids) -> dict[str, tuple[str, str]]:
    ids = [a for a in account_ids if a]
    if not ids:
        return {}
    return {row.id: (row.subject, row.tax_type) for row in session.execute(sa.text(
        "SELECT id::text AS id, subject, tax_type FROM tax_accounts WHERE id = ANY(CAST(:ids AS uuid[]))"),
        {"ids": ids})}


def undo_allocations(session, payment_id: str, operation: str) -> list[tuple[str, int, str | None]]:
    """Reverse a payment's current allocations (negative rows, history kept); return what was
    reversed as (kind, grosze, tax account id)."""
    current = session.execute(sa.text(
        "SELECT kind, installment_id::text, reminder_id::text, tax_account_id::text, sum(grosze) AS grosze "
        "FROM allocations "
        "WHERE payment_id = :pid GROUP BY 1, 2, 3, 4 HAVING sum(grosze) <> 0"),
        {"pid": payment_id}).all()
    rows, installment_delta, reminder_delta = [], defaultdict(lambda: [0, 0]), defaultdict(int)
    for row in current:
        rows.append((payment_id, row.tax_account_id, row.kind, -row.grosze, row.installment_id, row.reminder_id,
                     operation))
        if row.installment_id:
            installment_delta[row.installment_id][row.kind == allocation.INTEREST] -= row.grosze
        if row.reminder_id:
            reminder_delta[row.reminder_id] -= row.grosze
    write_allocations(session, rows, [], installment_delta, reminder_delta)
    return [(row.kind, row.grosze, row.tax_account_id) for row in current]


def reallocate(session, payment_id: str, tax_account_id: str, named_liability_id: str | None,
               operation: str) -> tuple[list[tuple[str, int]], list[allocation.Allocation]]:
    """Move a payment to `tax_account_id` (optionally a named liability): undo, allocate again,
    journal the move. Returns (old (kind, grosze), new allocations).

    A payment part of which was refunded stays on its tax account (ValidationFailed): the refund
    was paid out of that account's overpayment and has left the office. Moving the payment would
    leave the old account with a refund nothing paid for, and moving the refund too would book
    on the new account a refund no overpayment there justified: whether a refund was undue is the
    office's decision, not a bookkeeping move. Reallocating within the same account (a correction,
    or another liability of the same tax) keeps the refund where it is and allocates the rest."""
    payment = session.execute(sa.select(payments).where(payments.c.id == payment_id).with_for_update()).one()
    lock_accounts(session, [payment.tax_account_id, tax_account_id])
    refunded = refunded_from(session, payment_id)
    if refunded and payment.tax_account_id != tax_account_id:
        raise ValidationFailed({"payment_id": ["payment.partly_refunded"]})
    old = undo_allocations(session, payment_id, operation)
    session.execute(payments.update().where(payments.c.id == payment_id).values(
        tax_account_id=tax_account_id, named_liability_id=named_liability_id))
    state = load_states(session, [tax_account_id])[tax_account_id]
    amount = payment.amount_grosze - refunded
    new = allocation.allocate(state, amount, payment.paid_on, named_liability_id) if amount > 0 else []
    installment_delta, reminder_delta = defaultdict(lambda: [0, 0]), defaultdict(int)
    for part in new:
        if part.installment_id:
            installment_delta[part.installment_id][part.kind == allocation.INTEREST] += part.grosze
        if part.reminder_id:
            reminder_delta[part.reminder_id] += part.grosze
    info = _account_info(session, {payment.tax_account_id, tax_account_id})
    old_tax = info.get(payment.tax_account_id, (None, None))[1]
    subject, new_tax = info[tax_account_id]
    lines = journal.rebooking([(k, g) for k, g, _ in old], old_tax, [(a.kind, a.grosze) for a in new], new_tax)
    write_allocations(
        session,
        [(payment_id, tax_account_id, a.kind, a.grosze, a.installment_id, a.reminder_id, operation) for a in new],
        [(payment_id, operation, subject, *line) for line in lines], installment_delta, reminder_delta)
    return [(k, g) for k, g, _ in old], new


def refunded_from(session, payment_id: str) -> int:
    """Refunds are negative overpayment rows of operation `refund`."""
    return -session.scalar(sa.text("SELECT coalesce(sum(grosze), 0) FROM allocations "
                                   "WHERE payment_id = :pid AND operation = 'refund'"), {"pid": payment_id})
