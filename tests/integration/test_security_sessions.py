"""Sessions: a new token at every sign-in (no fixation), idle and absolute timeouts (set by
configuration, proved by ageing the session as time would), and production cookies."""
import pytest
import sqlalchemy as sa
from helpers import registration

from portal_shared.config import Config
from portal_shared.testing import PRODUCTION_SECRETS

PASSWORD = "Zimowy-Spacer7"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def taxpayer(client):
    assert client.post("/api/v1/registrations", json=registration(client)).status_code == 201
    return {"login": "anna.k", "password": PASSWORD}


@pytest.fixture
def identity_db(service_databases):
    engine = sa.create_engine(service_databases.url("identity"))
    yield engine
    engine.dispose()


def age_sessions(engine, *, idle_minutes: int = 0, since_login_minutes: int = 0) -> None:
    """Move every session back in time, as if the taxpayer had waited."""
    with engine.begin() as conn:
        conn.execute(sa.text(
            "UPDATE sessions SET last_seen_at = last_seen_at - make_interval(mins => :idle), "
            "created_at = created_at - make_interval(mins => :age), "
            "expires_at = expires_at - make_interval(mins => :age)"),
            {"idle": idle_minutes, "age": since_login_minutes})


def test_every_sign_in_gets_a_new_token_and_a_planted_cookie_is_ignored(client, taxpayer):
    planted = "attacker-chosen-session-token-0123456789"
    client.set_cookie("portal_session", planted)
    first = client.post("/api/v1/sessions", json=taxpayer)
    second = client.post("/api/v1/sessions", json=taxpayer)
    tokens = {first.get_json()["token"], second.get_json()["token"]}
    assert len(tokens) == 2 and planted not in tokens
    assert f"portal_session={first.get_json()['token']}" in first.headers["Set-Cookie"]
    assert client.get("/api/v1/me", headers=bearer(planted)).status_code == 401


def test_a_session_ends_after_the_idle_timeout(client, taxpayer, identity_db):
    token = client.post("/api/v1/sessions", json=taxpayer).get_json()["token"]
    age_sessions(identity_db, idle_minutes=Config().session_idle_minutes - 1)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200  # and it counts as activity
    age_sessions(identity_db, idle_minutes=Config().session_idle_minutes - 1)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    age_sessions(identity_db, idle_minutes=Config().session_idle_minutes + 1)
    gone = client.get("/api/v1/me", headers=bearer(token))
    assert gone.status_code == 401 and gone.get_json()["error"]["code"] == "unauthorized"


def test_an_active_session_still_ends_at_the_absolute_timeout(client, taxpayer, identity_db):
    token = client.post("/api/v1/sessions", json=taxpayer).get_json()["token"]
    age_sessions(identity_db, since_login_minutes=Config().session_absolute_minutes - 5)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200  # active right now
    age_sessions(identity_db, since_login_minutes=6)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_the_timeouts_come_from_configuration(client, taxpayer, identity_db, monkeypatch):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("SESSION_ABSOLUTE_MINUTES", "60")
    started = client.post("/api/v1/sessions", json=taxpayer).get_json()
    lifetime = sa.text("SELECT extract(epoch FROM expires_at - created_at) FROM sessions")
    with identity_db.connect() as conn:
        assert round(conn.scalar(lifetime)) == 3600
    age_sessions(identity_db, idle_minutes=6)
    assert client.get("/api/v1/me", headers=bearer(started["token"])).status_code == 401


def test_production_cookies_are_host_only_secure_httponly_and_strict(gateway_app, client, taxpayer):
    from gateway.app import create_app

    secrets = {name.lower(): value for name, value in PRODUCTION_SECRETS.items()}
    production = create_app(Config(environment="production", **secrets),
                            gateway_app.extensions["rpc"]).test_client()
    signed_in = production.post("/api/v1/sessions", json=taxpayer, base_url="https://portal.example")
    assert signed_in.status_code == 201
    cookie = signed_in.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes and "domain" not in attributes
    assert "SameSite=Strict" in cookie and "Path=/" in cookie
    token = signed_in.get_json()["token"]
    # the cookie alone authenticates in production, under its prefixed name only
    production.set_cookie("__Host-session", token, domain="portal.example", secure=True)
    assert production.get("/api/v1/me", base_url="https://portal.example").status_code == 200
    refused = production.delete("/api/v1/sessions/current", base_url="https://portal.example")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"  # cookie alone
    csrf = production.get("/api/v1/csrf-token", base_url="https://portal.example").get_json()["csrf_token"]
    assert production.delete("/api/v1/sessions/current", base_url="https://portal.example",
                             headers={"X-CSRF-Token": csrf, "Referer": "https://portal.example/"}).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401  # ended on the server


def test_a_cross_site_form_cannot_change_anything_with_the_cookie(client, taxpayer):
    """What a hostile page can send with the victim's cookie (SameSite aside): simple requests,
    i.e. form or text/plain bodies, no custom headers. Every change needs a JSON body, and
    anything else needs a CORS preflight the API never grants."""
    assert client.post("/api/v1/sessions", json=taxpayer).status_code == 201  # the cookie is set
    forged_json = '{"language": "en", "consent_e_correspondence": false}'
    for body, content_type in ((forged_json, "text/plain"),
                               ("language=en&consent_e_correspondence=false", "application/x-www-form-urlencoded")):
        changed = client.patch("/api/v1/me", data=body, content_type=content_type,
                               headers={"Origin": "https://evil.example"})
        assert changed.status_code == 400 and changed.get_json()["error"]["fields"] == {
            "_body": ["Treść żądania musi być obiektem JSON."]}
        device = client.post("/api/v1/devices", data=body, content_type=content_type)
        assert device.status_code == 400
    me = client.get("/api/v1/me").get_json()
    assert me["language"] == "pl" and me["consent_e_correspondence"] is True
    preflight = client.options("/api/v1/me", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "PATCH"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
