"""Browser-facing protections: security headers on every response and CSRF tokens for every
change made with a cookie session (pages, and API calls that ride on the session cookie).
API clients that send `Authorization: Bearer` carry no ambient authority and are exempt."""
from flask import request
from flask_wtf.csrf import CSRFProtect

from gateway.idempotency import STATE_CHANGING

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # the CAPTCHA image arrives as a data: URI
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HSTS = "max-age=63072000; includeSubDomains"
# Cross-site posts that carry their own proof: the login node's signed SAML response, bound to
# the request we sent. A session cookie may come along (same site), but it authorises nothing here.
SIGNED_POSTS = ("/api/v1/authentications/trusted-profile/acs",)


def init_app(app, config) -> None:
    production = config.is_production
    app.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,  # checked below, only where a cookie carries authority
        WTF_CSRF_HEADERS=["X-CSRF-Token", "X-CSRFToken"],
        WTF_CSRF_TIME_LIMIT=None,  # lives as long as the browser session it belongs to
        SESSION_COOKIE_NAME="__Host-portal" if production else "portal",
        SESSION_COOKIE_SECURE=production,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
    )
    csrf.init_app(app)
    app.before_request(_check_csrf)
    app.after_request(lambda response: add_headers(response, production))


def _needs_csrf() -> bool:
    if request.method not in STATE_CHANGING:
        return False
    if request.headers.get("Authorization", "").startswith("Bearer ") or request.path in SIGNED_POSTS:
        return False
    if request.path.startswith("/api/"):
        from gateway.auth import cookie_name

        return cookie_name() in request.cookies
    return not request.path.startswith("/dev/")


def _check_csrf():
    if _needs_csrf():
        csrf.protect()


def add_headers(response, production: bool):
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if production:
        headers["Strict-Transport-Security"] = HSTS
    return response
