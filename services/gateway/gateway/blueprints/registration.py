"""Account registration with CAPTCHA, and e-mail verification (seed 000)."""
from flask import Blueprint, request

from gateway import limits
from gateway.api import call, documented, json_body
from portal_shared.contracts import identity

bp = Blueprint("registration", __name__, url_prefix="/api/v1")


@bp.get("/captcha")
@documented("A new one-use text-verification image (PNG, base64).", response=identity.Captcha,
            errors=(503,))
@limits.captcha_images
def new_captcha():
    return call(identity.CREATE_CAPTCHA)


@bp.post("/registrations")
@documented("Register an account; the verification e-mail is sent.", body=identity.Registration,
            response=identity.Account, status=201)
@limits.registrations
def register():
    body = json_body()
    body.setdefault("language", request.accept_languages.best_match(identity.LANGUAGES, "pl"))
    return call(identity.REGISTER, **body), 201


@bp.post("/email-verifications")
@documented("Verify the e-mail address with the code from the message.",
            body=identity.EmailCode, response=identity.Account)
@limits.codes_by_address
@limits.codes_by_account
def verify_email_code():
    return call(identity.VERIFY_EMAIL, **json_body())


@bp.post("/email-verifications/link")
@documented("Verify the e-mail address with the token from the link.",
            body=identity.EmailLink, response=identity.Account)
@limits.codes_by_address
def verify_email_link():
    return call(identity.VERIFY_EMAIL_LINK, **json_body())


@bp.post("/email-verifications/resend")
@documented("Send a new code and link; the previous ones stop working.",
            body=identity.AccountRef, response=identity.Sent, errors=(400, 404, 429))
@limits.codes_by_address
@limits.codes_by_account
def resend_email_verification():
    return call(identity.RESEND_EMAIL_VERIFICATION, **json_body())
