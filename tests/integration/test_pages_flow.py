"""The account pages end to end through the gateway's test client: the same RPC contracts as the
API, CSRF on every form, and 503 when nothing answers."""
import dataclasses
import re
from urllib.parse import quote, urlsplit, urlunsplit

import requests
from helpers import VALID_PESEL, code_from, unique_mobile

from portal_shared.config import Config
from portal_shared.contracts import identity
from portal_shared.testing import RABBIT_API, RUN_ID


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


def registration_form(client, page: str, **overrides) -> dict:
    captcha_id = hidden(page, "captcha_id")
    answer = client.get(f"/dev/captcha/{captcha_id}").get_json()["answer"]
    form = {"csrf_token": hidden(page, "csrf_token"), "captcha_id": captcha_id,
            "first_name": "Anna", "last_name": "Kowalska", "pesel": VALID_PESEL,
            "address.street": "Wielicka", "address.building": "28a", "address.flat": "",
            "address.postal_code": "30-552", "address.city": "Kraków",
            "email": "anna.kowalska@example.pl", "phone": "+48 601 234 567", "login": "anna.k",
            "password": "Zimowy-Spacer7", "password_repeat": "Zimowy-Spacer7",
            "captcha_answer": answer.lower(), "consent_terms": "yes"}
    form.update(overrides)
    return form


def test_register_verify_sign_in_and_out_through_the_pages(client, system, identity_events):
    page = client.get("/register").get_data(as_text=True)
    refused = client.post("/register", data=registration_form(client, page, pesel="44051401358",
                                                               first_name=""))
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert '<a href="#f-pesel">Nieprawidłowy numer PESEL.</a>' in text
    assert '<a href="#f-first_name">To pole jest wymagane.</a>' in text
    assert 'value="Zimowy-Spacer7"' not in text  # passwords are never echoed

    mobile = unique_mobile()
    done = client.post("/register", data=registration_form(client, text, phone=mobile))
    assert done.status_code == 302 and done.headers["Location"] == "/verify-email"
    [email] = system.wait_for("anna.kowalska@example.pl")
    verify_page = client.get("/verify-email").get_data(as_text=True)
    assert "anna.kowalska@example.pl" in verify_page
    verified = client.post("/verify-email", data={"csrf_token": hidden(verify_page, "csrf_token"),
                                                  "code": code_from(email)})
    assert verified.headers["Location"] == "/verify-phone"   # this browser registered: the SMS code next

    phone_page = client.get("/verify-phone").get_data(as_text=True)
    assert "Adres e-mail został zweryfikowany" in phone_page
    [sms] = identity_events.wait_for(identity.PHONE_VERIFICATION_REQUESTED, phone=mobile)
    wrong = client.post("/verify-phone", data={"csrf_token": hidden(phone_page, "csrf_token"),
                                               "code": "000000" if sms["code"] != "000000" else "111111"})
    assert wrong.status_code == 400 and '<a href="#f-code">' in wrong.get_data(as_text=True)
    phone_verified = client.post("/verify-phone", data={"csrf_token": hidden(phone_page, "csrf_token"),
                                                        "code": sms["code"]})
    assert phone_verified.headers["Location"] == "/login"

    login_page = client.get("/login").get_data(as_text=True)
    assert "Numer telefonu został zweryfikowany" in login_page
    signed_in = client.post("/login", data={"csrf_token": hidden(login_page, "csrf_token"),
                                            "login": "anna.k", "password": "Zimowy-Spacer7",
                                            "next": "/account"})
    assert signed_in.headers["Location"] == "/account"
    account = client.get("/account").get_data(as_text=True)
    assert "Kowalska" in account and "adres e-mail zweryfikowany" in account

    client.post("/logout", data={"csrf_token": hidden(account, "csrf_token")})
    assert client.get("/account").headers["Location"] == "/login?next=/account"


def test_the_audio_captcha_speaks_the_live_captcha_only(client):
    page = client.get("/register").get_data(as_text=True)
    audio = client.get(f"/register/captcha/{hidden(page, 'captcha_id')}.wav")
    assert audio.status_code == 200 and audio.mimetype == "audio/wav"
    assert audio.data[:4] == b"RIFF" and len(audio.data) > 10_000
    assert client.post("/register", data=registration_form(client, page)).status_code == 302  # spent
    assert client.get(f"/register/captcha/{hidden(page, 'captcha_id')}.wav").status_code == 404


def test_a_vhost_with_no_services_gives_503_with_retry_after(gateway_config):
    """Nothing is stopped: the gateway is pointed at an empty virtual host instead."""
    from gateway.app import create_app
    from portal_shared.rpc_client import RpcPool

    vhost = f"test-{RUN_ID}-empty"
    api = RABBIT_API.rstrip("/")
    requests.put(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10).raise_for_status()
    requests.put(f"{api}/api/permissions/{quote(vhost, safe='')}/guest",
                 json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10).raise_for_status()
    try:
        base = urlsplit(Config().amqp_uri)
        uri = urlunsplit((base.scheme, base.netloc, "/" + quote(vhost, safe=""), "", ""))
        config = dataclasses.replace(gateway_config, amqp_uri=uri)
        pool = RpcPool(config.nameko_config(), size=2, timeout=3)
        client = create_app(config, pool).test_client()
        for path in ("/api/v1/captcha", "/readyz", "/register"):
            answer = client.get(path)
            assert answer.status_code == 503, path
            assert answer.headers["Retry-After"] == "5"
        assert client.get("/api/v1/captcha").get_json()["error"]["code"] == "service_unavailable"
        pool.close()
    finally:
        requests.delete(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10)
