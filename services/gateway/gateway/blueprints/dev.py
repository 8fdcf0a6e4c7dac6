"""Development aids; the blueprint is not even registered in production."""
import requests
from flask import Blueprint, current_app

from gateway.api import call
from portal_shared.contracts import identity

bp = Blueprint("dev", __name__, url_prefix="/dev")


@bp.get("/messages")
def messages():
    """Every e-mail, SMS and push the local fakes captured (a fake that is not running: [])."""
    config = current_app.config["PORTAL"]
    return {"emails": _captured(f"{config.mailsink_api_url}/messages"),
            "sms": _captured(f"{config.sms_api_url}/messages"),
            "push": _captured(f"{config.push_fake_api_url}/messages")}


def _captured(url: str) -> list:
    try:
        return requests.get(url, timeout=5).json()
    except (requests.RequestException, ValueError):
        return []


@bp.get("/captcha/<uuid:captcha_id>")
def captcha_answer(captcha_id):
    """A CAPTCHA's answer, for automated tests."""
    return call(identity.DEV_CAPTCHA_ANSWER, captcha_id=str(captcha_id))
