"""PESEL disputes (seed 004): the office deletes an account registered on someone else's PESEL."""
import pytest
from helpers import VALID_PESEL, registration
from identity_helpers import audit_actions, staff

from portal_shared.contracts import identity as contract
from portal_shared.errors import Conflict, Forbidden, ValidationFailed


def _delete(rpc, actor, account_id, pesel=VALID_PESEL):
    return contract.DELETE_WRONG_ACCOUNT(rpc, actor=actor, account_id=account_id, pesel=pesel,
                                         document_kind="id_card", document_number="ABC123456",
                                         note="Owner showed ID at Wielicka 28a")


def test_the_wrong_account_goes_and_the_real_owner_registers(client, rpc, identity, nameko_config):
    wrong = client.post("/api/v1/registrations", json=registration(client)).get_json()
    token = client.post("/api/v1/sessions", json={"login": "anna.k", "password": "Zimowy-Spacer7"}).get_json()["token"]
    with pytest.raises(Forbidden):
        _delete(rpc, staff("consultant"), wrong["account_id"])
    contract.GRANT_MANDATE(rpc, actor=staff("tax_officer"), principal="02070803628", principal_name="Jan Nowak",
                           agent_account_id=wrong["account_id"], kind="general_attorney", scopes=["view"],
                           valid_from="2024-01-01", valid_to=None)

    assert _delete(rpc, staff("tax_officer"), wrong["account_id"]) == {"account_id": wrong["account_id"],
                                                                         "deleted": True}
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "account_deleted" in audit_actions(identity, wrong["account_id"])  # the trail stays
    with identity.connect() as conn:
        [event] = conn.exec_driver_sql(
            "SELECT payload FROM outbox_events WHERE event_type = 'account_deleted'").scalars().all()
    assert event["account_id"] == wrong["account_id"] and event["reason"] == "pesel_dispute"
    with identity.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM mandates").scalar() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM sessions").scalar() == 0

    owner = client.post("/api/v1/registrations", json=registration(client, login="anna.owner",
                                                                   email="owner@example.pl"))
    assert owner.status_code == 201, owner.get_json()
    assert owner.get_json()["pesel"] == VALID_PESEL


def test_an_account_that_proved_its_pesel_is_not_a_dispute(client, rpc, make_account):
    proven = make_account(pesel=VALID_PESEL, level="authenticated")
    with pytest.raises(Conflict, match="dispute.account_authenticated"):
        _delete(rpc, staff("tax_officer"), proven["account_id"])
    with pytest.raises(ValidationFailed):
        _delete(rpc, staff("tax_officer"), make_account(pesel="02070803628")["account_id"])  # not the ID's PESEL
