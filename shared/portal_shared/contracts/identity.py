"""Contract of the identity service: accounts, verification, sessions, CAPTCHA, authorisation."""
from marshmallow import fields, validate

from portal_shared.contracts.base import Event, EventPayload, RpcMethod, StrictSchema
from portal_shared.contracts.common import health
from portal_shared.identifiers import Pesel, PolishMobile, PostalCode

SERVICE = "identity"
LANGUAGES = ("pl", "en")
LEVELS = ("registered", "email_verified", "authenticated")
LOGIN_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$"


# --- schemas -----------------------------------------------------------------------------
class Address(StrictSchema):
    street = fields.String(required=True, validate=validate.Length(min=1, max=120))
    building = fields.String(required=True, validate=validate.Length(min=1, max=10))
    flat = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=10))
    postal_code = PostalCode(required=True)
    city = fields.String(required=True, validate=validate.Length(min=1, max=80))


class Registration(StrictSchema):
    first_name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    pesel = Pesel(required=True)
    address = fields.Nested(Address, required=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    phone = PolishMobile(required=True)
    login = fields.String(required=True, validate=validate.Regexp(LOGIN_PATTERN, error="login.invalid"))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=128))
    captcha_id = fields.UUID(required=True)
    captcha_answer = fields.String(required=True, validate=validate.Length(min=1, max=20))
    consent_terms = fields.Boolean(required=True)
    consent_e_correspondence = fields.Boolean(load_default=False)
    language = fields.String(load_default="pl", validate=validate.OneOf(LANGUAGES))


class Account(StrictSchema):
    account_id = fields.UUID(required=True)
    login = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    pesel = fields.String(required=True)
    email = fields.String(required=True)
    email_verified = fields.Boolean(required=True)
    phone = fields.String(required=True)
    language = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    address = fields.Nested(Address, required=True)
    consent_e_correspondence = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)


class Captcha(StrictSchema):
    captcha_id = fields.UUID(required=True)
    image_png_base64 = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


class CaptchaRef(StrictSchema):
    captcha_id = fields.UUID(required=True)


class CaptchaAudio(StrictSchema):
    """The CAPTCHA's characters spoken (WAV), for people who cannot read the image."""
    audio_wav_base64 = fields.String(required=True)


class CaptchaAnswer(StrictSchema):
    answer = fields.String(required=True)


class EmailCode(StrictSchema):
    account_id = fields.UUID(required=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="code.invalid"))


class EmailLink(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=20, max=100))


class AccountRef(StrictSchema):
    account_id = fields.UUID(required=True)


class Credentials(StrictSchema):
    login = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))
    client_address = fields.String(load_default=None, allow_none=True)


class SessionToken(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=20, max=100))


class NewSession(StrictSchema):
    token = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)
    account = fields.Nested(Account, required=True)


class Sent(StrictSchema):
    sent = fields.Boolean(required=True)


