"""Posting against a real database: idempotency, corrections, rebooking, refunds, reminders,
the balance, and the property that replaying postings with duplicates gives the same ledger."""
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_factories import PESEL, assess
from sqlalchemy.orm import Session

from ledger import liabilities, overpayments, overview, postings, reminders
from ledger.models import journal_lines, tax_accounts
from portal_shared.errors import ValidationFailed

TODAY = date(2026, 12, 1)


def account_id(session, subject=PESEL, tax_type="property_tax"):
    return session.scalar(sa.select(tax_accounts.c.id).where(tax_accounts.c.subject == subject,
                                                             tax_accounts.c.tax_type == tax_type))


def pay(session, key, amount, on, account, named=None):
    return postings.post(session, [postings.IncomingPayment(key, amount, on, "cash_desk", account,
                                                            named_liability_id=named)])[0]


def journal_balances(session) -> bool:
    unbalanced = session.execute(sa.text(
        "SELECT entry_id FROM journal_lines GROUP BY entry_id, operation "
        "HAVING sum(debit_grosze) <> sum(credit_grosze)")).all()
    return not unbalanced and session.scalar(sa.select(sa.func.count()).select_from(journal_lines)) > 0


def test_assessment_creates_account_liability_and_schedule(session):
    liability_id = assess(session, 1001_00)
    accounts = overview.tax_accounts_of(session, PESEL)
    assert len(accounts) == 1 and len(accounts[0].account_number) == 26
    rows = overview.installments_of(session, [accounts[0].id], date(2026, 1, 10))
    assert [r["amount_grosze"] for r in rows] == [251_00, 250_00, 250_00, 250_00]
    assert {r["liability_id"] for r in rows} == {liability_id}
    assert [r["status"] for r in rows] == ["due"] * 4
    [liability] = overview.liabilities_of(session, [accounts[0].id])
    assert liability["components"][0]["kind"] == "building_residential"
    assert journal_balances(session)


def test_posting_the_same_payment_twice_has_the_effect_of_once_and_says_so(session):
    assess(session, 1001_00)
    account = account_id(session)
    first = pay(session, "cash:1", 300_00, date(2026, 3, 1), account)
    again = pay(session, "cash:1", 300_00, date(2026, 3, 1), account)
    assert not first.duplicate and again.duplicate and again.payment_id == first.payment_id
    balance = overview.balance_of(session, [account], date(2026, 3, 2))
    assert balance["paid_grosze"] == 300_00 and balance["received_grosze"] == 300_00
    assert balance["reconciles"]
    statuses = [r["status"] for r in overview.installments_of(session, [account], date(2026, 3, 2))]
    assert statuses == ["paid", "partly_paid", "due", "due"]


def test_a_batch_with_a_repeated_key_posts_it_once(session):
    assess(session, 1001_00)
    account = account_id(session)
    batch = [postings.IncomingPayment("bank:7", 100_00, date(2026, 3, 1), "bank_statement", account)] * 2
    results = postings.post(session, batch)
    assert len(results) == 1
    assert overview.balance_of(session, [account], date(2026, 3, 2))["paid_grosze"] == 100_00


def test_overdue_status_interest_today_and_reminder_cost_first(session):
    assess(session, 1001_00, tax_year=2025)
    account = account_id(session)
    rows = overview.installments_of(session, [account], TODAY)
    assert all(r["status"] == "overdue" for r in rows) and rows[0]["interest_today_grosze"] > 0
    issued = reminders.issue(session, TODAY, days_overdue=7)
    assert len(issued) == 4 and issued[0]["cost_grosze"] == 16_00
    assert reminders.issue(session, TODAY, days_overdue=7) == []     # once per installment
    posted = pay(session, "cash:r", 20_00, TODAY, account)
    assert [(a.kind, a.grosze) for a in posted.allocations] == [("reminder_cost", 16_00), ("reminder_cost", 4_00)]
    assert journal_balances(session)


