"""Devices through the gateway (seed 001) and staff over internal RPC: roles, login, audit log."""
import pytest
from helpers import registration

from identity import bootstrap_staff
from portal_shared.contracts import identity
from portal_shared.errors import Forbidden, Unauthorized, ValidationFailed

PASSWORD = "Zimowy-Spacer7"
STAFF_PASSWORD = "Urzad-Podatkowy-2026"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def signed_in_taxpayer(client) -> tuple[dict, str]:
    account = client.post("/api/v1/registrations", json=registration(client)).get_json()
    token = client.post("/api/v1/sessions", json={"login": "anna.k", "password": PASSWORD}).get_json()["token"]
    return account, token


def register_phone(client, token, pin="2580") -> dict:
    created = client.post("/api/v1/devices", headers=bearer(token), json={
        "name": "Pixel Anny", "platform": "android", "pin": pin, "pin_repeat": pin, "push_token": "fcm-token-1"})
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def device_login(client, device, pin, address="127.0.0.1"):
    return client.post("/api/v1/device-sessions", environ_base={"REMOTE_ADDR": address}, json={
        "device_id": device["device_id"], "device_secret": device["device_secret"], "pin": pin})


def test_a_phone_registers_with_a_pin_signs_in_with_it_and_is_revoked(client, rpc):
    account, token = signed_in_taxpayer(client)
    weak = client.post("/api/v1/devices", headers=bearer(token), json={
        "name": "Pixel", "platform": "android", "pin": "1234", "pin_repeat": "1234"})
    assert weak.status_code == 400 and "pin" in weak.get_json()["error"]["fields"]
    device = register_phone(client, token)
    assert device["status"] == "active" and device["has_push_token"] is True

    signed_in = device_login(client, device, "2580")
    assert signed_in.status_code == 201, signed_in.get_json()
    device_token = signed_in.get_json()["token"]
    assert client.get("/api/v1/me", headers=bearer(device_token)).get_json()["account_id"] == account["account_id"]
    # a PIN session cannot enrol further devices: that needs the password
    assert client.post("/api/v1/devices", headers=bearer(device_token), json={
        "name": "Tablet", "platform": "ios", "pin": "2580", "pin_repeat": "2580"}).status_code == 403
    forged = client.post("/api/v1/device-sessions", json={
        "device_id": device["device_id"], "device_secret": "x" * 43, "pin": "2580"})
    assert forged.status_code == 401

    [target] = identity.PUSH_TARGETS(rpc, account_ids=[account["account_id"]])
    assert target["push_token"] == "fcm-token-1"
    updated = client.put(f"/api/v1/devices/{device['device_id']}/push-token", headers=bearer(token),
                         json={"push_token": "fcm-token-2"})
    assert updated.status_code == 200
    assert identity.PUSH_TARGETS(rpc, account_ids=[account["account_id"]])[0]["push_token"] == "fcm-token-2"

    [listed] = client.get("/api/v1/devices", headers=bearer(token)).get_json()
    assert listed["device_id"] == device["device_id"] and "device_secret" not in listed
    assert client.delete(f"/api/v1/devices/{device['device_id']}", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(device_token)).status_code == 401
    assert device_login(client, device, "2580").status_code == 401
    assert identity.PUSH_TARGETS(rpc, account_ids=[account["account_id"]]) == []
    assert client.get("/api/v1/devices", headers=bearer(token)).get_json()[0]["status"] == "revoked"


