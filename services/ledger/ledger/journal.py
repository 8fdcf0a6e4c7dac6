"""Double-entry journal lines for every ledger operation.

Accounts: `bank` (cash received), `receivable:<tax_type>` (what taxpayers owe), `revenue:<tax_type>`
(assessed tax), `revenue:interest` and `revenue:reminder_cost` (recognised when paid, as budget
units book them), `receivable:reminder_cost`, `overpayments` (owed back to taxpayers) and
`unidentified` (money received that no tax account matched yet). Each operation's lines balance:
debits equal credits. A line is (account, debit grosze, credit grosze).
"""
from collections.abc import Iterable

from ledger.allocation import INTEREST, OVERPAYMENT, PRINCIPAL, REMINDER_COST

Line = tuple[str, int, int]
BANK, OVERPAYMENTS, UNIDENTIFIED = "bank", "overpayments", "unidentified"


FIXED_CREDIT_ACCOUNTS = {INTEREST: "revenue:interest", REMINDER_COST: "receivable:reminder_cost",
                         OVERPAYMENT: OVERPAYMENTS}


def credit_account(kind: str, tax_type: str | None) -> str:
    """Called for every allocation of a 100,000-payment statement: no dict built per call."""
    if kind == PRINCIPAL:
        return f"receivable:{tax_type}"
    return FIXED_CREDIT_ACCOUNTS[kind]


def assessment(tax_type: str, amount: int) -> list[Line]:
    return [(f"receivable:{tax_type}", amount, 0), (f"revenue:{tax_type}", 0, amount)]


def reversal(lines: Iterable[Line]) -> list[Line]:
    return [(account, credit, debit) for account, debit, credit in lines]


def payment(amount: int, allocations: Iterable[tuple[str, int]], tax_type: str | None) -> list[Line]:
    """Bank debited by the payment; each (kind, grosze) allocation credited to its account.
    A payment that matched no tax account is credited to `unidentified`."""
    lines = [(BANK, amount, 0)]
    credits = [(credit_account(kind, tax_type), 0, grosze) for kind, grosze in allocations]
    lines += credits or [(UNIDENTIFIED, 0, amount)]
    return lines


def reminder_issued(cost: int) -> list[Line]:
    return [("receivable:reminder_cost", cost, 0), ("revenue:reminder_cost", 0, cost)]


def refund(amount: int) -> list[Line]:
    return [(OVERPAYMENTS, amount, 0), (BANK, 0, amount)]


def balanced(lines: Iterable[Line]) -> bool:
    lines = list(lines)
    return sum(d for _, d, _ in lines) == sum(c for _, _, c in lines) and all(
        d >= 0 and c >= 0 for _, d, c in lines)


def rebooking(old: Iterable[tuple[str, int]], old_tax_type: str | None,
              new: Iterable[tuple[str, int]], new_tax_type: str | None) -> list[Line]:
    """Moving a payment: its old credits reversed, its new allocations credited."""
    old = list(old)
    undo = [(credit_account(kind, old_tax_type), grosze, 0) for kind, grosze in old] or []
    if not old:
        undo = [(UNIDENTIFIED, sum(g for _, g in new), 0)]
    return undo + [(credit_account(kind, new_tax_type), 0, grosze) for kind, grosze in new]
