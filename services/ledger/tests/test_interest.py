from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ledger import interest


def test_worked_example_from_the_rules():
    result = interest.calculate(10_000_00, date(2023, 3, 15), date(2023, 9, 20))
    assert [(p.start, p.end, p.days, p.rate_percent) for p in result.periods] == [
        (date(2023, 3, 16), date(2023, 9, 6), 175, Decimal("16.50")),
        (date(2023, 9, 7), date(2023, 9, 20), 14, Decimal("15.00"))]
    assert [interest.to_grosze(p.interest) for p in result.periods] == [791_10, 57_53]
    assert interest.to_grosze(result.exact) == 848_63
    assert result.charged_grosze == 849_00


def test_paying_on_the_due_date_costs_nothing():
    assert interest.calculate(10_000_00, date(2024, 3, 15), date(2024, 3, 15)).charged_grosze == 0


def test_interest_at_or_under_the_minimum_is_not_charged():
    # 1,000 zł at 14.50% for 21 days = 8.34 zł -> rounds to 8 zł <= 8.70 zł: not charged
    small = interest.calculate(1_000_00, date(2024, 3, 15), date(2024, 4, 5))
    assert small.rounded_grosze == 8_00 and small.charged_grosze == 0
    # 23 days = 9.14 zł -> 9 zł > 8.70 zł: charged
    assert interest.calculate(1_000_00, date(2024, 3, 15), date(2024, 4, 7)).charged_grosze == 9_00


def test_reduced_rate_is_half():
    base = interest.calculate(10_000_00, date(2024, 3, 15), date(2024, 6, 15))
    reduced = interest.calculate(10_000_00, date(2024, 3, 15), date(2024, 6, 15), "reduced")
    assert abs(reduced.exact * 2 - base.exact) < Decimal("1e-20")
    assert reduced.periods[0].rate_percent == Decimal("7.250")


def test_rate_table_is_ordered_with_sources():
    starts = [r.effective_from for r in interest.RATES]
    assert starts == sorted(starts)
    assert all(r.source and r.status in ("V", "D", "U") for r in interest.RATES)
    assert all(r.percent >= 8 for r in interest.RATES)   # art. 56 §1 floor


@given(amount=st.integers(min_value=1, max_value=10**10),
       due=st.dates(min_value=date(2016, 1, 1), max_value=date(2027, 1, 1)),
       days=st.integers(min_value=0, max_value=2000), split=st.integers(min_value=0, max_value=2000))
def test_periods_cover_every_day_once_and_interest_grows_with_time(amount, due, days, split):
    from datetime import timedelta
    paid = due + timedelta(days=days)
    periods = interest.periods(amount, due, paid)
    assert sum(p.days for p in periods) == days
    later = interest.exact_interest(amount, due, paid + timedelta(days=split))
    assert later >= interest.exact_interest(amount, due, paid)
