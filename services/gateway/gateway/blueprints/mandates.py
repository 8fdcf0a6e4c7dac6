"""Representation (seeds 001, 003): the user's mandates, revoking one, and whom they act for."""
from flask import Blueprint, g, request

from gateway.api import call, documented, json_body
from gateway.auth import current_actor, login_required
from portal_shared.contracts import identity

bp = Blueprint("mandates", __name__, url_prefix="/api/v1")


@bp.get("/mandates")
@documented("The user's mandates: as agent, and as principal once authenticated.",
            response=identity.AccountMandates, auth=True, errors=(401,))
@login_required
def list_mandates():
    return call(identity.MANDATES, account_id=g.account["account_id"])


@bp.delete("/mandates/<uuid:mandate_id>")
@documented("Revoke a mandate (as its principal or its agent).", response=identity.Mandate,
            auth=True, errors=(401, 404))
@login_required
def revoke(mandate_id):
    return call(identity.REVOKE_MANDATE, actor=current_actor(), mandate_id=str(mandate_id))


@bp.get("/acting-for")
@documented("Whom this session acts for (null subject: the user themself).",
            response=identity.ActingFor, auth=True, errors=(401,))
@login_required
def acting_for():
    return call(identity.ACTING_FOR, token=g.session_token)


@bp.put("/acting-for")
@documented("Act for a principal by a valid mandate, or for yourself again (subject null).",
            body=identity.SubjectChoice, response=identity.ActingFor, auth=True,
            errors=(400, 401, 403))
@login_required
def switch():
    return call(identity.SWITCH_ACTING_FOR, token=g.session_token,
                subject=json_body().get("subject"), client_address=request.remote_addr)
