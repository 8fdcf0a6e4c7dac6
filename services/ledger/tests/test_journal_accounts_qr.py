import re

from hypothesis import given
from hypothesis import strategies as st
from stdnum import iban

from ledger import accounts, journal, transfer_qr
from ledger.allocation import INTEREST, OVERPAYMENT, PRINCIPAL, REMINDER_COST


@given(serial=st.integers(0, 10**12 - 1))
def test_individual_account_numbers_have_valid_check_digits(serial):
    nrb = accounts.individual_nrb("10205356", "7001", serial)
    assert re.fullmatch(r"\d{26}", nrb)
    assert iban.is_valid("PL" + nrb)
    assert int(nrb[2:] + "2521" + nrb[:2]) % 97 == 1     # the rule as the statute's sources state it


def test_account_numbers_differ_per_serial():
    assert accounts.individual_nrb("10205356", "7001", 1) != accounts.individual_nrb("10205356", "7001", 2)


def test_subject_kind():
    assert accounts.subject_kind("44051401359") == "pesel"
    assert accounts.subject_kind("6761013717") == "nip"


kinds = st.sampled_from([PRINCIPAL, INTEREST, REMINDER_COST, OVERPAYMENT])


@given(parts=st.lists(st.tuples(kinds, st.integers(1, 10**9)), max_size=6))
def test_payment_and_rebooking_lines_balance(parts):
    amount = sum(g for _, g in parts) or 1
    assert journal.balanced(journal.payment(amount, parts, "property_tax"))
    if parts:
        assert journal.balanced(journal.rebooking(parts, "property_tax", list(reversed(parts)), "waste_fee"))
    assert journal.balanced(journal.reversal(journal.assessment("forest_tax", amount)))


def test_zbp_examples_from_the_recommendation():
    expected = "1234567890|PL|92124012340001567890123456|001200|Odbiorca 1|FV 1234/34/2012|||"
    assert transfer_qr.zbp_string("1234567890", "92124012340001567890123456", 12_00, "Odbiorca 1",
                                  "FV 1234/34/2012") == expected
    assert transfer_qr.zbp_string("", "92124012340001567890123456", 12_00, "Odbiorca 1", "Przelew ekspress") == \
        "|PL|92124012340001567890123456|001200|Odbiorca 1|Przelew ekspress|||"


def test_amounts_of_10000_zloty_or_more_leave_the_amount_to_the_payer():
    text = transfer_qr.zbp_string("6761013717", "92124012340001567890123456", 10_000_00, "Urzad Miasta", "x")
    assert text.split("|")[3] == "000000"
    assert not transfer_qr.amount_fits(10_000_00) and transfer_qr.amount_fits(9_999_99)


@given(name=st.text(min_size=1, max_size=60).filter(lambda t: re.search(r"\w", t)),
       title=st.text(min_size=1, max_size=60).filter(lambda t: re.search(r"\w", t)))
def test_fields_never_break_the_format(name, title):
    try:
        text = transfer_qr.zbp_string("", "92124012340001567890123456", 1, name, title)
    except ValueError:
        return   # nothing printable was left
    fields = text.split("|")
    assert len(fields) == 9 and len(text) <= 160
    assert 1 <= len(fields[4]) <= 20 and 1 <= len(fields[5]) <= 32


def test_qr_png_is_an_image():
    png = transfer_qr.qr_png("|PL|92124012340001567890123456|001200|Odbiorca 1|Podatek|||")
    assert png.startswith(b"\x89PNG")
