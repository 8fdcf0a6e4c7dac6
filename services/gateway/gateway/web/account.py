"""The account part that exists now: registration with CAPTCHA (image and audio), e-mail
verification (code form and the link page), sign-in, sign-out and a minimal "my account"."""
import base64
from datetime import UTC, datetime

from flask import Blueprint, Response, flash, g, redirect, render_template, request, session, url_for

from gateway import limits
from gateway.api import call
from gateway.auth import clear_session_cookie, login_required, session_token, set_session_cookie
from gateway.i18n import language, translate
from gateway.web.helpers import flatten_errors, text
from gateway.web.public import local_path
from portal_shared.contracts import identity
from portal_shared.errors import TooManyAttempts, Unauthorized, ValidationFailed

bp = Blueprint("account", __name__)

ADDRESS_PARTS = ("street", "building", "flat", "postal_code", "city")
REGISTRATION_FIELDS = ("first_name", "last_name", "pesel",
                       *(f"address.{part}" for part in ADDRESS_PARTS),
                       "email", "phone", "login", "password", "password_repeat",
                       "captcha_answer", "consent_terms", "consent_e_correspondence")
KEPT_ON_ERROR = REGISTRATION_FIELDS[:11]  # never echo passwords or the CAPTCHA answer


def _filled(name: str) -> str | None:
    return request.form.get(name, "").strip() or None


def _registration_args() -> dict:
    """The form as the REGISTER contract takes it; empty fields are left out (-> "required")."""
    address = {part: _filled(f"address.{part}") for part in ADDRESS_PARTS}
    args = {name: _filled(name) for name in ("first_name", "last_name", "pesel", "email", "phone",
                                             "login", "captcha_id", "captcha_answer")}
    args.update(address={k: v for k, v in address.items() if v is not None},
                password=request.form.get("password") or None,
                consent_terms=request.form.get("consent_terms") == "yes",
                consent_e_correspondence=request.form.get("consent_e_correspondence") == "yes",
                language=language())
    return {k: v for k, v in args.items() if v is not None}


@bp.route("/register", methods=["GET", "POST"])
@limits.captcha_images
@limits.registrations
def register():
    errors = {}
    if request.method == "POST":
        if request.form.get("password", "") != request.form.get("password_repeat", ""):
            errors = {"password_repeat": [text("password_repeat.mismatch")]}
        else:
            try:
                account = call(identity.REGISTER, **_registration_args())
            except ValidationFailed as exc:
                errors = flatten_errors(exc.field_errors)
                if "captcha_id" in errors:
                    errors.setdefault("captcha_answer", errors.pop("captcha_id"))
            else:
                session["pending_account"] = {"id": account["account_id"], "email": account["email"]}
                return redirect(url_for(".verify_email"))
    form = {name: request.form.get(name, "") for name in KEPT_ON_ERROR}
    captcha = call(identity.CREATE_CAPTCHA)  # a fresh one every time: each is good for one try
    html = render_template("register.html", form=form, errors=errors, captcha=captcha,
                           order=REGISTRATION_FIELDS)
    return html, 400 if errors else 200


@bp.get("/register/captcha/<uuid:captcha_id>.wav")
@limits.captcha_images
def captcha_audio(captcha_id):
    audio = call(identity.CAPTCHA_AUDIO, captcha_id=str(captcha_id))
    return Response(base64.b64decode(audio["audio_wav_base64"]), mimetype="audio/wav",
                    headers={"Cache-Control": "no-store"})


@bp.get("/verify-email")
def verify_email():
    token = request.args.get("token", "")
    if token:  # the e-mail's link: confirm with a button, so link scanners cannot spend it
        return render_template("verify_link.html", token=token, errors={})
    return render_template("verify_code.html", pending=session.get("pending_account"), errors={})


@bp.post("/verify-email")
@limits.codes_by_address
def verify_email_code():
    pending = session.get("pending_account")
    if not pending:
        return render_template("verify_code.html", pending=None,
                               errors={"code": [text("verify.no_pending")]}), 400
    try:
        call(identity.VERIFY_EMAIL, account_id=pending["id"], code=request.form.get("code", "").strip())
    except ValidationFailed as exc:
        return render_template("verify_code.html", pending=pending,
                               errors=flatten_errors(exc.field_errors)), 400
    return _email_verified()


