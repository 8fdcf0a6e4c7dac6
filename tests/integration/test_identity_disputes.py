"""PESEL disputes (seed 004): the office deletes an account registered on someone else's PESEL."""
import pytest
from helpers import VALID_PESEL, registration
from identity_helpers import audit_actions, staff

from portal_shared.contracts import identity as contract
from portal_shared.errors import Forbidden


def _delete(rpc, actor, account_id, pesel=VALID_PESEL):
    return contract.DELETE_WRONG_ACCOUNT(rpc, actor=actor, account_id=account_id, pesel=pesel,
                                         document_kind="id_card", document_number="ABC123456",
                                         note="Owner showed ID at Wielicka 28a")


def test_the_wrong_account_goes_and_the_real_owner_registers(client, rpc, identity, nameko_config):
    wrong = client.post("/api/v1/registrations", json=registration(client)).get_json()
    token = client.post("/api/v1/sessions", json={"login": "anna.k", "password": "Zimowy-Spacer7"}).get_json()["token"]
    with pytest.raises(Forbidden):
        _delete(rpc, staff("consultant"), wrong["account_id"])

    assert _delete(rpc, staff("tax_officer"), wrong["account_id"]) == {"account_id": wrong["account_id"],
                                                                         "deleted": True}
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "account_deleted" in audit_actions(identity, wrong["account_id"])  # the trail stays
    with identity.connect() as conn:
        [event] = conn.exec_driver_sql(
            "SELECT payload FROM outbox_events WHERE event_type = 'account_deleted'").scalars().all()
    assert event["account_id"] == wrong["account_id"] and event["reason"] == "pesel_dispute"

    owner = client.post("/api/v1/registrations", json=registration(client, login="anna.owner",
                                                                   email="owner@example.pl"))
    assert owner.status_code == 201, owner.get_json()
    assert owner.get_json()["pesel"] == VALID_PESEL
