"""Login, the current account, logout."""
from datetime import UTC, datetime

from flask import Blueprint, g, jsonify, request
from flask_wtf.csrf import generate_csrf
from marshmallow import Schema, fields

from gateway import limits
from gateway.api import call, documented, json_body
from gateway.auth import clear_session_cookie, login_required, set_session_cookie
from gateway.idempotency import idempotency_not_stored
from portal_shared.contracts import identity


class CsrfToken(Schema):
    csrf_token = fields.String(required=True)

bp = Blueprint("sessions", __name__, url_prefix="/api/v1")


@bp.post("/sessions")
@documented("Sign in with login and password: a session cookie and a bearer token.",
            body=identity.Credentials, response=identity.NewSession, status=201,
            errors=(400, 401, 429))
@idempotency_not_stored
@limits.sign_in_by_address
@limits.sign_in_by_login
def login():
    body = {**json_body(), "client_address": request.remote_addr}
    started = call(identity.LOGIN, **body)
    response = jsonify(started)
    response.status_code = 201
    expires_at = datetime.fromisoformat(started["expires_at"])
    set_session_cookie(response, started["token"],
                       int((expires_at - datetime.now(UTC)).total_seconds()))
    return response


@bp.delete("/sessions/current")
@documented("Sign out: the session ends on the server.", status=204, auth=True, errors=(401,))
@login_required
def logout():
    call(identity.LOGOUT, token=g.session_token)
    response = jsonify()
    response.status_code = 204
    clear_session_cookie(response)
    return response


@bp.get("/me")
@documented("The signed-in account and its authentication level.", response=identity.Account,
            auth=True, errors=(401,))
@login_required
def me():
    return g.account


@bp.get("/csrf-token")
@documented("A CSRF token for browsers that call the API with the session cookie: send it as "
            "X-CSRF-Token on every change. Bearer-token clients do not need it.",
            response=CsrfToken, errors=())
def csrf_token():
    return {"csrf_token": generate_csrf()}
