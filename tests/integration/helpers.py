"""Steps of the taxpayer's story, as the browser or a mobile app would take them."""
import re
import secrets

VALID_PESEL = "44051401359"


def registration(client, **overrides) -> dict:
    """A complete, valid registration form with a fresh CAPTCHA and its answer."""
    captcha = client.get("/api/v1/captcha").get_json()
    answer = client.get(f"/dev/captcha/{captcha['captcha_id']}").get_json()["answer"]
    form = {
        "first_name": "Anna", "last_name": "Kowalska", "pesel": VALID_PESEL,
        "address": {"street": "Wielicka", "building": "28a", "flat": "4",
                    "postal_code": "30-552", "city": "Kraków"},
        "email": "anna.kowalska@example.pl", "phone": "+48 601 234 567",
        "login": "anna.k", "password": "Zimowy-Spacer7", "consent_terms": True,
        "consent_e_correspondence": True, "captcha_id": captcha["captcha_id"],
        "captcha_answer": answer,
    }
    form.update(overrides)
    return form


def unique_mobile() -> str:
    """A Polish mobile number no other test uses, so the SMS code a test catches is its own."""
    return "+48729" + f"{secrets.randbelow(10**6):06d}"


def code_from(message: dict) -> str:
    return re.search(r"\b(\d{6})\b", message["text"]).group(1)


def link_token_from(message: dict) -> str:
    return re.search(r"verify-email\?token=([\w-]+)", message["text"]).group(1)


# --- test-only: until the identity issue adds identity confirmation, an account reaches the
# `authenticated` level here, by SQL in the identity test database. Never used outside tests.
def sign_in_authenticated(client, system, service_databases, **overrides) -> dict:
    """Register, verify the e-mail, raise the level to `authenticated` (test-only), sign in.
    Returns the account with its bearer `token` and the `headers` to send it."""
    import sqlalchemy as sa

    form = registration(client, **overrides)
    account = client.post("/api/v1/registrations", json=form).get_json()
    [email] = system.wait_for(form["email"])
    client.post("/api/v1/email-verifications", json={"account_id": account["account_id"], "code": code_from(email)})
    engine = sa.create_engine(service_databases.url("identity"))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE accounts SET level = 'authenticated' WHERE id = :id"),
                     {"id": account["account_id"]})
    engine.dispose()
    token = client.post("/api/v1/sessions", json={"login": form["login"], "password": form["password"]}
                        ).get_json()["token"]
    return {**account, "token": token, "headers": {"Authorization": f"Bearer {token}"}}
