"""The account's life after registration: password reset and change, phone verification,
"update data" (seed 004), and the account's sessions."""
from flask import Blueprint, g, jsonify, request

from gateway.api import call, documented, json_body
from gateway.auth import clear_session_cookie, login_required
from portal_shared.contracts import identity

bp = Blueprint("account_api", __name__, url_prefix="/api/v1")


def _no_content():
    response = jsonify()
    response.status_code = 204
    return response


@bp.post("/password-resets")
@documented("Ask for a password reset link by login or e-mail. The answer is the same whether or "
            "not the account exists.", body=identity.PasswordResetRequest, response=identity.Accepted,
            status=202, errors=(400, 429))
def request_password_reset():
    return call(identity.REQUEST_PASSWORD_RESET, **{**json_body(), "client_address": request.remote_addr}), 202


@bp.post("/password-resets/complete")
@documented("Set a new password with the token from the link; every session ends.",
            body=identity.PasswordResetCompletion, response=identity.Ended)
def complete_password_reset():
    return call(identity.COMPLETE_PASSWORD_RESET, **{**json_body(), "client_address": request.remote_addr})


@bp.put("/me/password")
@documented("Change the password (needs the current one); the other sessions end.",
            body=identity.PasswordChange, response=identity.Ended, auth=True, errors=(400, 401, 403, 429))
@login_required
def change_password():
    return call(identity.CHANGE_PASSWORD, **{**json_body(), "token": g.session_token})


@bp.patch("/me")
@documented("Update address, phone, e-mail, language or consents. A new e-mail or phone is verified "
            "again and needs the current password.", body=identity.ProfileChanges,
            response=identity.Account, auth=True, errors=(400, 401, 403, 429))
@login_required
def update_profile():
    return call(identity.UPDATE_PROFILE, **{**json_body(), "token": g.session_token,
                                             "client_address": request.remote_addr})


@bp.post("/phone-verifications")
@documented("Verify the mobile number with the code from the SMS.", body=identity.PhoneCode,
            response=identity.Account)
def verify_phone():
    return call(identity.VERIFY_PHONE, **json_body())


@bp.post("/phone-verifications/resend")
@documented("Send a new SMS code; the previous one stops working.", body=identity.AccountRef,
            response=identity.Sent, errors=(400, 404, 429))
def resend_phone_verification():
    return call(identity.RESEND_PHONE_VERIFICATION, **json_body())


@bp.get("/sessions")
@documented("The account's live sessions (where and when).", response=identity.SessionInfo(many=True),
            auth=True, errors=(401,))
@login_required
def list_sessions():
    return jsonify(call(identity.LIST_SESSIONS, token=g.session_token))


@bp.delete("/sessions/<uuid:session_id>")
@documented("End one of the account's sessions.", status=204, auth=True, errors=(401, 403, 404))
@login_required
def end_session(session_id):
    call(identity.END_SESSION, token=g.session_token, session_id=str(session_id))
    return _no_content()


@bp.delete("/sessions")
@documented("Log out everywhere, this session included.", response=identity.Ended, auth=True,
            errors=(401, 403))
@login_required
def end_all_sessions():
    response = jsonify(call(identity.END_ALL_SESSIONS, token=g.session_token))
    clear_session_cookie(response)
    return response
