"""Late-payment interest (odsetki za zwłokę) for the public calculator page: a pure function.

Interim: the ledger service's `interest` module will own this rule (and the reduced and
increased rates); the page then calls its RPC and this module goes. The rule (Ordynacja
podatkowa): amount x days x annual rate / 365 for each period of one rate, from the day after
the due date to the payment day inclusive (art. 56); the total rounds to full złoty (art. 63);
none is charged when it would not exceed the threshold (art. 54 §1 pkt 5).
"""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

GROSZ = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    days: int
    rate_percent: Decimal
    interest: Decimal  # złoty, to the grosz


@dataclass(frozen=True)
class Estimate:
    periods: tuple[Period, ...]
    exact: Decimal      # złoty, sum of the periods
    charged: int        # full złoty actually due (0 under the threshold)
    below_threshold: bool


def late_payment_interest(amount: Decimal, due: date, paid: date,
                          rates: list[tuple[date, Decimal]], threshold: Decimal) -> Estimate:
    """`rates`: (effective from, percent a year), any order; the first must precede `due`."""
    ordered = sorted(rates)
    periods = []
    day = due + timedelta(days=1)
    while day <= paid:
        rate, until = _rate_on(day, ordered)
        end = min(paid, until)
        days = (end - day).days + 1
        interest = (amount * days * rate / Decimal(36500)).quantize(GROSZ, ROUND_HALF_UP)
        periods.append(Period(day, end, days, rate, interest))
        day = end + timedelta(days=1)
    exact = sum((p.interest for p in periods), Decimal(0))
    rounded = int(exact.quantize(Decimal(1), ROUND_HALF_UP))
    below = rounded <= threshold
    return Estimate(tuple(periods), exact, 0 if below else rounded, below)


def _rate_on(day: date, ordered: list[tuple[date, Decimal]]) -> tuple[Decimal, date]:
    """The rate in force on `day` and the last day it stays in force."""
    current = None
    for index, (start, _rate) in enumerate(ordered):
        if start <= day:
            current = index
    if current is None:
        raise ValueError(f"no interest rate known for {day}")
    following = ordered[current + 1][0] - timedelta(days=1) if current + 1 < len(ordered) else date.max
    return ordered[current][1], following