class Actor(StrictSchema):
    """Who is acting, as the gateway (or the staff tool) authenticated them.

    Every RPC that reads or changes someone's tax data takes an `actor`; the owning service
    checks it with `portal_shared.authz.require` (the one shared check).
    """
    account_id = fields.UUID(required=True)
    pesel = fields.String(load_default=None, allow_none=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    roles = fields.List(fields.String(), load_default=list)  # staff roles: consultant, tax_officer, admin


class AuthorizeArgs(StrictSchema):
    account_id = fields.UUID(required=True)
    subject = fields.String(required=True)  # a PESEL (11 digits) or a NIP (10 digits)
    scope = fields.String(required=True, validate=validate.OneOf(("view", "pay", "submit")))


class Decision(StrictSchema):
    allowed = fields.Boolean(required=True)
    mandate_id = fields.UUID(load_default=None, allow_none=True)


class TaxpayerIds(StrictSchema):
    subjects = fields.List(fields.String(), required=True, validate=validate.Length(max=1000))


class Contact(StrictSchema):
    """How to reach the person behind a taxpayer id (for notifications)."""
    subject = fields.String(required=True)
    account_id = fields.UUID(required=True)
    first_name = fields.String(required=True)
    email = fields.String(load_default=None, allow_none=True)
    email_verified = fields.Boolean(required=True)
    phone = fields.String(load_default=None, allow_none=True)
    phone_verified = fields.Boolean(required=True)
    language = fields.String(required=True)
    consent_e_correspondence = fields.Boolean(required=True)


# --- RPC methods -------------------------------------------------------------------------
HEALTH = health(SERVICE)
CREATE_CAPTCHA = RpcMethod(SERVICE, "create_captcha", result=Captcha,
                           summary="A one-use text-verification image.")
CAPTCHA_AUDIO = RpcMethod(SERVICE, "captcha_audio", CaptchaRef, CaptchaAudio,
                          summary="The audio alternative of a live CAPTCHA (same answer).")
DEV_CAPTCHA_ANSWER = RpcMethod(SERVICE, "dev_captcha_answer", CaptchaRef, CaptchaAnswer,
                               summary="Development only: a CAPTCHA's answer for automated tests.")
REGISTER = RpcMethod(SERVICE, "register", Registration, Account,
                     summary="Create an account at level `registered`; sends the e-mail code.")
VERIFY_EMAIL = RpcMethod(SERVICE, "verify_email", EmailCode, Account,
                         summary="Verify the e-mail address with the 6-digit code.")
VERIFY_EMAIL_LINK = RpcMethod(SERVICE, "verify_email_link", EmailLink, Account,
                              summary="Verify the e-mail address with the link's token.")
RESEND_EMAIL_VERIFICATION = RpcMethod(SERVICE, "resend_email_verification", AccountRef, Sent,
                                      summary="A new code and link; the old ones stop working.")
LOGIN = RpcMethod(SERVICE, "login", Credentials, NewSession,
                  summary="Start a session with login and password.")
SESSION_ACCOUNT = RpcMethod(SERVICE, "session_account", SessionToken, Account,
                            summary="The account behind a live session token.")
LOGOUT = RpcMethod(SERVICE, "logout", SessionToken, summary="End a session.")
AUTHORIZE = RpcMethod(SERVICE, "authorize", AuthorizeArgs, Decision,
                      summary="May this account act for this subject within this scope (by a mandate)?")
CONTACTS = RpcMethod(SERVICE, "contacts", TaxpayerIds, Contact, many=True,
                     summary="Contact details and consents of the accounts behind taxpayer ids.")


# --- events ------------------------------------------------------------------------------
class AccountRegisteredV1(EventPayload):
    account_id = fields.UUID(required=True)
    login = fields.String(required=True)
    email = fields.String(required=True)
    language = fields.String(required=True)


class EmailVerificationRequestedV1(EventPayload):
    account_id = fields.UUID(required=True)
    email = fields.String(required=True)
    first_name = fields.String(required=True)
    language = fields.String(required=True)
    code = fields.String(required=True)
    link_token = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


class EmailVerifiedV1(EventPayload):
    account_id = fields.UUID(required=True)


class AccountDeletedV1(EventPayload):
    """A wrong account (e.g. on someone else's PESEL) was deleted: remove what belonged to it."""
    account_id = fields.UUID(required=True)
    pesel = fields.String(required=True)
    reason = fields.String(required=True)


class PhoneVerificationRequestedV1(EventPayload):
    account_id = fields.UUID(required=True)
    phone = fields.String(required=True)
    language = fields.String(required=True)
    code = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


class PasswordResetRequestedV1(EventPayload):
    account_id = fields.UUID(required=True)
    email = fields.String(required=True)
    first_name = fields.String(required=True)
    language = fields.String(required=True)
    link_token = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


ACCOUNT_DELETED = Event(SERVICE, "account_deleted", 1, AccountDeletedV1)
PHONE_VERIFICATION_REQUESTED = Event(SERVICE, "phone_verification_requested", 1,
                                     PhoneVerificationRequestedV1)
PASSWORD_RESET_REQUESTED = Event(SERVICE, "password_reset_requested", 1, PasswordResetRequestedV1)
ACCOUNT_REGISTERED = Event(SERVICE, "account_registered", 1, AccountRegisteredV1)
EMAIL_VERIFICATION_REQUESTED = Event(SERVICE, "email_verification_requested", 1,
                                     EmailVerificationRequestedV1)
EMAIL_VERIFIED = Event(SERVICE, "email_verified", 1, EmailVerifiedV1)


# --- messages (Polish, English) -------------------------------------------------------
MESSAGES: dict[str, tuple[str, str]] = {
    "pesel.unavailable": (
        "Nie można założyć konta z tym numerem PESEL. Jeśli to Twój PESEL, a konta nie "
        "zakładałeś, zgłoś się do urzędu z dowodem osobistym: po potwierdzeniu tożsamości "
        "usuniemy błędnie założone konto.",
        "An account cannot be created with this PESEL. If it is yours and you did not create "
        "an account, visit the tax office with your ID card: once your identity is confirmed, "
        "the wrongly created account will be deleted."),
    "login.invalid": ("Login: 3–40 znaków, litery, cyfry, kropka, myślnik lub podkreślenie.",
                      "Login: 3–40 characters: letters, digits, dot, hyphen or underscore."),
    "login.taken": ("Ten login jest już zajęty.", "This login is already taken."),
    "email.taken": ("Ten adres e-mail jest już używany.", "This e-mail address is already in use."),
    "email.already_verified": ("Adres e-mail jest już zweryfikowany.", "The e-mail address is already verified."),
    "email.resend_too_soon": ("Nowy kod można wysłać za chwilę.", "A new code can be sent in a moment."),
    "email.resend_limit": ("Wysłano już zbyt wiele kodów. Spróbuj później.",
                           "Too many codes were sent. Please try later."),
    "password.too_short": ("Hasło musi mieć co najmniej 8 znaków.", "The password must have at least 8 characters."),
    "password.too_long": ("Hasło może mieć najwyżej 128 znaków.", "The password may have at most 128 characters."),
    "password.needs_upper": ("Hasło musi zawierać wielką literę.", "The password needs an upper-case letter."),
    "password.needs_lower": ("Hasło musi zawierać małą literę.", "The password needs a lower-case letter."),
    "password.needs_digit": ("Hasło musi zawierać cyfrę.", "The password needs a digit."),
    "password.needs_special": ("Hasło musi zawierać znak specjalny.", "The password needs a special character."),
    "password.common": ("To hasło jest zbyt popularne lub łatwe do odgadnięcia.",
                        "This password is too common or easy to guess."),
    "consent.terms_required": ("Akceptacja regulaminu jest wymagana.", "You must accept the terms."),
    "captcha.wrong": ("Nieprawidłowy tekst z obrazka lub obrazek wygasł. Pobierz nowy.",
                      "The text from the image is wrong or the image expired. Get a new one."),
    "code.invalid": ("Kod składa się z 6 cyfr.", "The code has 6 digits."),
    "code.wrong": ("Nieprawidłowy kod.", "The code is wrong."),
    "code.expired": ("Kod wygasł lub został już użyty. Poproś o nowy.",
                     "The code expired or was already used. Request a new one."),
    "code.void_request_new": ("Zbyt wiele błędnych prób: kod unieważniono. Poproś o nowy.",
                              "Too many wrong tries: the code is void. Request a new one."),
    "link.invalid_or_expired": ("Link jest nieprawidłowy, wygasł lub został już użyty.",
                                "The link is invalid, expired or already used."),
    "login.failed": ("Nieprawidłowy login lub hasło.", "Wrong login or password."),
    "login.locked": ("Zbyt wiele nieudanych prób logowania. Spróbuj później.",
                     "Too many failed sign-in attempts. Please try later."),
    "session.invalid": ("Sesja wygasła. Zaloguj się ponownie.", "Your session has expired. Please sign in again."),
}
