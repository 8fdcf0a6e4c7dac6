"""The account's life through the gateway: password reset and change, SMS verification,
"update data", login throttling, sessions, and the demo account (seeds 001 and 004)."""
import sqlalchemy as sa
from helpers import code_from, registration

from portal_shared.contracts import identity
from portal_shared.testing import production_environment

PASSWORD = "Zimowy-Spacer7"
RESET = identity.PASSWORD_RESET_REQUESTED
SMS = identity.PHONE_VERIFICATION_REQUESTED


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def register(client, **overrides) -> dict:
    created = client.post("/api/v1/registrations", json=registration(client, **overrides))
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def sign_in(client, login="anna.k", password=PASSWORD, address="127.0.0.1") -> str:
    signed_in = client.post("/api/v1/sessions", json={"login": login, "password": password},
                            environ_base={"REMOTE_ADDR": address})
    assert signed_in.status_code == 201, signed_in.get_json()
    return signed_in.get_json()["token"]


def audit_rows(service_databases, account_id: str, action: str) -> list[dict]:
    engine = sa.create_engine(service_databases.url("identity"))
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT details FROM audit_events WHERE subject = :s AND action = :a "
                                    "ORDER BY id"), {"s": account_id, "a": action}).scalars().all()
    engine.dispose()
    return rows


