"""The voicebot's webhook: the telephony platform asks where a call goes, reports when a
consultant answers or the call ends, and passes on the caller's survey. Signed requests only."""
from functools import wraps

from flask import Blueprint, current_app, request
from marshmallow import fields, validate

from gateway.api import call, documented, json_body
from gateway.helpline import ivr, signature
from portal_shared.contracts import helpline
from portal_shared.contracts.base import StrictSchema, load_or_fail
from portal_shared.errors import Unauthorized

bp = Blueprint("ivr", __name__, url_prefix="/api/v1/ivr")
LANG = fields.String(load_default="pl", validate=validate.OneOf(("pl", "en")))


class CallInput(StrictSchema):
    dtmf = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9*#]$"))
    speech = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    attempt = fields.Integer(load_default=1, validate=validate.Range(min=1, max=20))
    lang = LANG


class CallEvent(StrictSchema):
    event = fields.String(required=True, validate=validate.OneOf(("answered", "ended")))


class SurveyInput(StrictSchema):
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    lang = LANG


class IvrDecision(StrictSchema):
    action = fields.String(required=True, validate=validate.OneOf(("queue", "prompt")))
    prompt = fields.String(required=True)
    queue = fields.String(allow_none=True)
    routed_by = fields.String(allow_none=True)


def signed(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        secret = current_app.config["PORTAL"].ivr_webhook_secret
        if not signature.valid(secret, request.headers.get("X-IVR-Timestamp"),
                               request.headers.get("X-IVR-Signature"), request.get_data()):
            raise Unauthorized("ivr.signature_invalid")
        return view(*args, **kwargs)
    return wrapper


@bp.post("/calls/<call_id>/input")
@documented("What the caller pressed or said; answers with the next prompt or the queue the "
            "call joins (signed by the telephony platform).", body=CallInput,
            response=IvrDecision, errors=(400, 401, 409))
@signed
def call_input(call_id):
    given = load_or_fail(CallInput(), json_body())
    chatbot = current_app.extensions["chatbot"]
    decision = ivr.decide(given["dtmf"], given["speech"], given["attempt"], given["lang"],
                          lambda text, lang: chatbot.classify(text, default_lang=lang))
    if decision.action == "queue":
        call(helpline.ROUTE_CONTACT, call_id=call_id, queue=decision.queue,
             routed_by=decision.routed_by, channel="phone")
    return IvrDecision().dump(decision)


@bp.post("/calls/<call_id>/events")
@documented("A consultant answered the call, or it ended (signed).", body=CallEvent,
            response=helpline.Contact, errors=(400, 401, 404, 409))
@signed
def call_event(call_id):
    event = load_or_fail(CallEvent(), json_body())["event"]
    method = helpline.CONTACT_ANSWERED if event == "answered" else helpline.CONTACT_ENDED
    return call(method, call_id=call_id)


@bp.post("/calls/<call_id>/survey")
@documented("The caller's rating (1-5) and comment after the call (signed).", body=SurveyInput,
            errors=(400, 401, 404, 409))
@signed
def call_survey(call_id):
    given = load_or_fail(SurveyInput(), json_body())
    call(helpline.SUBMIT_SURVEY, call_id=call_id, rating=given["rating"], comment=given["comment"])
    return {"prompt": ivr.prompt("thanks", given["lang"])}