def test_correction_replaces_the_liability_keeps_history_and_moves_payments(session):
    declaration = str(uuid.uuid4())
    first = assess(session, 1001_00, declaration_id=declaration)
    account = account_id(session)
    pay(session, "cash:c", 251_00, date(2026, 3, 2), account)
    second = assess(session, 2000_00, declaration_id=str(uuid.uuid4()), corrects=declaration)
    history = {item["liability_id"]: item["status"] for item in overview.liabilities_of(session, [account])}
    assert history == {first: "replaced", second: "active"}
    rows = overview.installments_of(session, [account], date(2026, 3, 3))
    assert {r["liability_id"] for r in rows} == {second}
    assert rows[0]["paid_grosze"] == 251_00 and rows[0]["amount_grosze"] == 500_00
    balance = overview.balance_of(session, [account], date(2026, 3, 3))
    assert balance["assessed_grosze"] == 2000_00 and balance["reconciles"]
    assert journal_balances(session)


def test_rebooking_moves_a_payment_and_history_shows_both(session):
    wrong = assess(session, 400_00)
    right = assess(session, 300_00, tax_type="waste_fee")
    wrong_account, right_account = account_id(session), account_id(session, tax_type="waste_fee")
    posted = pay(session, "cash:x", 100_00, date(2026, 3, 1), wrong_account)
    postings.reallocate(session, posted.payment_id, right_account, right, "rebooking")
    [payment] = overview.payments_of(session, [right_account])
    ops = [(a["operation"], a["grosze"]) for a in payment["allocations"]]
    assert ("posting", 100_00) in ops and ("rebooking", -100_00) in ops and ("rebooking", 25_00) in ops
    assert overview.balance_of(session, [wrong_account], date(2026, 3, 2))["paid_grosze"] == 0
    assert overview.balance_of(session, [right_account], date(2026, 3, 2))["paid_grosze"] == 100_00
    assert wrong != right and journal_balances(session)


def test_a_partly_refunded_payment_is_not_rebooked_to_another_tax_and_both_accounts_reconcile(session):
    """The refunded 50 zł has left the office from the property tax account: moving the payment
    to the waste fee would leave that refund with nothing behind it."""
    assess(session, 100_00)
    waste_fee = assess(session, 300_00, tax_type="waste_fee")
    property_account, waste_account = account_id(session), account_id(session, tax_type="waste_fee")
    posted = pay(session, "cash:p", 250_00, date(2026, 3, 1), property_account)
    assert overpayments.refund(session, PESEL, 50_00, "61109010140000071219812874", None) == 50_00
    before = overview.payments_of(session, [property_account, waste_account])
    with pytest.raises(ValidationFailed) as refused:
        postings.reallocate(session, posted.payment_id, waste_account, waste_fee, "rebooking")
    assert refused.value.field_errors == {"payment_id": ["payment.partly_refunded"]}
    assert overview.payments_of(session, [property_account, waste_account]) == before
    for account, received, refunded in ((property_account, 250_00, 50_00), (waste_account, 0, 0)):
        balance = overview.balance_of(session, [account], date(2026, 3, 2))
        assert balance["reconciles"], balance
        assert (balance["received_grosze"], balance["refunded_grosze"]) == (received, refunded)
    assert journal_balances(session)


def test_a_partly_refunded_payment_is_reallocated_within_its_account_without_the_refund(session):
    declaration = str(uuid.uuid4())
    assess(session, 100_00, declaration_id=declaration)
    account = account_id(session)
    posted = pay(session, "cash:q", 250_00, date(2026, 3, 1), account)
    overpayments.refund(session, PESEL, 50_00, "61109010140000071219812874", None)
    corrected = assess(session, 180_00, declaration_id=str(uuid.uuid4()), corrects=declaration)
    postings.reallocate(session, posted.payment_id, account, corrected, "rebooking")
    net = dict(liabilities.net_allocations(session, posted.payment_id))
    assert sum(net.values()) == 200_00 and net.get("principal") == 180_00
    balance = overview.balance_of(session, [account], date(2026, 3, 2))
    assert balance["reconciles"] and balance["refunded_grosze"] == 50_00 and balance["overpayment_grosze"] == 20_00
    assert journal_balances(session)