def test_password_reset_answers_alike_sends_a_one_use_link_and_ends_every_session(client, identity_events):
    account = register(client)
    old_session = sign_in(client)
    known = client.post("/api/v1/password-resets", json={"login": "anna.k"})
    unknown = client.post("/api/v1/password-resets", json={"login": "nobody@example.pl"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json() == {"accepted": True}

    [event] = identity_events.wait_for(RESET, account_id=account["account_id"])
    assert event["email"] == "anna.kowalska@example.pl" and event["language"] == "pl"
    token = event["link_token"]
    weak = client.post("/api/v1/password-resets/complete", json={"token": token, "password": "haslo123"})
    assert weak.status_code == 400 and "password" in weak.get_json()["error"]["fields"]

    done = client.post("/api/v1/password-resets/complete", json={"token": token, "password": "Jesienny-Liść42"})
    assert done.status_code == 200 and done.get_json() == {"ended": 1}
    assert client.get("/api/v1/me", headers=bearer(old_session)).status_code == 401
    again = client.post("/api/v1/password-resets/complete", json={"token": token, "password": "Inne-Haslo-99"})
    assert again.status_code == 400
    assert client.post("/api/v1/sessions", json={"login": "anna.k", "password": PASSWORD}).status_code == 401
    sign_in(client, password="Jesienny-Liść42")


def test_password_change_needs_the_current_password_and_ends_the_other_sessions(client, identity_events):
    account = register(client)
    here, elsewhere = sign_in(client), sign_in(client, address="10.0.0.7")
    wrong = client.put("/api/v1/me/password", headers={**bearer(here), "Accept-Language": "en"},
                       json={"current_password": "Nie-To-Haslo1", "new_password": "Jesienny-Liść42"})
    assert wrong.status_code == 400
    assert wrong.get_json()["error"]["fields"] == {"current_password": ["The current password is wrong."]}
    changed = client.put("/api/v1/me/password", headers=bearer(here),
                         json={"current_password": PASSWORD, "new_password": "Jesienny-Liść42"})
    assert changed.status_code == 200 and changed.get_json() == {"ended": 1}
    assert client.get("/api/v1/me", headers=bearer(elsewhere)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(here)).status_code == 200
    [told] = identity_events.wait_for(identity.PASSWORD_CHANGED, account_id=account["account_id"])
    assert told["how"] == "change"


def test_the_phone_is_verified_by_sms_at_registration_and_resending_is_limited(client, identity_events):
    account = register(client)
    assert account["phone_verified"] is False
    [sms] = identity_events.wait_for(SMS, account_id=account["account_id"])
    assert sms["phone"] == "+48601234567"
    too_soon = client.post("/api/v1/phone-verifications/resend", json={"account_id": account["account_id"]})
    assert too_soon.status_code == 429 and 0 < int(too_soon.headers["Retry-After"]) <= 60
    wrong = "000000" if sms["code"] != "000000" else "111111"
    refused = client.post("/api/v1/phone-verifications", json={"account_id": account["account_id"], "code": wrong})
    assert refused.get_json()["error"]["fields"]["code"] == ["Nieprawidłowy kod."]
    verified = client.post("/api/v1/phone-verifications",
                           json={"account_id": account["account_id"], "code": sms["code"]})
    assert verified.status_code == 200 and verified.get_json()["phone_verified"] is True


def test_update_data_audits_old_values_and_reverifies_a_new_phone_and_email(client, system, identity_events,
                                                                            service_databases, rpc):
    account = register(client, language="pl")
    token = sign_in(client)
    plain = client.patch("/api/v1/me", headers=bearer(token), json={
        "address": {"street": "Długa", "building": "5", "postal_code": "31-147", "city": "Kraków"},
        "language": "en", "consent_e_correspondence": False})
    assert plain.status_code == 200, plain.get_json()
    assert plain.get_json()["address"]["street"] == "Długa" and plain.get_json()["language"] == "en"
    changes = {row["field"]: row for row in audit_rows(service_databases, account["account_id"], "profile_changed")}
    assert changes["address"]["old_value"]["street"] == "Wielicka"
    assert changes["language"]["old_value"] == "pl"
    assert changes["consent_e_correspondence"]["old_value"] is True

    no_password = client.patch("/api/v1/me", headers=bearer(token), json={"phone": "+48 512 345 678"})
    assert no_password.status_code == 400
    assert "current_password" in no_password.get_json()["error"]["fields"]
    pending = client.patch("/api/v1/me", headers=bearer(token),
                           json={"phone": "+48 512 345 678", "current_password": PASSWORD})
    assert pending.get_json()["phone"] == "+48601234567"  # the old number stays until the new one is verified
    [sms] = identity_events.wait_for(SMS, account_id=account["account_id"], phone="+48512345678")
    verified = client.post("/api/v1/phone-verifications", json={"account_id": account["account_id"],
                                                                "code": sms["code"]})
    assert verified.get_json()["phone"] == "+48512345678" and verified.get_json()["phone_verified"] is True
    [contact] = identity.CONTACTS(rpc, subjects=[account["pesel"]])
    assert contact["phone"] == "+48512345678" and contact["phone_verified"] is True

    [first_email] = system.wait_for("anna.kowalska@example.pl")
    client.post("/api/v1/email-verifications", json={"account_id": account["account_id"],
                                                     "code": code_from(first_email)})
    moved = client.patch("/api/v1/me", headers=bearer(token),
                         json={"email": "anna.nowa@example.pl", "current_password": PASSWORD})
    assert moved.get_json()["email_verified"] is False and moved.get_json()["level"] == "registered"
    [warning] = identity_events.wait_for(identity.EMAIL_CHANGED, account_id=account["account_id"])
    assert (warning["old_email"], warning["new_email"]) == ("anna.kowalska@example.pl", "anna.nowa@example.pl")
    [email] = system.wait_for("anna.nowa@example.pl")
    reverified = client.post("/api/v1/email-verifications",
                             json={"account_id": account["account_id"], "code": code_from(email)})
    assert reverified.get_json()["email_verified"] is True
    [email_change] = [row for row in audit_rows(service_databases, account["account_id"], "profile_changed")
                      if row["field"] == "email"]
    assert email_change["old_value"] == "anna.kowalska@example.pl"
    [level_change] = [row for row in audit_rows(service_databases, account["account_id"], "profile_changed")
                      if row["field"] == "level"]
    assert (level_change["old_value"], level_change["new_value"]) == ("email_verified", "registered")


def test_failed_logins_are_throttled_alike_for_known_and_unknown_logins(client):
    register(client)
    answers = {}
    for login, address in (("anna.k", "10.0.1.1"), ("nobody", "10.0.1.2")):
        for _ in range(5):
            failed = client.post("/api/v1/sessions", json={"login": login, "password": "Zle-Haslo-1"},
                                 environ_base={"REMOTE_ADDR": address})
            assert failed.status_code == 401
        throttled = client.post("/api/v1/sessions", json={"login": login, "password": PASSWORD},
                                environ_base={"REMOTE_ADDR": address})
        answers[login] = (throttled.status_code, throttled.get_json(), throttled.headers["Retry-After"])
    assert answers["anna.k"] == answers["nobody"]
    assert answers["anna.k"][0] == 429 and answers["anna.k"][1]["error"]["message"].startswith("Zbyt wiele")


def test_failures_from_one_address_are_throttled_across_logins(client):
    for n in range(5):
        client.post("/api/v1/sessions", json={"login": f"guess{n}", "password": "Zle-Haslo-1"},
                    environ_base={"REMOTE_ADDR": "10.0.2.1"})
    next_login = client.post("/api/v1/sessions", json={"login": "guess9", "password": "Zle-Haslo-1"},
                             environ_base={"REMOTE_ADDR": "10.0.2.1"})
    assert next_login.status_code == 429
    other_address = client.post("/api/v1/sessions", json={"login": "guess9", "password": "Zle-Haslo-1"},
                                environ_base={"REMOTE_ADDR": "10.0.2.2"})
    assert other_address.status_code == 401


def test_sessions_are_listed_and_ended_one_by_one_or_everywhere(client):
    register(client)
    here, phone, laptop = sign_in(client), sign_in(client, address="10.0.3.1"), sign_in(client, address="10.0.3.2")
    listed = client.get("/api/v1/sessions", headers=bearer(here))
    assert listed.status_code == 200
    by_address = {s["client_address"]: s for s in listed.get_json()}
    assert set(by_address) == {"127.0.0.1", "10.0.3.1", "10.0.3.2"}
    assert by_address["127.0.0.1"]["current"] is True and by_address["10.0.3.1"]["current"] is False

    ended = client.delete(f"/api/v1/sessions/{by_address['10.0.3.1']['session_id']}", headers=bearer(here))
    assert ended.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(phone)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(laptop)).status_code == 200

    stranger = register(client, login="jan.n", email="jan@example.pl", pesel="02070803628")
    strangers_token = sign_in(client, login="jan.n")
    foreign = client.delete(f"/api/v1/sessions/{by_address['10.0.3.2']['session_id']}",
                            headers=bearer(strangers_token))
    assert foreign.status_code == 404 and stranger

    everywhere = client.delete("/api/v1/sessions", headers=bearer(laptop))
    assert everywhere.status_code == 200 and everywhere.get_json() == {"ended": 2}
    assert client.get("/api/v1/me", headers=bearer(here)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(laptop)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(strangers_token)).status_code == 200


def test_the_demo_account_signs_in_and_is_read_only_where_it_could_harm_others(client, service_databases):
    from identity import demo

    demo.seed(service_databases.url("identity"))
    someone_else = sign_in(client, login="demo", password="demo", address="10.0.4.1")
    token = sign_in(client, login="demo", password="demo")
    me = client.get("/api/v1/me", headers=bearer(token)).get_json()
    assert me["demo"] is True and me["level"] == "authenticated"
    assert [s["current"] for s in client.get("/api/v1/sessions", headers=bearer(token)).get_json()] == [True]
    for refused in (
        client.patch("/api/v1/me", headers=bearer(token), json={"language": "en"}),
        client.put("/api/v1/me/password", headers=bearer(token),
                   json={"current_password": "demo", "new_password": "Przejete-Konto9"}),
        client.delete("/api/v1/sessions", headers=bearer(token)),
        client.post("/api/v1/devices", headers=bearer(token),
                    json={"name": "x", "platform": "android", "pin": "2580", "pin_repeat": "2580"}),
    ):
        assert refused.status_code == 403, refused.get_json()
        assert refused.get_json()["error"]["message"] == "Konto demonstracyjne służy tylko do przeglądania."
    assert client.get("/api/v1/me", headers=bearer(someone_else)).status_code == 200
    quiet = client.post("/api/v1/password-resets", json={"login": "demo"})
    assert quiet.status_code == 202


def test_production_refuses_the_demo_login(client, service_databases, monkeypatch):
    from identity import demo

    demo.seed(service_databases.url("identity"))
    production_environment(monkeypatch)
    refused = client.post("/api/v1/sessions", json={"login": "demo", "password": "demo"})
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"


def test_the_openapi_document_shows_the_account_endpoints(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path, method in (("/api/v1/password-resets", "post"), ("/api/v1/password-resets/complete", "post"),
                         ("/api/v1/me/password", "put"), ("/api/v1/me", "patch"),
                         ("/api/v1/phone-verifications", "post"), ("/api/v1/phone-verifications/resend", "post"),
                         ("/api/v1/sessions", "get"), ("/api/v1/sessions", "delete"),
                         ("/api/v1/sessions/{session_id}", "delete"), ("/api/v1/devices", "post"),
                         ("/api/v1/devices", "get"), ("/api/v1/devices/{device_id}", "delete"),
                         ("/api/v1/devices/{device_id}/push-token", "put"), ("/api/v1/device-sessions", "post")):
        assert method in paths[path], (path, method)
    listed = paths["/api/v1/sessions"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["type"] == "array"
