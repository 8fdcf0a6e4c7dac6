"""What a taxpayer sees: accounts, liabilities, installments with status, payments with their
allocations, interest due today, overpayments, reminders and a balance that reconciles.

A few queries per subject, each on an index (tax_accounts by subject, installments by liability,
payments by account), so the overview stays fast with millions of payments in the table.
"""
from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from ledger import allocation, postings
from ledger.models import (
    allocations,
    installments,
    liabilities,
    liability_components,
    payments,
    reminders,
    tax_accounts,
)


def status_of(amount: int, paid: int, due: date, today: date) -> str:
    if paid >= amount:
        return "paid"
    if due < today:
        return "overdue"
    return "partly_paid" if paid else "due"


def tax_accounts_of(session, subject: str) -> list:
    return session.execute(sa.select(tax_accounts).where(tax_accounts.c.subject == subject)
                           .order_by(tax_accounts.c.tax_type)).all()


def installments_of(session, account_ids: list[str], today: date, states=None) -> list[dict]:
    rows = session.execute(sa.select(installments, liabilities.c.tax_year).join(
        liabilities, liabilities.c.id == installments.c.liability_id).where(
        installments.c.tax_account_id.in_(account_ids), installments.c.active)
        .order_by(installments.c.due_date, installments.c.number)).all()
    states = states if states is not None else postings.load_states(session, account_ids)
    interest = {i.id: i.interest_owed(today) for s in states.values() for i in s.installments}
    return [{"installment_id": r.id, "liability_id": r.liability_id, "tax_account_id": r.tax_account_id,
             "tax_year": r.tax_year, "number": r.number, "due_date": r.due_date, "amount_grosze": r.amount_grosze,
             "paid_grosze": r.paid_grosze, "outstanding_grosze": r.amount_grosze - r.paid_grosze,
             "interest_today_grosze": interest.get(r.id, 0),
             "status": status_of(r.amount_grosze, r.paid_grosze, r.due_date, today)} for r in rows]


def liabilities_of(session, account_ids: list[str], include_replaced: bool = True) -> list[dict]:
    query = sa.select(liabilities).where(liabilities.c.tax_account_id.in_(account_ids))
    if not include_replaced:
        query = query.where(liabilities.c.status == "active")
    rows = session.execute(query.order_by(liabilities.c.tax_year, liabilities.c.created_at)).all()
    components = defaultdict(list)
    for c in session.execute(sa.select(liability_components).where(
            liability_components.c.liability_id.in_([r.id for r in rows])).order_by(liability_components.c.id)):
        components[c.liability_id].append({"kind": c.kind, "base": c.base, "rate": c.rate,
                                           "amount_grosze": c.amount_grosze})
    return [{"liability_id": r.id, "tax_account_id": r.tax_account_id, "tax_year": r.tax_year,
             "taxpayer_kind": r.taxpayer_kind, "annual_amount_grosze": r.annual_amount_grosze,
             "status": r.status, "replaces_id": r.replaces_id, "declaration_id": r.declaration_id,
             "components": components[r.id]} for r in rows]


def payments_of(session, account_ids: list[str], limit: int = 200) -> list[dict]:
    rows = session.execute(sa.select(payments).where(payments.c.tax_account_id.in_(account_ids))
                           .order_by(payments.c.paid_on.desc(), payments.c.id).limit(limit)).all()
    parts = defaultdict(list)
    for a in session.execute(sa.select(allocations).where(allocations.c.payment_id.in_([r.id for r in rows]))
                             .order_by(allocations.c.id)):
        parts[a.payment_id].append({"kind": a.kind, "grosze": a.grosze, "installment_id": a.installment_id,
                                    "reminder_id": a.reminder_id, "operation": a.operation})
    return [{"payment_id": r.id, "source": r.source, "amount_grosze": r.amount_grosze, "paid_on": r.paid_on,
             "title": r.title, "tax_account_id": r.tax_account_id, "allocations": parts[r.id]} for r in rows]


