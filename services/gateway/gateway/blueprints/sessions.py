"""Login, the current account, logout."""
from datetime import UTC, datetime

from flask import Blueprint, g, jsonify, request

from gateway.api import call, documented, json_body
from gateway.auth import clear_session_cookie, login_required, set_session_cookie
from portal_shared.contracts import identity

bp = Blueprint("sessions", __name__, url_prefix="/api/v1")


@bp.post("/sessions")
@documented("Sign in with login and password: a session cookie and a bearer token.",
            body=identity.Credentials, response=identity.NewSession, status=201,
            errors=(400, 401, 429))
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
