"""Security headers, CSRF for cookie sessions, rate limits, 503 from an unavailable service."""
import re

from portal_shared.contracts import identity
from portal_shared.errors import ServiceUnavailable
from portal_shared.testing import PRODUCTION_SECRETS

CAPTCHA = {"captcha_id": "0b5b7c6e-3f0c-4c7e-9d9a-5a0e2a3b4c5d", "image_png_base64": "iVBORw0KGgo=",
           "expires_at": "2099-01-01T00:00:00+00:00"}


def test_every_response_carries_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # only over HTTPS, in production


def test_production_adds_hsts_and_secure_cookies(make_app):
    client = make_app(environment="production",
                      **{name.lower(): value for name, value in PRODUCTION_SECRETS.items()}).test_client()
    response = client.get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers["Set-Cookie"] and "__Host-portal=" in response.headers["Set-Cookie"]
    assert client.get("/dev/messages").status_code == 404


def test_a_page_form_without_its_csrf_token_is_refused(client, rpc):
    refused = client.post("/login", data={"login": "anna", "password": "x"})
    assert refused.status_code == 400
    assert "Formularz wygasł" in refused.get_data(as_text=True)
    assert rpc.calls == []


def test_the_api_over_a_session_cookie_needs_the_csrf_header_and_bearer_clients_do_not(client, rpc):
    rpc.on(identity.LOGOUT, lambda **kwargs: None)
    rpc.on(identity.SESSION_ACCOUNT, lambda **kwargs: {"account_id": "x"})
    client.set_cookie("portal_session", "c" * 43)
    assert client.delete("/api/v1/sessions/current").status_code == 400
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    assert client.delete("/api/v1/sessions/current", headers={"X-CSRF-Token": token}).status_code == 204
    bearer = client.application.test_client()
    assert bearer.delete("/api/v1/sessions/current",
                         headers={"Authorization": "Bearer " + "b" * 43}).status_code == 204


def test_captcha_images_are_limited_per_client_with_retry_after(client, rpc):
    rpc.on(identity.CREATE_CAPTCHA, lambda: CAPTCHA)
    statuses = [client.get("/api/v1/captcha").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    limited = client.get("/api/v1/captcha", headers={"Accept-Language": "en"})
    assert limited.get_json()["error"]["code"] == "too_many_requests"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    # the registration page draws from the same allowance
    assert client.get("/register").status_code == 429


def test_sign_in_is_limited_per_login_across_addresses(client, rpc):
    from portal_shared.errors import Unauthorized

    def refuse(**kwargs):
        raise Unauthorized("login.failed")
    rpc.on(identity.LOGIN, refuse)
    statuses = {client.post("/api/v1/sessions", json={"login": "Anna", "password": "x"},
                            environ_base={"REMOTE_ADDR": f"10.0.{n // 200}.{n % 200}"}).status_code
                for n in range(31)}
    assert statuses == {401, 429}


def test_an_unavailable_service_is_503_with_retry_after_on_api_and_pages(client, rpc):
    def down(**kwargs):
        raise ServiceUnavailable()
    rpc.on(identity.CREATE_CAPTCHA, down)
    api = client.get("/api/v1/captcha")
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    page = client.get("/register")
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert re.search(r"<h1>Wystąpił problem</h1>", page.get_data(as_text=True))
