"""The wizard engine on the shipped definitions: types, conditions, computed limits, prefill."""
import copy

import pytest

from declarations import formdefs, wizard


def _step(form, step_id):
    return formdefs.step(form, step_id)


def test_every_shipped_form_loads_and_names_its_effect():
    forms = formdefs.all_forms()
    assert {code for code, _ in forms} == {"IN-1", "DN-1", "DO-1", "WPW", "WSN-1", "PPS-1"}
    for form in forms.values():
        view = formdefs.public_definition(form, "en")
        assert view["steps"] and all(step["fields"] for step in view["steps"])
        assert form["effect"] in formdefs.EFFECTS


def test_money_is_grosze_and_a_bare_integer_is_refused():
    form = formdefs.current("WPW")
    step = _step(form, "details")
    values = {"payment_date": "2026-01-02", "amount": "1 234,56", "explanation": "x",
              "target_liability_id": "6f1d3c2e-8a55-4c59-9d1e-0b7b2a6f3e10"}
    data, errors = wizard.save_step(form, step, values, {}, {})
    assert errors == {} and data["amount"] == 123456
    _, errors = wizard.save_step(form, step, {**values, "amount": 1234}, {}, {})
    assert errors == {"amount": ["field.not_money"]}


def test_hidden_fields_are_dropped_when_a_condition_changes():
    form = formdefs.current("IN-1")
    step = _step(form, "purpose")
    data, _ = wizard.save_step(form, step, {"tax_year": 2026, "purpose": "correction", "correction_reason": "błąd",
                                            "obligation_date": "2026-01-05"}, {}, {})
    assert data["correction_reason"] == "błąd"
    data, _ = wizard.save_step(form, step, {"tax_year": 2026, "purpose": "filing", "obligation_date": "2026-01-05"},
                               data, {})
    assert "correction_reason" not in data


def test_unknown_fields_and_bad_identifiers_are_field_errors():
    form = formdefs.current("PPS-1")
    _, errors = wizard.save_step(form, _step(form, "agent"), {
        "agent_name": "Jan", "agent_pesel": "44051401358", "agent_account_id": "x", "relation": "spouse",
        "admin": True}, {}, {})
    assert errors == {"admin": ["field.unknown"], "agent_pesel": ["pesel.invalid"],
                      "agent_account_id": ["field.not_uuid"]}


def test_a_claim_may_not_exceed_the_computed_overpayment():
    form = formdefs.current("WSN-1")
    data = {"from_correction": True, "declared_amount": 10000, "corrected_amount": 10000}
    _, errors = wizard.save_step(form, _step(form, "refund"), {"claimed_amount": "1,00",
                                                               "bank_account": "61109010140000071219812874"}, data, {})
    assert errors == {"claimed_amount": ["field.no_overpayment"]}


def test_prefill_takes_the_account_only_for_oneself():
    form = formdefs.current("IN-1")
    account = {"first_name": "Anna", "last_name": "Kowalska", "address": {"city": "Kraków", "flat": None}}
    values = wizard.prefill(form, "44051401359", account)
    assert values == {"first_name": "Anna", "last_name": "Kowalska", "pesel": "44051401359", "city": "Kraków"}


def test_step_errors_recheck_saved_data_with_stored_grosze():
    form = formdefs.current("WSN-1")
    data = {"taxpayer_name": "A", "tax_type": "waste_fee", "tax_year": 2025, "from_correction": False,
            "paid_amount": 42000, "due_amount": 40500, "reason": "r", "claimed_amount": 1500,
            "bank_account": "61109010140000071219812874"}
    assert all(not errors for errors in wizard.step_errors(form, data, {}).values())
    assert wizard.step_errors(form, {**data, "claimed_amount": 1501}, {})["refund"] == {
        "claimed_amount": ["field.exceeds_overpayment"]}


def test_a_malformed_definition_is_refused_at_load():
    form = copy.deepcopy(formdefs.current("WPW"))
    form["steps"][1]["fields"][0]["show_if"] = {"field": "nowhere", "equals": True}
    with pytest.raises(formdefs.DefinitionError):
        formdefs.check(form)
