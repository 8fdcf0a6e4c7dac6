"""Allocating one payment to what a tax account owes (OP art. 55 and 62), without a database.

Order: the costs of reminders first (art. 62 §1a); then installments by earliest due date, or
only the liability the payer named (art. 62 §1); an overdue installment takes its arrear and its
late-payment interest together, and a payment that does not cover both is split between them in
the proportion the arrear bears to the interest on the payment day (art. 55 §2; the payer
cannot choose). What is left is an overpayment. Allocation is not rounded (art. 63 §3): the
interest share rounds half up to the grosz and the arrear takes the rest, so the parts always
sum to the payment exactly.

Interest on an installment is computed over its whole arrear history: each part of the arrear
paid late accrues until the day it was paid, the rest until the payment day; the total rounds to
full złoty once, and what was already paid as interest is deducted.
"""
from dataclasses import dataclass, field
from datetime import date

from ledger import interest

PRINCIPAL, INTEREST, REMINDER_COST, OVERPAYMENT = "principal", "interest", "reminder_cost", "overpayment"


@dataclass
class OpenInstallment:
    id: str
    liability_id: str
    due_date: date
    outstanding_grosze: int                       # arrear (principal) still unpaid
    late_payments: list[tuple[date, int]] = field(default_factory=list)  # principal paid after due
    interest_paid_grosze: int = 0

    def interest_owed(self, on: date) -> int:
        if on <= self.due_date:
            return 0
        exact = sum((interest.exact_interest(part, self.due_date, paid_on)
                     for paid_on, part in self.late_payments), interest.Decimal(0))
        exact += interest.exact_interest(self.outstanding_grosze, self.due_date, on)
        return max(0, interest.charge(exact, on) - self.interest_paid_grosze)


@dataclass
class OpenReminder:
    id: str
    outstanding_cost_grosze: int


@dataclass
class AccountState:
    """What one tax account owes, kept in due-date order; `allocate` updates it."""
    installments: list[OpenInstallment] = field(default_factory=list)
    reminders: list[OpenReminder] = field(default_factory=list)

    def __post_init__(self):
        self.installments.sort(key=lambda i: (i.due_date, i.id))


@dataclass(frozen=True)
class Allocation:
    kind: str
    grosze: int
    installment_id: str | None = None
    reminder_id: str | None = None


def split_arrear_and_interest(payment: int, arrear: int, owed_interest: int) -> tuple[int, int]:
    """(to the arrear, to the interest) for a payment that may not cover both (art. 55 §2)."""
    if payment >= arrear + owed_interest:
        return arrear, owed_interest
    to_interest = (2 * payment * owed_interest + arrear + owed_interest) // (2 * (arrear + owed_interest))
    return payment - to_interest, to_interest


def allocate(state: AccountState, amount_grosze: int, paid_on: date,
             named_liability_id: str | None = None) -> list[Allocation]:
    if amount_grosze <= 0:
        raise ValueError("a payment is positive")
    left = amount_grosze
    result: list[Allocation] = []
    for reminder in state.reminders:
        part = min(left, reminder.outstanding_cost_grosze)
        if part:
            reminder.outstanding_cost_grosze -= part
            left -= part
            result.append(Allocation(REMINDER_COST, part, reminder_id=reminder.id))
    for installment in state.installments:
        if not left:
            break
        if named_liability_id and installment.liability_id != named_liability_id:
            continue
        if installment.outstanding_grosze <= 0:
            continue
        owed_interest = installment.interest_owed(paid_on)
        to_arrear, to_interest = split_arrear_and_interest(left, installment.outstanding_grosze, owed_interest)
        if to_interest:
            installment.interest_paid_grosze += to_interest
            result.append(Allocation(INTEREST, to_interest, installment_id=installment.id))
        if to_arrear:
            installment.outstanding_grosze -= to_arrear
            if paid_on > installment.due_date:
                installment.late_payments.append((paid_on, to_arrear))
            result.append(Allocation(PRINCIPAL, to_arrear, installment_id=installment.id))
        left -= to_arrear + to_interest
    if left:
        result.append(Allocation(OVERPAYMENT, left))
    return result
