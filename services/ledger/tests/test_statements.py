from datetime import date
from pathlib import Path

import pytest

from ledger import matching, statements
from ledger.fakes import camt053

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(("name", "credits"), [
    ("camt053.001.02_goldman-sachs-txb_sample_USD.xml", 8),      # 13 credits, 5 of them reversals
    ("camt053.001.02_sns-bank-nl_anonymised-export_EUR.xml", 4),
    ("camt053.001.04_iso20022-official-business-example_SEK.xml", 2),
    ("camt053.001.08_genkgo-test-fixture_EUR.xml", 1),
])
def test_camt053_samples_yield_their_booked_credits_with_unique_keys(name, credits):
    entries = list(statements.parse_camt053((FIXTURES / name).read_bytes()))
    assert len(entries) == credits
    assert len({e.key for e in entries}) == credits


def test_camt053_v08_party_nesting_and_structured_reference():
    [entry] = statements.parse_camt053((FIXTURES / "camt053.001.08_genkgo-test-fixture_EUR.xml").read_bytes())
    assert entry.payer_name == "NAME NAME"
    assert entry.title == "4654654654654654"
    assert (entry.amount_grosze, entry.currency) == (885, "EUR")


def test_camt053_iso_example_without_decimals():
    name = "camt053.001.04_iso20022-official-business-example_SEK.xml"
    entries = list(statements.parse_camt053((FIXTURES / name).read_bytes()))
    mueller = next(e for e in entries if e.payer_name == "MUELLER")
    assert mueller.amount_grosze == 105_678_50 and mueller.booked_on == date(2010, 10, 18)


@pytest.mark.parametrize(("name", "credits"), [
    ("mt940_mbank-pl_iph-collect_iso-8859-2.txt", 23),
    ("mt940_mbank-pl_multi-account_iso-8859-2.txt", 18),
    ("mt940_generic_de-sepa_qmark-subfields_betterplace.txt", 41),
])
def test_mt940_samples_yield_their_credits(name, credits):
    entries = list(statements.parse_mt940((FIXTURES / name).read_bytes()))
    assert len(entries) == credits
    assert len({e.key for e in entries}) == credits


def test_mt940_mbank_free_text_fields_and_polish_letters():
    entries = list(statements.parse_mt940((FIXTURES / "mt940_mbank-pl_iph-collect_iso-8859-2.txt").read_bytes()))
    first = entries[0]
    assert (first.amount_grosze, first.currency, first.booked_on) == (6_979_18, "PLN", date(2010, 6, 4))
    assert first.title == "210F1163"
    assert first.payer_name.startswith("GWARANT-CYNKOWANIE SPÓŁKA")
    assert first.payer_account == "04105014611000002345271577"


def test_mt940_multi_account_file_keeps_each_statements_account():
    entries = list(statements.parse_mt940((FIXTURES / "mt940_mbank-pl_multi-account_iso-8859-2.txt").read_bytes()))
    assert len({e.credited_account for e in entries}) > 1


def test_built_statement_round_trips():
    raw = camt053.statement([camt053.Credit("R1", 251_00, date(2026, 3, 16), "12345678901234567890123456",
                                            title="PIT & <co>")], "10205356700100000000000000")
    [entry] = statements.parse_camt053(raw)
    assert (entry.amount_grosze, entry.credited_account, entry.title) == (251_00, "12345678901234567890123456",
                                                                         "PIT & <co>")


def test_a_statement_with_a_dtd_is_refused_before_parsing():
    raw = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
           b'<Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="PLN">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
           b'<Sts>BOOK</Sts><BookgDt><Dt>2026-01-02</Dt></BookgDt><AddtlNtryInf>&b;</AddtlNtryInf></Ntry>'
           b'</Stmt></BkToCstmrStmt></Document>')
    with pytest.raises(statements.UnsafeXml):
        list(statements.parse_camt053(raw))
    with pytest.raises(statements.UnsafeXml):   # hidden behind a comment and a processing instruction
        list(statements.parse_camt053(
            b'<?xml version="1.0"?>\n<!-- x --><?pi y?>\n<!DOCTYPE d SYSTEM "file:///etc/passwd"><d/>'))
    # the real samples (a comment before the root element) pass
    sample = FIXTURES / "camt053.001.04_iso20022-official-business-example_SEK.xml"
    assert list(statements.parse_camt053(sample.read_bytes()))


def test_matching_by_account_then_by_title():
    finder = matching.Matcher([("A1", "44051401359", "property_tax", "11111111111111111111111111"),
                               ("A2", "44051401359", "waste_fee", "22222222222222222222222222"),
                               ("B1", "6761013717", "transport_tax", "33333333333333333333333333")])
    assert finder.match("PL11111111111111111111111111", "") == "A1"
    assert finder.match("99999999999999999999999999", "wplata na 22 2222 2222 2222 2222 2222 2222") == "A2"
    assert finder.match("", "PESEL 44051401359 oplata za odpady") == "A2"
    assert finder.match("", "NIP 6761013717") == "B1"
    assert finder.match("", "PESEL 44051401359") is None          # two taxes, none named
    assert finder.match("", "44051401358 podatek") is None        # not a valid PESEL
