"""telePIN (seed 003): set in the settings at level authenticated; the helpline identifies callers."""
import pytest
from identity_helpers import COMPANY_NIP, audit_details, staff

from portal_shared.contracts import identity as contract
from portal_shared.errors import Forbidden, Unauthorized

PASSWORD = "Zimowy-Spacer7"


def _signed_in(client, account) -> dict:
    token = client.post("/api/v1/sessions", json={"login": account["login"], "password": PASSWORD}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("pin, repeated, field, code", [
    ("12345", "12345", "telepin", "telePIN składa się z dokładnie 6 cyfr."),
    ("12a456", "12a456", "telepin", "telePIN składa się z dokładnie 6 cyfr."),
    ("111111", "111111", "telepin", "telePIN nie może składać się z identycznych cyfr (np. 111111)."),
    ("123456", "123456", "telepin", "telePIN nie może składać się z kolejnych cyfr (np. 123456 lub 654321)."),
    ("654321", "654321", "telepin", "telePIN nie może składać się z kolejnych cyfr (np. 123456 lub 654321)."),
    ("482915", "482916", "telepin_repeated", "Wpisane kody telePIN różnią się."),
])
def test_the_telepin_policy(client, make_account, pin, repeated, field, code):
    headers = _signed_in(client, make_account(level="authenticated"))
    refused = client.put("/api/v1/telepin", json={"telepin": pin, "telepin_repeated": repeated}, headers=headers)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["fields"][field] == [code]


def test_only_an_authenticated_account_sets_it_and_it_is_stored_hashed(client, make_account, identity):
    assert client.put("/api/v1/telepin", json={"telepin": "482915", "telepin_repeated": "482915"},
                      headers=_signed_in(client, make_account(level="email_verified"))).status_code == 403
    headers = _signed_in(client, make_account(level="authenticated", pesel="02070803628"))
    assert client.get("/api/v1/telepin", headers=headers).get_json()["status"] == "not_set"
    done = client.put("/api/v1/telepin", json={"telepin": "482915", "telepin_repeated": "482915"}, headers=headers)
    assert done.status_code == 200 and done.get_json()["status"] == "active"
    with identity.connect() as conn:
        [stored] = conn.exec_driver_sql("SELECT pin_hash FROM telepins").scalars().all()
    assert stored.startswith("$argon2id$") and "482915" not in stored
    assert client.delete("/api/v1/telepin", headers=headers).get_json()["status"] == "not_set"


def test_the_helpline_identifies_a_caller_with_their_principals(client, rpc, make_account, identity):
    agent = make_account(level="authenticated")
    headers = _signed_in(client, agent)
    client.put("/api/v1/telepin", json={"telepin": "482915", "telepin_repeated": "482915"}, headers=headers)
    officer = staff("tax_officer")
    contract.GRANT_MANDATE(rpc, actor=officer, principal=COMPANY_NIP, principal_name="Firma Sp. z o.o.",
                           agent_account_id=agent["account_id"], kind="organisation_user", scopes=["view"],
                           valid_from="2020-01-01", valid_to=None)
    consultant = staff("consultant")
    caller = contract.IDENTIFY_CALLER(rpc, actor=consultant, phone="601 234 567", telepin="482915")
    assert caller["account_id"] == agent["account_id"] and caller["pesel"] == agent["pesel"]
    assert [p["principal"] for p in caller["principals"]] == [COMPANY_NIP]
    with pytest.raises(Forbidden):
        contract.IDENTIFY_CALLER(rpc, actor=officer, phone="601 234 567", telepin="482915")


def test_three_wrong_tries_block_it_until_the_owner_sets_a_new_one(client, rpc, make_account, identity):
    owner = make_account(level="authenticated")
    headers = _signed_in(client, owner)
    client.put("/api/v1/telepin", json={"telepin": "482915", "telepin_repeated": "482915"}, headers=headers)
    consultant = staff("consultant")
    refusals = []
    for number, pin in (("+48700000001", "482915"), ("+48601234567", "000001"), ("+48601234567", "000002"),
                        ("+48601234567", "000003"), ("+48601234567", "482915")):
        with pytest.raises(Unauthorized) as refused:
            contract.IDENTIFY_CALLER(rpc, actor=consultant, phone=number, telepin=pin)
        refusals.append(refused.value.args)
    assert len(set(refusals)) == 1  # unknown number, wrong and blocked telePIN: one identical refusal
    assert client.get("/api/v1/telepin", headers=headers).get_json()["status"] == "blocked"
    outcomes = [e["details"]["outcome"] for e in audit_details(identity, "telepin_try")]
    assert outcomes == ["unknown_number", "wrong_pin", "wrong_pin", "wrong_pin", "blocked"]

    client.put("/api/v1/telepin", json={"telepin": "719530", "telepin_repeated": "719530"}, headers=headers)
    assert contract.IDENTIFY_CALLER(rpc, actor=consultant, phone="+48601234567", telepin="719530")["account_id"] \
        == owner["account_id"]
