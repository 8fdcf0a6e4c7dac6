"""What a taxpayer sees: accounts, liabilities, installments with status, payments with their
allocations, interest due today, overpayments, reminders and a balance that reconciles.

A few queries per subject, each on an index (tax_accounts by subject, installments by account,
payments by account, allocations by payment), so the overview stays fast with millions of
payments in the table.
"""
from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from ledger import allocation, postings
from ledger.models import (
    installments,
    liabilities,
    liability_components,
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


def installment_rows(session, account_ids: list[str]) -> list:
    return session.execute(sa.select(installments, liabilities.c.tax_year).join(
        liabilities, liabilities.c.id == installments.c.liability_id).where(
        installments.c.tax_account_id.in_(account_ids), installments.c.active)
        .order_by(installments.c.due_date, installments.c.number)).all()


def installments_of(session, account_ids: list[str], today: date, states=None, rows=None) -> list[dict]:
    rows = rows if rows is not None else installment_rows(session, account_ids)
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
    """The latest payments, each with its allocations (aggregated in the same query)."""
    rows = session.execute(sa.text(
        "SELECT p.id::text AS payment_id, p.source, p.amount_grosze, p.paid_on, p.title, "
        "p.tax_account_id::text AS tax_account_id, coalesce(a.parts, '[]') AS allocations "
        "FROM (SELECT * FROM payments WHERE tax_account_id = ANY(CAST(:ids AS uuid[])) "
        "      ORDER BY paid_on DESC, id LIMIT :limit) AS p "
        "CROSS JOIN LATERAL (SELECT json_agg(json_build_object('kind', kind, 'grosze', grosze, 'installment_id', "
        "    installment_id, 'reminder_id', reminder_id, 'operation', operation) ORDER BY id) AS parts "
        "    FROM allocations WHERE payment_id = p.id) AS a "
        "ORDER BY p.paid_on DESC, p.id"), {"ids": account_ids, "limit": limit}).mappings().all()
    return [dict(row) for row in rows]


def overpayments_of(session, account_ids: list[str]) -> list[dict]:
    rows = session.execute(sa.text(
        "SELECT a.tax_account_id::text, a.payment_id::text, p.paid_on, sum(a.grosze) AS grosze FROM allocations a "
        "JOIN payments p ON p.id = a.payment_id WHERE a.tax_account_id = ANY(CAST(:ids AS uuid[])) AND a.kind "
        "= 'overpayment' "
        "GROUP BY 1, 2, 3 HAVING sum(a.grosze) > 0 ORDER BY p.paid_on"), {"ids": account_ids}).all()
    return [{"tax_account_id": r.tax_account_id, "payment_id": r.payment_id, "paid_on": r.paid_on,
             "grosze": r.grosze} for r in rows]


def reminder_rows(session, account_ids: list[str]) -> list:
    return session.execute(sa.select(reminders).where(reminders.c.tax_account_id.in_(account_ids))
                           .order_by(reminders.c.issued_on, reminders.c.id)).all()


def reminders_of(session, account_ids: list[str], rows=None) -> list[dict]:
    rows = rows if rows is not None else reminder_rows(session, account_ids)
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


def states_from(session, account_ids: list[str], installment_rows, reminder_rows, today: date):
    """What `postings.load_states` reads, built from rows the overview has read anyway."""
    states = {account_id: allocation.AccountState() for account_id in account_ids}
    for r in installment_rows:
        if r.paid_grosze < r.amount_grosze:
            states[r.tax_account_id].installments.append(allocation.OpenInstallment(
                r.id, r.liability_id, r.due_date, r.amount_grosze - r.paid_grosze, [], r.interest_paid_grosze))
    postings.add_late_payments(session, [i for s in states.values() for i in s.installments if i.due_date < today])
    for r in reminder_rows:
        if r.cost_paid_grosze < r.cost_grosze:
            states[r.tax_account_id].reminders.append(allocation.OpenReminder(r.id, r.cost_grosze - r.cost_paid_grosze))
    for state in states.values():
        state.__post_init__()
    return states


def overview(session, subject: str, today: date, accounts=None) -> dict:
    """Everything the dashboard shows. Each table is read once: the installment and reminder rows
    serve both their lists and the interest and balance figures (8 round trips, was 13)."""
    accounts = accounts if accounts is not None else tax_accounts_of(session, subject)
    ids = [a.id for a in accounts]
    installment_list, reminder_list = installment_rows(session, ids), reminder_rows(session, ids)
    states = states_from(session, ids, installment_list, reminder_list, today)
    return {"subject": subject,
            "tax_accounts": [{"tax_account_id": a.id, "tax_type": a.tax_type, "account_number": a.account_number}
                             for a in accounts],
            "liabilities": liabilities_of(session, ids),
            "installments": installments_of(session, ids, today, states, installment_list),
            "payments": payments_of(session, ids), "overpayments": overpayments_of(session, ids),
            "reminders": reminders_of(session, ids, reminder_list), "balance": balance_of(session, ids, today, states)}
