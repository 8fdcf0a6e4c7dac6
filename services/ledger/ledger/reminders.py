"""Reminders (upomnienia) for overdue installments, and their cost (koszty upomnienia).

The cost is dated configuration: 11.60 zł, and 16.00 zł since 13 October 2021 (ustawa o
postępowaniu egzekucyjnym w administracji art. 15 §1 / 64 §1 pkt 1 after the 2021 amendment).
A reminder is issued once per installment; its cost is paid first by the next payment
(OP art. 62 §1a).
"""
from bisect import bisect_right
from datetime import date, timedelta

import sqlalchemy as sa

from ledger import journal
from ledger.bulk import copy_rows, new_id
from ledger.models import journal_lines, reminders

REMINDER_COSTS: tuple[tuple[date, int], ...] = ((date(2014, 1, 1), 11_60), (date(2021, 10, 13), 16_00))


def cost_on(day: date) -> int:
    return REMINDER_COSTS[bisect_right([d for d, _ in REMINDER_COSTS], day) - 1][1]


def overdue_without_reminder(session, on: date, days_overdue: int, limit: int = 1000):
    return session.execute(sa.text(
        "SELECT i.id::text AS id, i.tax_account_id::text AS tax_account_id, i.due_date, i.amount_grosze - "
        "i.paid_grosze AS outstanding, "
        "t.subject, t.tax_type, t.account_number FROM installments i "
        "JOIN tax_accounts t ON t.id = i.tax_account_id "
        "LEFT JOIN reminders r ON r.installment_id = i.id "
        "WHERE i.active AND i.paid_grosze < i.amount_grosze AND i.due_date <= :cutoff AND r.id IS NULL "
        "ORDER BY i.due_date, i.id LIMIT :limit"),
        {"cutoff": on - timedelta(days=days_overdue), "limit": limit}).all()


def issue(session, on: date, days_overdue: int, limit: int = 1000) -> list[dict]:
    """Issue reminders for installments overdue by `days_overdue` days or more on `on`."""
    issued = []
    cost = cost_on(on)
    for row in overdue_without_reminder(session, on, days_overdue, limit):
        reminder_id = new_id()
        session.execute(reminders.insert().values(
            id=reminder_id, installment_id=row.id, tax_account_id=row.tax_account_id, issued_on=on,
            outstanding_grosze=row.outstanding, cost_grosze=cost))
        copy_rows(session, journal_lines, ("entry_id", "operation", "subject", "account", "debit_grosze",
                                           "credit_grosze"),
                  [(reminder_id, "reminder", row.subject, *line) for line in journal.reminder_issued(cost)])
        issued.append({"reminder_id": reminder_id, "subject": row.subject, "installment_id": row.id,
                       "tax_type": row.tax_type, "due_date": row.due_date, "outstanding_grosze": row.outstanding,
                       "cost_grosze": cost, "account_number": row.account_number})
    return issued
