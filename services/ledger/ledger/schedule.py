"""Installment schedules: which dates, and how an annual amount splits into installments.

Dates [upol art. 6 ust. 7; OP art. 12 §5]: natural persons pay property (and agricultural and
forest) tax in four installments on 15 March, 15 May, 15 September and 15 November, or once by
15 March when the annual tax is at most 100 zł; legal persons pay monthly on the 15th, January's
by 31 January. A due date on a Saturday, Sunday or Polish public holiday moves to the next
working day (holidays from the `holidays` library, never a hand-written list).

Split: the installments of a *tax* are whole złoty (OP art. 63 rounds the tax to full złoty), so
the annual amount is divided in whole złoty and the remainder of the division goes to the first
installment (1,001 zł / 4 = 251 + 250 + 250 + 250). A *fee* (the waste fee) is not rounded: it
divides in grosze the same way. The installments always sum exactly to the annual amount.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

NATURAL_DATES = ((3, 15), (5, 15), (9, 15), (11, 15))
TRANSPORT_DATES = ((2, 15), (9, 15))          # upol art. 9 ust. 6
SINGLE_PAYMENT_LIMIT_GROSZE = 100_00          # upol art. 6 ust. 7: "nie przekracza 100 zł"
FEES = frozenset({"waste_fee"})               # opłaty: not rounded to full złoty


@dataclass(frozen=True)
class PlannedInstallment:
    number: int
    due_date: date
    amount_grosze: int


@lru_cache(maxsize=64)
def _polish_holidays(year: int):
    return holidays.Poland(years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _polish_holidays(day.year)


def next_working_day(day: date) -> date:
    """The statutory due date itself when it is a working day, else the next working day."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def statutory_dates(tax_type: str, taxpayer_kind: str, tax_year: int, annual_grosze: int,
                    months_from: int = 1) -> list[date]:
    """The due dates before moving them off weekends and holidays."""
    if tax_type == "transport_tax":
        dates = [date(tax_year, m, d) for m, d in TRANSPORT_DATES]
    elif taxpayer_kind == "legal" or tax_type == "waste_fee":
        dates = [date(tax_year, 1, 31)] + [date(tax_year, m, 15) for m in range(2, 13)]
    elif annual_grosze <= SINGLE_PAYMENT_LIMIT_GROSZE:
        dates = [date(tax_year, 3, 15)]
    else:
        dates = [date(tax_year, m, d) for m, d in NATURAL_DATES]
    remaining = [d for d in dates if d.month >= months_from]
    # An obligation that starts after the last statutory date is paid by the year's last one.
    return remaining or dates[-1:]


def split(annual_grosze: int, parts: int, whole_zloty: bool) -> list[int]:
    unit = 100 if whole_zloty and annual_grosze % 100 == 0 else 1
    units, leftover_grosze = divmod(annual_grosze, unit)
    base, remainder = divmod(units, parts)
    amounts = [base * unit] * parts
    amounts[0] += remainder * unit + leftover_grosze
    return amounts


def plan(tax_type: str, taxpayer_kind: str, tax_year: int, annual_grosze: int,
         months_from: int = 1) -> list[PlannedInstallment]:
    if annual_grosze <= 0:
        return []
    dates = statutory_dates(tax_type, taxpayer_kind, tax_year, annual_grosze, months_from)
    amounts = split(annual_grosze, len(dates), whole_zloty=tax_type not in FEES)
    return [PlannedInstallment(number, next_working_day(due), amount)
            for number, (due, amount) in enumerate(zip(dates, amounts, strict=True), start=1)]
