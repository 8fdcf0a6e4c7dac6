from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from ledger import schedule


def test_natural_person_pays_four_installments_moved_off_sundays():
    plan = schedule.plan("property_tax", "natural", 2026, 1001_00)
    # 15 March and 15 November 2026 are Sundays: the deadline moves to Monday.
    assert [p.due_date for p in plan] == [date(2026, 3, 16), date(2026, 5, 15), date(2026, 9, 15),
                                          date(2026, 11, 16)]
    assert [p.amount_grosze for p in plan] == [251_00, 250_00, 250_00, 250_00]


def test_at_most_100_zloty_is_paid_once_by_15_march():
    assert [(p.due_date, p.amount_grosze) for p in schedule.plan("property_tax", "natural", 2025, 100_00)] == [
        (date(2025, 3, 17), 100_00)]   # 15 March 2025 is a Saturday
    assert len(schedule.plan("property_tax", "natural", 2025, 101_00)) == 4


def test_legal_person_pays_monthly_january_by_the_31st_and_holidays_move_the_date():
    plan = schedule.plan("property_tax", "legal", 2026, 12_000_00)
    assert len(plan) == 12
    assert plan[0].due_date == date(2026, 2, 2)        # 31 January 2026 is a Saturday
    assert plan[7].due_date == date(2026, 8, 17)       # 15 August: Assumption Day and a Saturday
    assert all(schedule.is_working_day(p.due_date) for p in plan)


def test_public_holiday_on_a_weekday_moves_the_date():
    # 1 May 2028 is a Monday holiday, 3 May a holiday: a deadline on 1 May moves to 2 May.
    assert schedule.next_working_day(date(2028, 5, 1)) == date(2028, 5, 2)
    assert schedule.next_working_day(date(2028, 5, 3)) == date(2028, 5, 4)


def test_a_liability_starting_mid_year_has_only_the_remaining_installments():
    plan = schedule.plan("property_tax", "natural", 2026, 400_00, months_from=6)
    assert [p.due_date.month for p in plan] == [9, 11]
    assert sum(p.amount_grosze for p in plan) == 400_00


def test_waste_fee_is_not_rounded_and_splits_in_grosze():
    plan = schedule.plan("waste_fee", "natural", 2026, 420_01)
    assert sum(p.amount_grosze for p in plan) == 420_01
    assert plan[0].amount_grosze == 35_01 + 35_00 - 35_00 and plan[1].amount_grosze == 35_00


@given(annual=st.integers(min_value=1, max_value=10**9), parts=st.integers(min_value=1, max_value=12),
       whole=st.booleans())
def test_split_sums_exactly_and_differs_only_in_the_first(annual, parts, whole):
    amounts = schedule.split(annual, parts, whole)
    assert sum(amounts) == annual
    assert len(set(amounts[1:])) <= 1
    if whole and annual % 100 == 0:
        assert all(a % 100 == 0 for a in amounts)


@given(year=st.integers(min_value=2016, max_value=2035), annual=st.integers(min_value=1, max_value=10**8),
       kind=st.sampled_from(["natural", "legal"]),
       tax=st.sampled_from(["property_tax", "agricultural_tax", "forest_tax", "transport_tax", "waste_fee"]))
def test_every_plan_sums_to_the_annual_amount_on_working_days(year, annual, kind, tax):
    plan = schedule.plan(tax, kind, year, annual)
    assert sum(p.amount_grosze for p in plan) == annual
    assert all(schedule.is_working_day(p.due_date) for p in plan)
    assert [p.due_date for p in plan] == sorted(p.due_date for p in plan)
