"""Development aids; the blueprint is not even registered in production."""
import requests
from flask import Blueprint, current_app

from gateway.api import call
from portal_shared.contracts import identity

bp = Blueprint("dev", __name__, url_prefix="/dev")


@bp.get("/messages")
def messages():
    """Every e-mail the local SMTP sink captured."""
    sink = current_app.config["PORTAL"].mailsink_api_url
    return {"emails": requests.get(f"{sink}/messages", timeout=5).json()}


@bp.get("/captcha/<uuid:captcha_id>")
def captcha_answer(captcha_id):
    """A CAPTCHA's answer, for automated tests."""
    return call(identity.DEV_CAPTCHA_ANSWER, captcha_id=str(captcha_id))
