"""Callbacks from outside providers. The SMS operator (SMSAPI.pl protocol) reports delivery by
calling the `notify_url` we gave it (GET or POST, comma-separated lists) and expects `OK`.
It signs nothing, so the URL carries a secret derived from SECRET_KEY."""

from flask import Blueprint, abort, current_app, request

from gateway.api import call, documented
from portal_shared import constant_time
from portal_shared.contracts import notifications

bp = Blueprint("callbacks", __name__, url_prefix="/api/v1/callbacks")


@bp.route("/sms", methods=["GET", "POST"])
@documented("SMS operator's delivery reports (MsgId, status, idx; token in the URL). Answers `OK`.",
            errors=(403,))
def sms_delivery_reports():
    expected = current_app.config["PORTAL"].sms_callback_token
    if not constant_time.equal(request.values.get("token", ""), expected):
        abort(403)
    reports = parse_reports(request.values.to_dict())
    if reports:
        call(notifications.SMS_DELIVERY_REPORTS, reports=reports)
    return "OK", 200, {"Content-Type": "text/plain"}


def parse_reports(params: dict) -> list[dict]:
    """One callback may carry several reports as comma-separated lists (MsgId, status, idx)."""
    ids, statuses = params.get("MsgId", "").split(","), params.get("status", "").split(",")
    indexes = params.get("idx", "").split(",")
    return [{"provider_id": provider_id,
             "status_code": int(statuses[i]) if i < len(statuses) and statuses[i].isdigit() else 0,
             "idx": indexes[i] if i < len(indexes) and indexes[i] else None}
            for i, provider_id in enumerate(ids) if provider_id]