def overpayments_of(session, account_ids: list[str]) -> list[dict]:
    rows = session.execute(sa.text(
        "SELECT a.tax_account_id::text, a.payment_id::text, p.paid_on, sum(a.grosze) AS grosze FROM allocations a "
        "JOIN payments p ON p.id = a.payment_id WHERE a.tax_account_id = ANY(CAST(:ids AS uuid[])) AND a.kind "
        "= 'overpayment' "
        "GROUP BY 1, 2, 3 HAVING sum(a.grosze) > 0 ORDER BY p.paid_on"), {"ids": account_ids}).all()
    return [{"tax_account_id": r.tax_account_id, "payment_id": r.payment_id, "paid_on": r.paid_on,
             "grosze": r.grosze} for r in rows]


def reminders_of(session, account_ids: list[str]) -> list[dict]:
    rows = session.execute(sa.select(reminders).where(reminders.c.tax_account_id.in_(account_ids))
                           .order_by(reminders.c.issued_on)).all()
    return [{"reminder_id": r.id, "installment_id": r.installment_id, "issued_on": r.issued_on,
             "outstanding_grosze": r.outstanding_grosze, "cost_grosze": r.cost_grosze,
             "cost_outstanding_grosze": r.cost_grosze - r.cost_paid_grosze} for r in rows]


def balance_of(session, account_ids: list[str], today: date, states=None) -> dict:
    """Balance, and the check that it reconciles: what was received minus refunds equals what
    was allocated (principal + interest + reminder costs + overpayments). One round trip."""
    totals = session.execute(sa.text(
        "SELECT (SELECT coalesce(sum(amount_grosze), 0) FROM installments WHERE tax_account_id = ANY(a.ids) "
        "        AND active), "
        "       (SELECT coalesce(sum(paid_grosze), 0) FROM installments WHERE tax_account_id = ANY(a.ids) AND active), "
        "       (SELECT coalesce(sum(amount_grosze), 0) FROM payments WHERE tax_account_id = ANY(a.ids)), "
        "       (SELECT coalesce(jsonb_object_agg(kind, total), '{}') FROM (SELECT kind, sum(grosze) AS total "
        "        FROM allocations WHERE tax_account_id = ANY(a.ids) GROUP BY kind) AS k), "
        "       (SELECT coalesce(sum(grosze), 0) FROM allocations WHERE tax_account_id = ANY(a.ids) "
        "        AND operation = 'refund') "
        "FROM (SELECT CAST(:ids AS uuid[]) AS ids) AS a"), {"ids": account_ids}).one()
    assessed, paid, received, by_kind, refunded = (int(totals[0]), int(totals[1]), int(totals[2]), totals[3],
                                                   -int(totals[4]))
    states = states if states is not None else postings.load_states(session, account_ids)
    interest_today = sum(i.interest_owed(today) for s in states.values() for i in s.installments)
    reminder_costs = sum(r.outstanding_cost_grosze for s in states.values() for r in s.reminders)
    overpayment = int(by_kind.get(allocation.OVERPAYMENT, 0))
    allocated = sum(int(v) for v in by_kind.values()) + refunded
    return {"assessed_grosze": int(assessed), "paid_grosze": int(paid), "outstanding_grosze": int(assessed - paid),
            "interest_today_grosze": interest_today, "reminder_costs_grosze": reminder_costs,
            "overpayment_grosze": overpayment, "received_grosze": int(received), "refunded_grosze": refunded,
            "balance_grosze": int(assessed - paid) + interest_today + reminder_costs - overpayment,
            "reconciles": int(received) == allocated and int(paid) == int(by_kind.get(allocation.PRINCIPAL, 0))}


def overview(session, subject: str, today: date) -> dict:
    accounts = tax_accounts_of(session, subject)
    ids = [a.id for a in accounts]
    states = postings.load_states(session, ids)
    return {"subject": subject,
            "tax_accounts": [{"tax_account_id": a.id, "tax_type": a.tax_type, "account_number": a.account_number}
                             for a in accounts],
            "liabilities": liabilities_of(session, ids), "installments": installments_of(session, ids, today, states),
            "payments": payments_of(session, ids), "overpayments": overpayments_of(session, ids),
            "reminders": reminders_of(session, ids), "balance": balance_of(session, ids, today, states)}
