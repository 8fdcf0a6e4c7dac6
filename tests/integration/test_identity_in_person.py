"""In person: a tax officer records the identity document they checked (seed 000)."""
import pytest
from identity_helpers import ANNA_PESEL, JAN_PESEL, audit_details, staff

from portal_shared.contracts import identity as contract
from portal_shared.errors import Conflict, Forbidden, ValidationFailed


def _authenticate(rpc, account, actor, pesel=ANNA_PESEL):
    return contract.AUTHENTICATE_IN_PERSON(rpc, actor=actor, account_id=account["account_id"], pesel=pesel,
                                           document_kind="id_card", document_number="ABC 123456")


def test_an_officer_authenticates_and_the_record_says_how_when_and_by_whom(rpc, make_account, identity):
    account = make_account()
    officer = staff("tax_officer")
    assert _authenticate(rpc, account, officer)["level"] == "authenticated"

    [record] = contract.AUTHENTICATIONS(rpc, account_id=account["account_id"])
    assert record["method"] == "in_person"
    assert record["performed_by"] == f"staff:{officer['account_id']}"
    assert record["evidence"]["document_kind"] == "id_card"
    assert record["evidence"]["document_number_masked"] == "ABC****56"  # never the whole number
    assert record["authenticated_at"]
    [audited] = audit_details(identity, "account_authenticated")
    assert audited["actor"] == officer["account_id"] and audited["details"]["method"] == "in_person"


def test_only_a_tax_officer_may_and_only_for_the_accounts_own_pesel(make_account, rpc):
    account = make_account()
    with pytest.raises(Forbidden):
        _authenticate(rpc, account, staff("consultant"))
    with pytest.raises(ValidationFailed) as refused:
        _authenticate(rpc, account, staff("tax_officer"), pesel=JAN_PESEL)
    assert refused.value.field_errors == {"pesel": ["authentication.pesel_mismatch"]}
    assert contract.AUTHENTICATIONS(rpc, account_id=account["account_id"]) == []


def test_the_email_must_be_verified_first_and_twice_is_a_conflict(rpc, make_account):
    with pytest.raises(Conflict, match="level.email_not_verified"):
        _authenticate(rpc, make_account(level="registered"), staff("tax_officer"))
    done = make_account(pesel=JAN_PESEL)
    _authenticate(rpc, done, staff("tax_officer"), pesel=JAN_PESEL)
    with pytest.raises(Conflict, match="level.already_authenticated"):
        _authenticate(rpc, done, staff("tax_officer"), pesel=JAN_PESEL)
