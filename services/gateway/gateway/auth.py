"""Who is calling: a session token from the cookie (browsers) or a bearer header (API)."""
from functools import wraps

from flask import current_app, g, request

from gateway.api import call
from portal_shared.contracts import identity
from portal_shared.errors import Unauthorized


def cookie_name() -> str:
    # `__Host-` requires Secure, which browsers honour only over HTTPS: production only.
    return "__Host-session" if current_app.config["PORTAL"].is_production else "portal_session"


def session_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip() or None
    return request.cookies.get(cookie_name())


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = session_token()
        if not token or len(token) < 20:
            raise Unauthorized("session.invalid")
        g.session_token = token
        g.account = call(identity.SESSION_ACCOUNT, token=token)  # with whom the session acts for
        return view(*args, **kwargs)
    return wrapper


def current_actor() -> dict:
    """The signed-in account as the `Actor` every service's authorisation check takes.

    `acting_for` is the principal chosen for this session (`PUT /api/v1/acting-for`), as
    identity re-checks it against the mandates on every request; the owning service still
    authorises each call by (actor, subject, scope) with `portal_shared.authz.require`.
    """
    account = g.account
    return {"account_id": account["account_id"], "pesel": account["pesel"],
            "level": account["level"], "roles": [], "demo": account.get("demo", False),
            "acting_for": account.get("acting_for")}


def set_session_cookie(response, token: str, max_age: int) -> None:
    secure = current_app.config["PORTAL"].is_production
    response.set_cookie(cookie_name(), token, max_age=max_age, httponly=True, secure=secure,
                        samesite="Strict", path="/")


def clear_session_cookie(response) -> None:
    response.delete_cookie(cookie_name(), path="/")
