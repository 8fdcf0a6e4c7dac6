from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ledger import interest
from ledger.allocation import (
    INTEREST,
    OVERPAYMENT,
    PRINCIPAL,
    REMINDER_COST,
    AccountState,
    OpenInstallment,
    OpenReminder,
    allocate,
    split_arrear_and_interest,
)


def state(*installments, reminders=()):
    return AccountState(list(installments), list(reminders))


def test_reminder_cost_first_then_earliest_due_then_overpayment():
    s = state(OpenInstallment("b", "L1", date(2026, 5, 15), 250_00),
              OpenInstallment("a", "L1", date(2026, 3, 16), 251_00),
              reminders=[OpenReminder("r", 16_00)])
    parts = allocate(s, 600_00, date(2026, 3, 10))
    assert [(p.kind, p.grosze, p.installment_id, p.reminder_id) for p in parts] == [
        (REMINDER_COST, 16_00, None, "r"), (PRINCIPAL, 251_00, "a", None), (PRINCIPAL, 250_00, "b", None),
        (OVERPAYMENT, 83_00, None, None)]


def test_a_named_liability_is_paid_instead_of_the_earliest_one():
    s = state(OpenInstallment("old", "L2025", date(2025, 11, 17), 100_00),
              OpenInstallment("new", "L2026", date(2026, 3, 16), 100_00))
    parts = allocate(s, 100_00, date(2026, 3, 1), named_liability_id="L2026")
    assert [(p.kind, p.installment_id) for p in parts] == [(PRINCIPAL, "new")]


def test_overdue_arrear_and_interest_split_proportionally_art_55_2():
    # 10,000 zł due 2023-03-15 paid late on 2023-09-20: interest 849 zł on that day.
    s = state(OpenInstallment("i", "L", date(2023, 3, 15), 10_000_00))
    parts = allocate(s, 5_000_00, date(2023, 9, 20))
    by_kind = {p.kind: p.grosze for p in parts}
    assert by_kind[INTEREST] == round(5_000_00 * 849_00 / (10_000_00 + 849_00))   # 391.28 zł
    assert by_kind[INTEREST] + by_kind[PRINCIPAL] == 5_000_00


def test_payment_covering_arrear_and_interest_pays_both_and_leaves_overpayment():
    s = state(OpenInstallment("i", "L", date(2023, 3, 15), 10_000_00))
    parts = allocate(s, 11_000_00, date(2023, 9, 20))
    assert [(p.kind, p.grosze) for p in parts] == [(INTEREST, 849_00), (PRINCIPAL, 10_000_00), (OVERPAYMENT, 151_00)]


def test_interest_under_the_minimum_is_not_taken():
    s = state(OpenInstallment("i", "L", date(2024, 3, 15), 1_000_00))
    parts = allocate(s, 1_000_00, date(2024, 4, 5))    # 8 zł of interest: not charged
    assert [(p.kind, p.grosze) for p in parts] == [(PRINCIPAL, 1_000_00)]


def test_earlier_late_part_payments_keep_accruing_until_they_were_paid():
    item = OpenInstallment("i", "L", date(2023, 3, 15), 10_000_00)
    s = state(item)
    allocate(s, 2_000_00, date(2023, 6, 15))
    owed = item.interest_owed(date(2023, 9, 20))
    paid_part = sum(p for _, p in item.late_payments)
    exact = interest.exact_interest(paid_part, date(2023, 3, 15), date(2023, 6, 15)) + interest.exact_interest(
        item.outstanding_grosze, date(2023, 3, 15), date(2023, 9, 20))
    assert owed == interest.charge(exact, date(2023, 9, 20)) - item.interest_paid_grosze


@given(arrear=st.integers(1, 10**9), owed=st.integers(0, 10**8), payment=st.integers(1, 10**10))
def test_proportional_split_sums_and_never_exceeds(arrear, owed, payment):
    to_arrear, to_interest = split_arrear_and_interest(payment, arrear, owed)
    assert to_arrear + to_interest == min(payment, arrear + owed)
    assert 0 <= to_arrear <= arrear and 0 <= to_interest <= owed


installment_strategy = st.builds(
    lambda n, due, amount: OpenInstallment(f"i{n}", f"L{n % 3}", due, amount),
    st.integers(0, 10**6), st.dates(date(2020, 1, 1), date(2026, 12, 31)), st.integers(1, 10**8))


@given(items=st.lists(installment_strategy, max_size=8, unique_by=lambda i: i.id),
       costs=st.lists(st.integers(1, 16_00), max_size=2),
       payments=st.lists(st.tuples(st.integers(1, 10**8), st.integers(0, 3000)), min_size=1, max_size=5))
def test_allocations_sum_to_the_payment_and_never_overpay(items, costs, payments):
    original = {i.id: i.outstanding_grosze for i in items}
    s = state(*items, reminders=[OpenReminder(f"r{n}", c) for n, c in enumerate(costs)])
    principal = dict.fromkeys(original, 0)
    for amount, offset in payments:
        parts = allocate(s, amount, date(2020, 1, 1) + timedelta(days=offset))
        assert sum(p.grosze for p in parts) == amount
        assert all(p.grosze > 0 for p in parts)
        for p in parts:
            if p.kind == PRINCIPAL:
                principal[p.installment_id] += p.grosze
    assert all(principal[k] <= original[k] for k in original)
    assert all(i.outstanding_grosze == original[i.id] - principal[i.id] for i in s.installments)
