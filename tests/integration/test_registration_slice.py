"""The foundation's slice, end to end: CAPTCHA -> register -> e-mail -> verify -> login -> me -> logout."""
from helpers import VALID_PESEL, code_from, link_token_from, registration


def test_a_taxpayer_registers_verifies_email_and_signs_in(client, system):
    form = registration(client)
    created = client.post("/api/v1/registrations", json=form)
    assert created.status_code == 201, created.get_json()
    account = created.get_json()
    assert account["level"] == "registered"
    assert account["phone"] == "+48601234567"
    assert "password" not in account

    [email] = system.wait_for("anna.kowalska@example.pl")
    assert "kod weryfikacyjny" in email["subject"]
    assert email["html"] and "<strong>" in email["html"]
    verified = client.post("/api/v1/email-verifications",
                           json={"account_id": account["account_id"], "code": code_from(email)})
    assert verified.status_code == 200, verified.get_json()
    assert verified.get_json()["level"] == "email_verified"

    signed_in = client.post("/api/v1/sessions", json={"login": "ANNA.K", "password": form["password"]})
    assert signed_in.status_code == 201, signed_in.get_json()
    token = signed_in.get_json()["token"]
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json()["login"] == "anna.k"
    assert me.get_json()["email_verified"] is True
    # the browser's cookie works as well as the bearer token
    assert client.get("/api/v1/me").status_code == 200

    assert client.delete("/api/v1/sessions/current",
                         headers={"Authorization": f"Bearer {token}"}).status_code == 204
    gone = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 401


def test_english_speaker_gets_english_mail_and_link_verification(client, system):
    form = registration(client, language="en", email="john@example.com", login="john")
    account = client.post("/api/v1/registrations", json=form).get_json()
    [email] = system.wait_for("john@example.com")
    assert email["subject"] == "Taxpayer Portal: your e-mail verification code"
    token = link_token_from(email)
    verified = client.post("/api/v1/email-verifications/link", json={"token": token})
    assert verified.get_json()["level"] == "email_verified"
    again = client.post("/api/v1/email-verifications/link", json={"token": token})
    assert again.status_code == 400
    assert account["account_id"] == verified.get_json()["account_id"]


def test_a_reused_captcha_is_refused(client):
    form = registration(client)
    assert client.post("/api/v1/registrations", json=form).status_code == 201
    reused = client.post("/api/v1/registrations",
                         json={**form, "login": "other", "email": "other@example.pl",
                               "pesel": "02070803628"})
    assert reused.status_code == 400
    assert list(reused.get_json()["error"]["fields"]) == ["captcha_answer"]


def test_a_weak_password_is_refused_in_the_callers_language(client):
    form = registration(client, password="haslo")
    refused = client.post("/api/v1/registrations", json=form, headers={"Accept-Language": "en"})
    assert refused.status_code == 400
    body = refused.get_json()["error"]
    assert body["code"] == "validation_failed"
    assert "The password must have at least 8 characters." in body["fields"]["password"]
    polish = client.post("/api/v1/registrations", json={**form, "password": "Password1!"},
                         headers={"Accept-Language": "pl-PL,pl;q=0.9"})
    assert polish.get_json()["error"]["fields"]["password"] == [
        "To hasło jest zbyt popularne lub łatwe do odgadnięcia."]
    # the form was refused before the CAPTCHA was spent, and nothing was stored
    assert client.post("/api/v1/registrations", json={**form, "password": "Zimowy-Spacer7"}).status_code == 201


def test_a_bad_pesel_and_address_get_field_errors_and_nothing_is_stored(client, system):
    form = registration(client, pesel="44051401358",
                        address={"street": "Wielicka", "building": "1", "postal_code": "30552",
                                 "city": "Kraków"})
    refused = client.post("/api/v1/registrations", json=form)
    assert refused.status_code == 400
    fields = refused.get_json()["error"]["fields"]
    assert fields["pesel"] == ["Nieprawidłowy numer PESEL."]
    assert fields["address"]["postal_code"] == ["Kod pocztowy ma format NN-NNN."]
    login = client.post("/api/v1/sessions", json={"login": form["login"], "password": form["password"]})
    assert login.status_code == 401
    assert system.messages() == []


def test_a_duplicate_login_is_refused_and_nothing_is_stored(client, system):
    first = registration(client)
    assert client.post("/api/v1/registrations", json=first).status_code == 201
    second = registration(client, login="ANNA.K", email="anna2@example.pl", pesel="02070803628")
    refused = client.post("/api/v1/registrations", json=second)
    assert refused.status_code == 400
    assert list(refused.get_json()["error"]["fields"]) == ["login"]
    system.wait_for(first["email"])
    assert system.messages("anna2@example.pl") == []
    assert client.post("/api/v1/sessions",
                       json={"login": "anna.k", "password": first["password"]}).status_code == 201


def test_a_pesel_with_an_account_gets_the_dispute_path(client):
    assert client.post("/api/v1/registrations", json=registration(client)).status_code == 201
    again = registration(client, login="someone", email="someone@example.pl", pesel=VALID_PESEL)
    refused = client.post("/api/v1/registrations", json=again, headers={"Accept-Language": "en"})
    assert refused.status_code == 400
    [message] = refused.get_json()["error"]["fields"]["pesel"]
    assert "visit the tax office with your ID card" in message


def test_wrong_codes_void_the_code_after_five_tries(client, system):
    account = client.post("/api/v1/registrations", json=registration(client)).get_json()
    [email] = system.wait_for("anna.kowalska@example.pl")
    right = code_from(email)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(4):
        answer = client.post("/api/v1/email-verifications",
                             json={"account_id": account["account_id"], "code": wrong})
        assert answer.get_json()["error"]["fields"]["code"] == ["Nieprawidłowy kod."]
    fifth = client.post("/api/v1/email-verifications",
                        json={"account_id": account["account_id"], "code": wrong})
    assert "unieważniono" in fifth.get_json()["error"]["fields"]["code"][0]
    late = client.post("/api/v1/email-verifications",
                       json={"account_id": account["account_id"], "code": right})
    assert late.status_code == 400
    too_soon = client.post("/api/v1/email-verifications/resend",
                           json={"account_id": account["account_id"]})
    assert too_soon.status_code == 429
    assert 0 < int(too_soon.headers["Retry-After"]) <= 60
