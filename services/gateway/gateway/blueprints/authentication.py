"""Raising the account to level `authenticated` (seed 000): trusted profile or qualified signature.

The third way, in person at the office, is a staff RPC (`identity.AUTHENTICATE_IN_PERSON`).
"""
from flask import Blueprint, g, render_template, request

from gateway.api import call, documented, json_body
from gateway.auth import login_required
from portal_shared.contracts import identity

bp = Blueprint("authentication", __name__, url_prefix="/api/v1/authentications")


@bp.get("")
@documented("How, when and by whom the account was authenticated.",
            response={"type": "array", "items": identity.AuthenticationRecord}, auth=True, errors=(401,))
@login_required
def history():
    return call(identity.AUTHENTICATIONS, account_id=g.account["account_id"])


@bp.post("/trusted-profile")
@documented("Start a trusted-profile login: the URL of the national login node to go to.",
            response=identity.Redirect, auth=True, errors=(401, 404, 409))
@login_required
def start_trusted_profile():
    return call(identity.START_TRUSTED_PROFILE, account_id=g.account["account_id"])


@bp.post("/trusted-profile/acs")
@documented("Assertion consumer service: the login node posts its signed SAML response here "
            "(form fields SAMLResponse, RelayState).", response=identity.Account, errors=(400, 409))
def trusted_profile_response():
    # A cross-site POST from the login node: no session cookie comes with it (SameSite=Strict);
    # the response is bound to the account by the id of the request we sent.
    account = call(identity.COMPLETE_TRUSTED_PROFILE, SAMLResponse=request.form.get("SAMLResponse", ""),
                   RelayState=request.form.get("RelayState"))
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        # A person's browser: a page with a link on, since the SameSite=Strict session cookie
        # does not come along on this cross-site step but does on the next click.
        return render_template("authenticated.html")
    return account


@bp.get("/qualified-signature/statement")
@documented("An identity statement (XML) with a one-use challenge, to sign as XAdES.",
            response=identity.Statement, auth=True, errors=(401, 409))
@login_required
def qualified_signature_statement():
    return call(identity.QUALIFIED_SIGNATURE_STATEMENT, account_id=g.account["account_id"])


@bp.post("/qualified-signature")
@documented("Upload the statement signed with a qualified electronic signature (XAdES).",
            body=identity.SignedStatement, response=identity.Account, auth=True, errors=(400, 401, 409))
@login_required
def qualified_signature():
    body = json_body()
    return call(identity.AUTHENTICATE_QUALIFIED_SIGNATURE, account_id=g.account["account_id"],
                signed_statement=body.get("signed_statement"))
