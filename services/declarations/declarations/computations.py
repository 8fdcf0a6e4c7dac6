"""Computed fields: the tax or fee from the bases and the year's rates, and the overpayment.

Money is integer grosze; rates are Decimal. Property tax: each category's amount to the grosz,
the total rounded to whole złoty (Ordynacja podatkowa art. 63 §1: under 50 gr down, else up).
The waste fee is a fee, not a tax: never rounded.
"""
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from declarations import rates

GROSZ = Decimal("0.01")


def to_grosze(amount_zl: Decimal) -> int:
    return int((amount_zl.quantize(GROSZ, ROUND_HALF_UP) * 100).to_integral_value())


def round_to_zloty(grosze: int) -> int:
    return int((Decimal(grosze) / 100).quantize(Decimal(1), ROUND_HALF_UP)) * 100


def property_tax(data: dict) -> dict:
    """Part D of IN-1/DN-1: bases summed per category (from the annex rows), times the rate."""
    year = data.get("tax_year")
    rows = data.get("objects") or []
    if not year or not rows:
        return {}
    bases: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        bases[row["kind"]] += Decimal(row["base"])
    components = []
    for kind in sorted(bases):
        rate = rates.property_tax_rate(int(year), kind)
        components.append({"kind": kind, "unit": rates.property_tax_unit(kind), "base": str(bases[kind]),
                           "rate": str(rate), "amount_grosze": to_grosze(bases[kind] * rate)})
    exact = sum(c["amount_grosze"] for c in components)
    months_from = months_from_of(data)
    annual = round_to_zloty(exact)
    period = round_to_zloty(exact * (13 - months_from) // 12) if months_from > 1 else annual
    result = {"components": components, "total_exact_grosze": exact, "annual_amount_grosze": annual,
              "months_from": months_from, "amount_for_period_grosze": period}
    if data.get("schedule") == "monthly":
        result["installments"] = monthly_installments(int(year), months_from, period)
    return result


def monthly_installments(year: int, months_from: int, total_grosze: int) -> list[dict]:
    """Legal persons pay property tax monthly: by the 15th, January's by the 31st (ustawa o
    podatkach i opłatach lokalnych art. 6 ust. 9 pkt 2). Whole złoty each; the remainder goes
    to the first installment."""
    months = list(range(months_from, 13))
    base = (total_grosze // len(months)) // 100 * 100
    amounts = [base] * len(months)
    amounts[0] += total_grosze - base * len(months)
    return [{"due_date": date(year, month, 31 if month == 1 else 15).isoformat(), "amount_grosze": amount}
            for month, amount in zip(months, amounts, strict=True)]


def months_from_of(data: dict) -> int:
    """From which month of the tax year the obligation runs: given (DN-1), or from the first day
    of the month after the event (IN-1: art. 6 ust. 1 ustawy o podatkach i opłatach lokalnych)."""
    if data.get("months_from"):
        return int(data["months_from"])
    event = data.get("obligation_date")
    if not event:
        return 1
    event = date.fromisoformat(event)
    if event.year < int(data["tax_year"]):
        return 1
    return min(event.month + 1, 12)


def waste_fee(data: dict) -> dict:
    """Residents × the monthly rate in force in each month (rates change mid-year), less the
    large-family waiver; grouped by rate into components."""
    needed = ("tax_year", "months_from", "residents", "sorted", "large_family_card")
    if any(data.get(name) is None for name in needed):
        return {}
    year, residents = int(data["tax_year"]), int(data["residents"])
    waiver = rates.large_family_waiver() if data["large_family_card"] else Decimal(0)
    by_rate: dict[Decimal, int] = defaultdict(int)
    for month in range(int(data["months_from"]), 13):
        rate = rates.waste_fee_rate(date(year, month, 1), bool(data["sorted"]))
        by_rate[rate * (1 - waiver)] += 1
    components = [{"kind": "waste_resident_month", "unit": "resident_month",
                   "base": str(residents * months), "rate": format(rate.normalize(), "f"),
                   "amount_grosze": to_grosze(rate * residents * months)}
                  for rate, months in sorted(by_rate.items())]
    last_rate = rates.waste_fee_rate(date(year, 12, 1), bool(data["sorted"])) * (1 - waiver)
    total = sum(c["amount_grosze"] for c in components)
    return {"components": components, "monthly_fee_grosze": to_grosze(last_rate * residents),
            "annual_amount_grosze": total, "months_from": int(data["months_from"]),
            "amount_for_period_grosze": total}


def overpayment(data: dict) -> dict:
    if data.get("from_correction") is True:
        declared, corrected = data.get("declared_amount"), data.get("corrected_amount")
    else:
        declared, corrected = data.get("paid_amount"), data.get("due_amount")
    if declared is None or corrected is None:
        return {}
    return {"overpayment_grosze": max(int(declared) - int(corrected), 0)}


def property_tax_monthly(data: dict) -> dict:
    return property_tax({**data, "schedule": "monthly"})


COMPUTATIONS = {"property_tax": property_tax, "property_tax_monthly": property_tax_monthly,
                "waste_fee": waste_fee, "overpayment": overpayment}


def compute(form: dict, data: dict) -> dict:
    name = form.get("compute")
    return COMPUTATIONS[name](data) if name else {}
