"""telePIN for the tax helpline (seed 003): set, change and disable, at level `authenticated`."""
from flask import Blueprint, g, request

from gateway.api import call, documented, json_body
from gateway.auth import login_required
from portal_shared.contracts import identity

bp = Blueprint("telepin", __name__, url_prefix="/api/v1/telepin")


@bp.get("")
@documented("Whether a telePIN is set, active or blocked.", response=identity.TelePinStatus,
            auth=True, errors=(401,))
@login_required
def status():
    return call(identity.TELEPIN_STATUS, account_id=g.account["account_id"])


@bp.put("")
@documented("Set or change the telePIN (6 digits, entered twice); a blocked one becomes active.",
            body=identity.TelePinForm, response=identity.TelePinStatus, auth=True,
            errors=(400, 401, 403))
@login_required
def set_telepin():
    body = json_body()
    return call(identity.SET_TELEPIN, account_id=g.account["account_id"],
                telepin=body.get("telepin"), telepin_repeated=body.get("telepin_repeated"),
                client_address=request.remote_addr)


@bp.delete("")
@documented("Disable the telePIN.", response=identity.TelePinStatus, auth=True, errors=(401, 403))
@login_required
def disable():
    return call(identity.DISABLE_TELEPIN, account_id=g.account["account_id"])