def test_overpayment_is_credited_against_a_new_liability_or_refunded(session):
    assess(session, 100_00, tax_year=2025)
    account = account_id(session)
    pay(session, "cash:o", 300_00, date(2025, 3, 1), account)
    assert overview.balance_of(session, [account], TODAY)["overpayment_grosze"] == 200_00
    assess(session, 150_00, tax_year=2026)          # credited against the new one
    balance = overview.balance_of(session, [account], date(2026, 1, 2))
    assert balance["overpayment_grosze"] == 50_00 and balance["outstanding_grosze"] == 0
    assert overpayments.refund(session, PESEL, 80_00, "61109010140000071219812874", None) == 50_00
    balance = overview.balance_of(session, [account], date(2026, 1, 2))
    assert balance["overpayment_grosze"] == 0 and balance["refunded_grosze"] == 50_00 and balance["reconciles"]
    assert journal_balances(session)


def test_payment_for_the_rebooking_flow_is_found_by_reference_or_by_date_and_amount(session):
    assess(session, 400_00)
    account = account_id(session)
    posted = pay(session, "bank:ref-9", 70_00, date(2026, 3, 1), account)
    assert liabilities.find_payment_for_rebooking(session, PESEL, {"payment_reference": "bank:ref-9"}) == \
        posted.payment_id
    assert liabilities.find_payment_for_rebooking(session, PESEL, {
        "payment_reference": None, "payment_date": date(2026, 3, 1), "amount_grosze": 70_00}) == posted.payment_id


payments_strategy = st.lists(st.tuples(st.integers(0, 5), st.integers(1, 600_00), st.integers(0, 400)),
                             min_size=1, max_size=6)


def ledger_state(session, account):
    installments = session.execute(sa.text(
        "SELECT number, paid_grosze, interest_paid_grosze FROM installments WHERE tax_account_id = :a "
        "ORDER BY number"), {"a": account}).all()
    kinds = session.execute(sa.text("SELECT kind, sum(grosze) FROM allocations GROUP BY kind ORDER BY kind")).all()
    return [tuple(r) for r in installments], [tuple(k) for k in kinds]


def replay(engine, batches) -> tuple:
    with engine.connect() as conn:
        transaction = conn.begin()
        session = Session(bind=conn)
        assess(session, 1001_00, tax_year=2025)
        account = account_id(session)
        for batch in batches:
            postings.post(session, [postings.IncomingPayment(
                f"k{key}", amount, date(2025, 1, 1) + timedelta(days=offset), "bank_statement", account)
                for key, amount, offset in batch])
        unallocated = session.execute(sa.text(
            "SELECT p.amount_grosze - sum(a.grosze) FROM payments p JOIN allocations a ON a.payment_id = p.id "
            "GROUP BY p.id")).scalars().all()
        assert set(unallocated) == {0}                     # allocations sum to each payment
        balance = overview.balance_of(session, [account], TODAY)
        assert balance["reconciles"]
        assert balance["assessed_grosze"] - balance["paid_grosze"] == balance["outstanding_grosze"]
        state = ledger_state(session, account)
        transaction.rollback()
        return state


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=payments_strategy, repeats=st.lists(st.integers(0, 7), max_size=5))
def test_replaying_postings_with_duplicates_gives_the_same_ledger(ledger_engine, sequence, repeats):
    """Payments in date order posted as one batch, one by one, and one by one with any of them
    posted again: the same ledger."""
    sequence = sorted(sequence, key=lambda s: s[2])
    once = replay(ledger_engine, [sequence])
    assert replay(ledger_engine, [[item] for item in sequence]) == once
    with_duplicates = [[item] for item in sequence] + [[sequence[i % len(sequence)]] for i in repeats]
    assert replay(ledger_engine, with_duplicates) == once
