"""Contracts validate both ways; typed errors survive the trip over RPC; identifiers are checked."""
import pytest
from marshmallow import Schema, ValidationError
from nameko.exceptions import deserialize, serialize

from portal_shared.contracts import identity
from portal_shared.errors import NotFound, TooManyAttempts, ValidationFailed
from portal_shared.identifiers import Nrb, Pesel, PolishMobile, PostalCode


@pytest.mark.parametrize("error", [
    ValidationFailed({"pesel": ["pesel.invalid"], "address": {"city": ["x"]}}),
    TooManyAttempts("login.locked", 120),
    NotFound(),
])
def test_typed_errors_are_rebuilt_as_themselves_after_crossing_the_bus(error):
    rebuilt = deserialize(serialize(error))
    assert type(rebuilt) is type(error)
    assert rebuilt.message == error.message
    assert rebuilt.http_status == error.http_status


def test_retry_after_stays_a_number():
    assert deserialize(serialize(TooManyAttempts("login.locked", 120))).retry_after == 120


def test_validation_failed_keeps_field_errors_and_message():
    rebuilt = deserialize(serialize(ValidationFailed({"code": ["code.wrong"]})))
    assert rebuilt.field_errors == {"code": ["code.wrong"]}
    assert rebuilt.message == "validation_failed"


def test_an_event_is_built_with_id_time_and_version_and_refuses_unknown_fields():
    payload = identity.ACCOUNT_REGISTERED.build(account_id="6f0e4f7c-2f3a-4a53-9d8e-1f2a3b4c5d6e",
                                                login="anna", email="a@example.pl", language="pl")
    assert payload["version"] == 1 and payload["event_id"] and payload["occurred_at"].endswith("+00:00")
    loaded = identity.ACCOUNT_REGISTERED.load(payload)
    assert loaded["login"] == "anna"
    with pytest.raises(ValidationFailed) as refused:
        identity.ACCOUNT_REGISTERED.load({**payload, "surprise": 1})
    assert "surprise" in refused.value.field_errors


def test_rpc_arguments_are_validated_with_field_errors():
    with pytest.raises(ValidationFailed) as refused:
        identity.VERIFY_EMAIL.load_args({"account_id": "not-a-uuid", "code": "12a456"})
    assert set(refused.value.field_errors) == {"account_id", "code"}


class Form(Schema):
    pesel = Pesel()
    nrb = Nrb()
    phone = PolishMobile()
    postal_code = PostalCode()


@pytest.mark.parametrize("field, value, expected", [
    ("pesel", "44051401359", "44051401359"),
    ("nrb", "PL61 1090 1014 0000 0712 1981 2874", "61109010140000071219812874"),
    ("phone", "601 234 567", "+48601234567"),
    ("phone", "0048601234567", "+48601234567"),
    ("postal_code", "30-552", "30-552"),
])
def test_identifiers_are_normalised(field, value, expected):
    assert Form().load({field: value})[field] == expected


@pytest.mark.parametrize("field, value, code", [
    ("pesel", "44051401358", "pesel.invalid"),
    ("pesel", "4405140135", "pesel.invalid"),
    ("nrb", "61109010140000071219812875", "nrb.invalid"),
    ("phone", "+48 22 123 45 67", "phone.invalid"),
    ("phone", "+49601234567", "phone.invalid"),
    ("postal_code", "30552", "postal_code.invalid"),
])
def test_bad_identifiers_get_message_codes(field, value, code):
    with pytest.raises(ValidationError) as refused:
        Form().load({field: value})
    assert refused.value.messages == {field: [code]}


def test_no_message_code_means_two_things():
    """The gateway merges every contract's messages into one table: a code two services define
    differently would silently show one of them the other's text."""
    from portal_shared.contracts import declarations, identity, ledger, notifications
    from portal_shared.messages import COMMON_MESSAGES

    seen: dict[str, str] = {}
    for name, catalog in (("common", COMMON_MESSAGES), ("identity", identity.MESSAGES),
                          ("ledger", ledger.MESSAGES), ("notifications", notifications.MESSAGES),
                          ("declarations", declarations.MESSAGES)):
        for code in catalog:
            assert code not in seen, f"{code} defined by {seen[code]} and {name}: move it to messages.py"
            seen[code] = name