def test_five_wrong_pins_block_the_device_and_end_its_sessions(client):
    _, token = signed_in_taxpayer(client)
    device = register_phone(client, token)
    earlier_session = device_login(client, device, "2580").get_json()["token"]
    for _ in range(4):
        assert device_login(client, device, "9999").status_code == 401
    fifth = device_login(client, device, "9999")
    assert fifth.status_code == 403 and fifth.get_json()["error"]["message"].startswith("Urządzenie zablokowano")
    # blocked for good, from anywhere (another address is not yet throttled by the failures)
    assert device_login(client, device, "2580", address="10.20.0.1").status_code == 403
    assert client.get("/api/v1/devices", headers=bearer(token)).get_json()[0]["status"] == "blocked"
    assert client.get("/api/v1/me", headers=bearer(earlier_session)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


@pytest.fixture
def admin(service_containers, service_databases, rpc):
    service_containers("identity")
    bootstrap_staff.create_admin("admin", "Ewa Administratorka", STAFF_PASSWORD, service_databases.url("identity"))
    return identity.STAFF_LOGIN(rpc, login="admin", password=STAFF_PASSWORD, client_address="10.10.0.1")


def test_staff_sign_in_separately_and_only_admins_manage_staff(admin, rpc):
    assert admin["actor"]["roles"] == ["admin"]
    assert identity.STAFF_SESSION_ACTOR(rpc, token=admin["token"])["account_id"] == admin["actor"]["account_id"]
    consultant = identity.CREATE_STAFF(rpc, actor=admin["actor"], login="konsultant1", full_name="Piotr Nowak",
                                       roles=["consultant"], password="Infolinia-KAS-2026")
    assert consultant["roles"] == ["consultant"] and consultant["created_by"].startswith("staff:")
    signed_in = identity.STAFF_LOGIN(rpc, login="konsultant1", password="Infolinia-KAS-2026", client_address=None)
    helpline = signed_in["actor"]

    with pytest.raises(Forbidden):
        identity.CREATE_STAFF(rpc, actor=helpline, login="intruz", full_name="Intruz", roles=["admin"],
                              password="Infolinia-KAS-2026")
    with pytest.raises(Forbidden):  # roles claimed by the caller are not believed: identity re-reads them
        identity.LIST_STAFF(rpc, actor={**helpline, "roles": ["admin"]})
    with pytest.raises(Forbidden):
        identity.READ_AUDIT_LOG(rpc, actor=helpline)
    with pytest.raises(Unauthorized):  # taxpayers' logins are not staff logins
        identity.STAFF_LOGIN(rpc, login="nobody", password=STAFF_PASSWORD, client_address=None)
    with pytest.raises(ValidationFailed):
        identity.CHANGE_STAFF(rpc, actor=admin["actor"], staff_id=admin["actor"]["account_id"], active=False)

    identity.CHANGE_STAFF(rpc, actor=admin["actor"], staff_id=consultant["staff_id"], active=False)
    with pytest.raises(Unauthorized):
        identity.STAFF_SESSION_ACTOR(rpc, token=signed_in["token"])
    with pytest.raises(Unauthorized):
        identity.STAFF_LOGIN(rpc, login="konsultant1", password="Infolinia-KAS-2026", client_address=None)
    assert [m["active"] for m in identity.LIST_STAFF(rpc, actor=admin["actor"])] == [True, False]
    identity.STAFF_LOGOUT(rpc, token=admin["token"])
    with pytest.raises(Unauthorized):
        identity.STAFF_SESSION_ACTOR(rpc, token=admin["token"])


def test_the_admin_reads_the_audit_log_of_security_events(admin, client, rpc):
    account = client.post("/api/v1/registrations", json=registration(client)).get_json()
    client.post("/api/v1/sessions", json={"login": "anna.k", "password": "Zle-Haslo-1"})
    client.post("/api/v1/sessions", json={"login": "anna.k", "password": PASSWORD})
    entries = identity.READ_AUDIT_LOG(rpc, actor=admin["actor"], subject=account["account_id"])
    actions = [entry["action"] for entry in entries]
    assert actions[:3] == ["login", "login_failed", "phone_code_sent"]
    assert entries[0]["source"] == "127.0.0.1" and entries[0]["actor"] == account["account_id"]

    page = identity.READ_AUDIT_LOG(rpc, actor=admin["actor"], subject=account["account_id"], limit=1,
                                   before_id=entries[0]["id"])
    assert [entry["action"] for entry in page] == ["login_failed"]
    staff_actions = identity.READ_AUDIT_LOG(rpc, actor=admin["actor"], by=f"staff:{admin['actor']['account_id']}")
    assert [entry["action"] for entry in staff_actions][:3] == ["audit_log_read", "audit_log_read", "staff_login"]