@bp.post("/verify-email/link")
@limits.codes_by_address
def verify_email_link():
    token = request.form.get("token", "")
    try:
        call(identity.VERIFY_EMAIL_LINK, token=token)
    except ValidationFailed as exc:
        messages = [m for field in flatten_errors(exc.field_errors).values() for m in field]
        return render_template("verify_link.html", token=token, errors={"token": messages}), 400
    return _email_verified()


def _email_verified():
    """The browser that registered goes on to the SMS code; a link opened elsewhere to sign-in."""
    if session.get("pending_account"):
        flash(text("phone.email_done"))
        return redirect(url_for(".verify_phone"))
    flash(text("verify.done"))
    return redirect(url_for(".login"))


@bp.route("/verify-phone", methods=["GET", "POST"])
@limits.codes_by_address
def verify_phone():
    pending = session.get("pending_account")
    errors = {}
    if request.method == "POST":
        if not pending:
            errors = {"code": [text("verify.no_pending")]}
        else:
            try:
                call(identity.VERIFY_PHONE, account_id=pending["id"], code=request.form.get("code", "").strip())
            except ValidationFailed as exc:
                errors = flatten_errors(exc.field_errors)
            else:
                session.pop("pending_account", None)
                flash(text("phone.done"))
                return redirect(url_for(".login"))
    return render_template("verify_phone.html", errors=errors), 400 if errors else 200


def _resend_code(method, sent_text: str, back_to: str):
    """A new e-mail or SMS code for the account that registered in this browser."""
    pending = session.get("pending_account")
    if pending:
        try:
            call(method, account_id=pending["id"])
            flash(text(sent_text))
        except (TooManyAttempts, ValidationFailed) as exc:
            flash(translate(exc.message if isinstance(exc, TooManyAttempts) else "validation_failed"))
    return redirect(url_for(back_to))


@bp.post("/verify-phone/resend")
@limits.codes_by_address
def resend_phone_code():
    return _resend_code(identity.RESEND_PHONE_VERIFICATION, "phone.resent", ".verify_phone")


@bp.post("/verify-email/resend")
@limits.codes_by_address
def resend_verification():
    return _resend_code(identity.RESEND_EMAIL_VERIFICATION, "verify.resent", ".verify_email")


@bp.route("/login", methods=["GET", "POST"])
@limits.sign_in_by_address
@limits.sign_in_by_login
def login():
    next_page = local_path(request.values.get("next") or url_for(".my_account"))
    errors = {}
    if request.method == "POST":
        try:
            started = call(identity.LOGIN, login=request.form.get("login", ""),
                           password=request.form.get("password", ""),
                           client_address=request.remote_addr)
        except ValidationFailed as exc:
            errors = flatten_errors(exc.field_errors)
        except (Unauthorized, TooManyAttempts) as exc:
            errors = {"login": [translate(exc.message, language())]}
        else:
            session.pop("pending_account", None)
            response = redirect(next_page)
            expires_at = datetime.fromisoformat(started["expires_at"])
            set_session_cookie(response, started["token"],
                               int((expires_at - datetime.now(UTC)).total_seconds()))
            return response
    html = render_template("login.html", errors=errors, login=request.form.get("login", ""),
                           next_page=next_page)
    return html, 400 if errors else 200


@bp.post("/logout")
def logout():
    token = session_token()
    if token:
        try:
            call(identity.LOGOUT, token=token)
        except (Unauthorized, ValidationFailed):
            pass  # already ended: signing out again is fine
    flash(text("logout.done"))
    response = redirect(url_for("public.home"))
    clear_session_cookie(response)
    return response


@bp.get("/account")
@login_required
def my_account():
    return render_template("account.html", account=g.account)


@bp.get("/account/authenticate")
@login_required
def authenticate():
    return render_template("authenticate.html")


@bp.get("/account/authenticate/trusted-profile")
@login_required
def trusted_profile():
    """A link, as the login node expects (SAML HTTP-Redirect binding); it comes back to the ACS."""
    started = call(identity.START_TRUSTED_PROFILE, account_id=g.account["account_id"])
    return redirect(started["redirect_url"])
