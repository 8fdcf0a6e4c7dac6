"""Late-payment interest (odsetki za zwłokę), OP art. 53-56c.

The rate history is data (`RATES`: effective date, base rate, status and source); a new NBP
lombard rate is one more row. Interest on an amount = amount x days x rate / 365 for each rate
period, counted from the day after the due date up to and including the payment day; the sum
rounds to full złoty (art. 63 §1, half up); it is not charged when it would not exceed three times
the registered-letter fee (art. 54 §1 pkt 5; `MINIMUM`, dated).
"""
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

DAYS_IN_YEAR = Decimal(365)
KINDS = {"base": Decimal(1), "reduced": Decimal("0.5"), "increased": Decimal("1.5")}


@dataclass(frozen=True)
class Rate:
    effective_from: date
    percent: Decimal
    status: str   # V: a public source states it; D: derived from the statute's formula; U: unverified
    source: str


def _rate(day: str, percent: str, status: str, source: str) -> Rate:
    return Rate(date.fromisoformat(day), Decimal(percent), status, source)


# Base rate: 200% of the NBP lombard rate + 2 pp, at least 8% (art. 56 §1), from the day the
# lombard rate changes (art. 56c). Earlier history is out of scope (arrears older than 2016 are
# time-barred after five years, art. 70 §1).
RATES: tuple[Rate, ...] = (
    _rate("2016-01-01", "8.00", "D", "art. 56 §1 floor 8%; lombard 2.50% (2x2.50+2=7 < 8)"),
    _rate("2022-02-09", "8.50", "V", "MF komunikat; lombard 3.25%"),
    _rate("2022-03-09", "10.00", "V", "MF komunikat; lombard 4.00%"),
    _rate("2022-04-07", "12.00", "V", "MF komunikat; lombard 5.00%"),
    _rate("2022-05-06", "13.50", "D", "lombard 5.75% (RPP 2022-05-05)"),
    _rate("2022-06-09", "15.00", "D", "lombard 6.50% (RPP 2022-06-08)"),
    _rate("2022-07-08", "16.00", "D", "lombard 7.00% (RPP 2022-07-07)"),
    _rate("2022-09-08", "16.50", "V", "MF komunikat; lombard 7.25%"),
    _rate("2023-09-07", "15.00", "V", "M.P. 2023 poz. 1017"),
    _rate("2023-10-05", "14.50", "V", "M.P. 2023 poz. 1101"),
    _rate("2025-05-08", "13.50", "D", "lombard 6.25% (RPP 2025-05-07)"),
    _rate("2025-07-03", "13.00", "D", "lombard 6.00% (RPP 2025-07-02)"),
    _rate("2025-09-04", "12.50", "D", "lombard 5.75% (RPP 2025-09-03)"),
    _rate("2025-10-09", "12.00", "D", "lombard 5.50% (RPP 2025-10-08)"),
    _rate("2025-11-06", "11.50", "D", "lombard 5.25% (RPP 2025-11-05)"),
    _rate("2025-12-04", "11.00", "D", "lombard 5.00% (RPP 2025-12-03)"),
    _rate("2026-03-05", "10.50", "D", "lombard 4.75%; any change in Jan-Feb 2026 unverified (U)"),
)

# (effective from, grosze): interest not exceeding this is not charged (art. 54 §1 pkt 5):
# three times Poczta Polska's registered-letter fee. 8.70 zł from 2014-02-01 [V 2014, U today].
MINIMUM: tuple[tuple[date, int], ...] = ((date(2014, 2, 1), 8_70),)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    days: int
    rate_percent: Decimal
    interest: Decimal   # zł, exact


@dataclass(frozen=True)
class Calculation:
    periods: list[Period]
    exact: Decimal            # zł, before rounding
    rounded_grosze: int       # full złoty, in grosze
    charged_grosze: int       # 0 when at or under the minimum
    minimum_grosze: int


def _effective(rows, day: date):
    index = bisect_right([row[0] for row in rows], day) - 1
    if index < 0:
        raise ValueError(f"no rate known for {day}")
    return rows[index]


def minimum_on(day: date) -> int:
    return _effective(MINIMUM, day)[1]


def periods(amount_grosze: int, due: date, paid: date, kind: str = "base") -> list[Period]:
    """Rate periods from the day after `due` to `paid`, both inclusive."""
    if paid <= due or amount_grosze <= 0:
        return []
    factor = KINDS[kind]
    amount = Decimal(amount_grosze) / 100
    start = due + timedelta(days=1)
    starts = [r.effective_from for r in RATES]
    index = bisect_right(starts, start) - 1
    if index < 0:
        raise ValueError(f"no rate known for {start}")
    result = []
    while start <= paid:
        next_change = RATES[index + 1].effective_from if index + 1 < len(RATES) else None
        end = min(paid, next_change - timedelta(days=1)) if next_change else paid
        days = (end - start).days + 1
        rate = RATES[index].percent * factor
        result.append(Period(start, end, days, rate, amount * days * rate / 100 / DAYS_IN_YEAR))
        start, index = end + timedelta(days=1), index + 1
    return result


def to_grosze(zloty: Decimal) -> int:
    return int((zloty * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_to_zloty(zloty: Decimal) -> int:
    return int(zloty.quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 100


def exact_interest(amount_grosze: int, due: date, paid: date, kind: str = "base") -> Decimal:
    return sum((p.interest for p in periods(amount_grosze, due, paid, kind)), Decimal(0))


def charge(exact: Decimal, on: date) -> int:
    """What is charged: rounded to full złoty, nothing at or under the dated minimum."""
    rounded = round_to_zloty(exact)
    return rounded if rounded > minimum_on(on) else 0


def calculate(amount_grosze: int, due: date, paid: date, kind: str = "base") -> Calculation:
    found = periods(amount_grosze, due, paid, kind)
    exact = sum((p.interest for p in found), Decimal(0))
    return Calculation(found, exact, round_to_zloty(exact), charge(exact, paid), minimum_on(paid))
