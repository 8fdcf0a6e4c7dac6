"""Contract of the identity service: accounts, verification, sessions, CAPTCHA, authorisation."""
from marshmallow import fields, validate

from portal_shared.contracts.base import Event, EventPayload, RpcMethod, StrictSchema
from portal_shared.contracts.common import Actor, health  # noqa: F401  Actor is part of this contract
from portal_shared.identifiers import Nip, Pesel, PolishMobile, PostalCode

STAFF_ROLES = ("consultant", "tax_officer", "admin")
PLATFORMS = ("android", "ios", "web")

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
    phone_verified = fields.Boolean(load_default=False)
    demo = fields.Boolean(load_default=False)  # the shared demo account: read-only where it could harm others
    # `session_account` only: whom the session acts for (re-checked against the mandates), so
    # the gateway needs one identity call a request, not two.
    acting_for = fields.String(load_default=None, allow_none=True)


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



# --- authentication levels, telePIN, representation, PESEL disputes ----------------------
METHODS = ("trusted_profile", "qualified_signature", "in_person")
DOCUMENT_KINDS = ("id_card", "passport", "residence_card")
MANDATE_KINDS = ("general_attorney", "organisation_user")
SCOPES = ("view", "pay", "submit")
TaxpayerId = fields.String  # a PESEL (11 digits) or NIP (10 digits); the service validates which


class StaffCall(StrictSchema):
    actor = fields.Nested(Actor, required=True)


class InPersonAuthentication(StaffCall):
    account_id = fields.UUID(required=True)
    pesel = Pesel(required=True)
    document_kind = fields.String(required=True, validate=validate.OneOf(DOCUMENT_KINDS))
    document_number = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9 ]{5,20}$", error="document_number.invalid"))


class AuthenticationRecord(StrictSchema):
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    performed_by = fields.String(required=True)
    evidence = fields.Dict(required=True)
    authenticated_at = fields.AwareDateTime(required=True)


class Redirect(StrictSchema):
    redirect_url = fields.String(required=True)


class SamlResponse(StrictSchema):
    SAMLResponse = fields.String(required=True, validate=validate.Length(min=1, max=200_000))
    RelayState = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class Statement(StrictSchema):
    statement_xml = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


class SignedStatement(StrictSchema):
    signed_statement = fields.String(required=True, validate=validate.Length(min=1, max=500_000))


class SignedStatementOf(SignedStatement):
    account_id = fields.UUID(required=True)


class TelePinForm(StrictSchema):
    telepin = fields.String(required=True, load_only=True)
    telepin_repeated = fields.String(required=True, load_only=True)


class TelePinChange(TelePinForm):
    account_id = fields.UUID(required=True)
    client_address = fields.String(load_default=None, allow_none=True)


class TelePinStatus(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(("not_set", "active", "blocked")))
    set_at = fields.AwareDateTime(load_default=None, allow_none=True)


class CallerCheck(StaffCall):
    phone = PolishMobile(required=True)
    telepin = fields.String(required=True, load_only=True, validate=validate.Length(max=20))


class Principal(StrictSchema):
    principal = fields.String(required=True)
    principal_name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MANDATE_KINDS))
    scopes = fields.List(fields.String(), required=True)
    mandate_id = fields.UUID(required=True)


class Caller(StrictSchema):
    """The person the helpline is speaking to, and for whom they may ask."""
    account_id = fields.UUID(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    pesel = fields.String(required=True)
    phone = fields.String(required=True)
    principals = fields.List(fields.Nested(Principal), required=True)
    address = fields.Nested(Address, load_default=None, allow_none=True)  # registration data for the card
    email = fields.String(load_default=None, allow_none=True)
    level = fields.String(load_default=None, allow_none=True)
    # what ledger and declarations check before they show the consultant anything (30 minutes)
    verification_id = fields.UUID(load_default=None, allow_none=True)
    expires_at = fields.AwareDateTime(load_default=None, allow_none=True)


class MandateGrantArgs(StaffCall):
    principal = TaxpayerId(required=True, validate=validate.Regexp(r"^\d{10}(\d)?$", error="mandate.principal_invalid"))
    principal_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    agent_account_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MANDATE_KINDS))
    scopes = fields.List(fields.String(validate=validate.OneOf(SCOPES)), required=True,
                         validate=validate.Length(min=1))
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(load_default=None, allow_none=True)


class MandateRef(StaffCall):
    """`actor` may be staff, the principal or the agent."""
    mandate_id = fields.UUID(required=True)


class Mandate(StrictSchema):
    mandate_id = fields.UUID(required=True)
    principal = fields.String(required=True)
    principal_name = fields.String(required=True)
    agent_account_id = fields.UUID(required=True)
    kind = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(load_default=None, allow_none=True)
    granted_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    revoked_at = fields.AwareDateTime(load_default=None, allow_none=True)
    active = fields.Boolean(required=True)


class AccountMandates(StrictSchema):
    as_agent = fields.List(fields.Nested(Mandate), required=True)
    as_principal = fields.List(fields.Nested(Mandate), required=True)


class SubjectChoice(StrictSchema):
    subject = TaxpayerId(load_default=None, allow_none=True)  # null: act for yourself again


class SubjectSwitch(SubjectChoice):
    token = fields.String(required=True, validate=validate.Length(min=20, max=100))
    client_address = fields.String(load_default=None, allow_none=True)


class ActingFor(StrictSchema):
    subject = fields.String(load_default=None, allow_none=True)
    principal_name = fields.String(load_default=None, allow_none=True)
    mandate_id = fields.UUID(load_default=None, allow_none=True)
    scopes = fields.List(fields.String(), required=True)


class WrongAccountDeletion(StaffCall):
    account_id = fields.UUID(required=True)
    pesel = Pesel(required=True)  # from the real owner's document
    document_kind = fields.String(required=True, validate=validate.OneOf(DOCUMENT_KINDS))
    document_number = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9 ]{5,20}$", error="document_number.invalid"))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class Deleted(StrictSchema):
    account_id = fields.UUID(required=True)
    deleted = fields.Boolean(required=True)


AUTHENTICATE_IN_PERSON = RpcMethod(
    SERVICE, "authenticate_in_person", InPersonAuthentication, Account,
    summary="Staff (tax_officer): authenticate an account after checking an identity document.")
AUTHENTICATIONS = RpcMethod(SERVICE, "authentications", AccountRef, AuthenticationRecord, many=True,
                            summary="How, when and by whom the account was authenticated.")
START_TRUSTED_PROFILE = RpcMethod(
    SERVICE, "start_trusted_profile", AccountRef, Redirect,
    summary="A SAML AuthnRequest to the national login node, as a redirect URL.")
COMPLETE_TRUSTED_PROFILE = RpcMethod(
    SERVICE, "complete_trusted_profile", SamlResponse, Account,
    summary="The login node's signed SAML response: authenticate when its PESEL matches.")
QUALIFIED_SIGNATURE_STATEMENT = RpcMethod(
    SERVICE, "qualified_signature_statement", AccountRef, Statement,
    summary="An identity statement with a one-use challenge, to sign with a qualified signature.")
AUTHENTICATE_QUALIFIED_SIGNATURE = RpcMethod(
    SERVICE, "authenticate_qualified_signature", SignedStatementOf, Account,
    summary="The statement signed as XAdES: verify the signature, the chain and the PESEL.")
TELEPIN_STATUS = RpcMethod(SERVICE, "telepin_status", AccountRef, TelePinStatus,
                           summary="Whether the account has a telePIN, and whether it is blocked.")
SET_TELEPIN = RpcMethod(SERVICE, "set_telepin", TelePinChange, TelePinStatus,
                        summary="Set or change the telePIN (level authenticated); unblocks it.")
DISABLE_TELEPIN = RpcMethod(SERVICE, "disable_telepin", AccountRef, TelePinStatus,
                            summary="Remove the telePIN (level authenticated).")
IDENTIFY_CALLER = RpcMethod(
    SERVICE, "identify_caller", CallerCheck, Caller,
    summary="Staff (consultant): the caller by phone number and telePIN, or one refusal.")
GRANT_MANDATE = RpcMethod(SERVICE, "grant_mandate", MandateGrantArgs, Mandate,
                          summary="Staff (tax_officer): grant a mandate from a paper authorisation.")
REVOKE_MANDATE = RpcMethod(SERVICE, "revoke_mandate", MandateRef, Mandate,
                           summary="Revoke a mandate (its principal, its agent or staff).")
MANDATES = RpcMethod(SERVICE, "mandates", AccountRef, AccountMandates,
                     summary="The account's mandates as agent and as principal.")
ACTING_FOR = RpcMethod(SERVICE, "acting_for", SessionToken, ActingFor,
                       summary="Whom the session acts for, re-checked against the mandates.")
SWITCH_ACTING_FOR = RpcMethod(SERVICE, "switch_acting_for", SubjectSwitch, ActingFor,
                              summary="Act for a principal (by a valid mandate) or for yourself.")
DELETE_WRONG_ACCOUNT = RpcMethod(
    SERVICE, "delete_wrong_account", WrongAccountDeletion, Deleted,
    summary="Staff (tax_officer): delete an account registered on someone else's PESEL.")


class AccountAuthenticatedV1(EventPayload):
    account_id = fields.UUID(required=True)
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    authenticated_at = fields.AwareDateTime(required=True)


ACCOUNT_AUTHENTICATED = Event(SERVICE, "account_authenticated", 1, AccountAuthenticatedV1)

# --- messages (Polish, English) -------------------------------------------------------
# --- account life: password reset and change, phone verification, profile, sessions -----
class PasswordResetRequest(StrictSchema):
    login = fields.String(required=True, validate=validate.Length(min=1, max=254),
                          metadata={"description": "The login or the e-mail address."})


class PasswordResetRequestArgs(PasswordResetRequest):
    client_address = fields.String(load_default=None, allow_none=True)


class PasswordResetCompletion(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=20, max=100))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=128))


class PasswordResetCompletionArgs(PasswordResetCompletion):
    client_address = fields.String(load_default=None, allow_none=True)


class Accepted(StrictSchema):
    accepted = fields.Boolean(required=True)


class PasswordChange(StrictSchema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(max=128))


class PasswordChangeArgs(PasswordChange):
    token = fields.String(required=True, validate=validate.Length(min=20, max=100))


class PhoneCode(StrictSchema):
    account_id = fields.UUID(required=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="code.invalid"))


class ProfileChanges(StrictSchema):
    """Only what is given changes. A new e-mail or phone is verified again before it counts
    (the phone keeps its old, verified number until then) and needs the current password."""
    address = fields.Nested(Address)
    phone = PolishMobile()
    email = fields.Email(validate=validate.Length(max=254))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    consent_e_correspondence = fields.Boolean()
    current_password = fields.String(load_only=True, validate=validate.Length(min=1, max=128))


class ProfileUpdateArgs(ProfileChanges):
    token = fields.String(required=True, validate=validate.Length(min=20, max=100))
    client_address = fields.String(load_default=None, allow_none=True)


class SessionInfo(StrictSchema):
    session_id = fields.UUID(required=True)
    client_address = fields.String(allow_none=True)
    device_id = fields.UUID(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    last_seen_at = fields.AwareDateTime(required=True)
    expires_at = fields.AwareDateTime(required=True)
    current = fields.Boolean(required=True)


class SessionRef(SessionToken):
    session_id = fields.UUID(required=True)


class Ended(StrictSchema):
    ended = fields.Integer(required=True)


# --- devices (seed 001: the mobile app registers the phone with a PIN) -------------------
class DeviceRegistration(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    platform = fields.String(required=True, validate=validate.OneOf(PLATFORMS))
    pin = fields.String(required=True, load_only=True, validate=validate.Length(max=8))
    pin_repeat = fields.String(required=True, load_only=True, validate=validate.Length(max=8))
    push_token = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4096))


class DeviceRegistrationArgs(DeviceRegistration):
    token = fields.String(required=True, validate=validate.Length(min=20, max=100))
    client_address = fields.String(load_default=None, allow_none=True)


class Device(StrictSchema):
    device_id = fields.UUID(required=True)
    name = fields.String(required=True)
    platform = fields.String(required=True)
    has_push_token = fields.Boolean(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("active", "blocked", "revoked")))
    created_at = fields.AwareDateTime(required=True)
    last_used_at = fields.AwareDateTime(allow_none=True)


class NewDevice(Device):
    device_secret = fields.String(required=True, metadata={
        "description": "Shown once: the app keeps it in the platform's secure storage."})


class DeviceCredentials(StrictSchema):
    device_id = fields.UUID(required=True)
    device_secret = fields.String(required=True, load_only=True, validate=validate.Length(min=20, max=100))
    pin = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=8))


class DeviceLoginArgs(DeviceCredentials):
    client_address = fields.String(load_default=None, allow_none=True)


class DeviceRef(SessionToken):
    device_id = fields.UUID(required=True)


class PushToken(StrictSchema):
    push_token = fields.String(required=True, allow_none=True, validate=validate.Length(max=4096))


class PushTokenArgs(DeviceRef):
    push_token = fields.String(required=True, allow_none=True, validate=validate.Length(max=4096))


class AccountIds(StrictSchema):
    account_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(max=1000))


class PushTarget(StrictSchema):
    account_id = fields.UUID(required=True)
    device_id = fields.UUID(required=True)
    platform = fields.String(required=True)
    push_token = fields.String(required=True)


# --- staff (internal RPC only; every staff RPC checks the role) --------------------------
class StaffCredentials(Credentials):
    pass


class StaffSession(StrictSchema):
    token = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)
    actor = fields.Nested(Actor, required=True)


class StaffMemberArgs(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    login = fields.String(required=True, validate=validate.Regexp(LOGIN_PATTERN, error="login.invalid"))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=160))
    roles = fields.List(fields.String(validate=validate.OneOf(STAFF_ROLES)), required=True,
                        validate=validate.Length(min=1))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=128))


class StaffMember(StrictSchema):
    staff_id = fields.UUID(required=True)
    login = fields.String(required=True)
    full_name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    created_by = fields.String(required=True)


class StaffChangeArgs(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    staff_id = fields.UUID(required=True)
    roles = fields.List(fields.String(validate=validate.OneOf(STAFF_ROLES)), validate=validate.Length(min=1))
    active = fields.Boolean()


class StaffActorArgs(StrictSchema):
    actor = fields.Nested(Actor, required=True)


class AuditQuery(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    subject = fields.String(load_default=None, allow_none=True)
    by = fields.String(load_default=None, allow_none=True, metadata={"description": "Who acted."})
    action = fields.String(load_default=None, allow_none=True)
    since = fields.AwareDateTime(load_default=None, allow_none=True)
    until = fields.AwareDateTime(load_default=None, allow_none=True)
    before_id = fields.Integer(load_default=None, allow_none=True, metadata={"description": "Page: older than this."})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class AuditEntry(StrictSchema):
    id = fields.Integer(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    actor = fields.String(required=True)
    action = fields.String(required=True)
    subject = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    details = fields.Dict(required=True)


# The shared demo account (seed 001), for services' demo data: seeded by `identity.demo` only in
# development and demo configurations. The PESEL is valid but born 2099-12-31: nobody's real one.
DEMO_TAXPAYER = {"account_id": "00000000-0000-4000-8000-00000000de00", "pesel": "99323100009", "login": "demo"}

class EmailChangedV1(EventPayload):
    """The account's e-mail changed: the old address should hear of it (a takeover warning)."""
    account_id = fields.UUID(required=True)
    old_email = fields.String(required=True)
    new_email = fields.String(required=True)
    first_name = fields.String(required=True)
    language = fields.String(required=True)


class PasswordChangedV1(EventPayload):
    """The password was changed or reset: the owner should hear of it, in case it was not them."""
    account_id = fields.UUID(required=True)
    email = fields.String(required=True)
    first_name = fields.String(required=True)
    language = fields.String(required=True)
    how = fields.String(required=True, validate=validate.OneOf(("change", "reset")))


EMAIL_CHANGED = Event(SERVICE, "email_changed", 1, EmailChangedV1)
PASSWORD_CHANGED = Event(SERVICE, "password_changed", 1, PasswordChangedV1)

REQUEST_PASSWORD_RESET = RpcMethod(SERVICE, "request_password_reset", PasswordResetRequestArgs, Accepted,
                                   summary="Send a one-use reset link (1 h); the same answer whether or not "
                                           "the login exists.")
COMPLETE_PASSWORD_RESET = RpcMethod(SERVICE, "complete_password_reset", PasswordResetCompletionArgs, Ended,
                                    summary="Set a new password with the link's token; ends every session.")
CHANGE_PASSWORD = RpcMethod(SERVICE, "change_password", PasswordChangeArgs, Ended,
                            summary="Change the password (needs the current one); ends the other sessions.")
VERIFY_PHONE = RpcMethod(SERVICE, "verify_phone", PhoneCode, Account,
                         summary="Verify the mobile number with the 6-digit SMS code.")
RESEND_PHONE_VERIFICATION = RpcMethod(SERVICE, "resend_phone_verification", AccountRef, Sent,
                                      summary="A new SMS code; the old one stops working.")
UPDATE_PROFILE = RpcMethod(SERVICE, "update_profile", ProfileUpdateArgs, Account,
                           summary="Update address, phone, e-mail, language or consents (audited).")
LIST_SESSIONS = RpcMethod(SERVICE, "list_sessions", SessionToken, SessionInfo, many=True,
                          summary="The account's live sessions.")
END_SESSION = RpcMethod(SERVICE, "end_session", SessionRef, summary="End one of the account's sessions.")
END_ALL_SESSIONS = RpcMethod(SERVICE, "end_all_sessions", SessionToken, Ended,
                             summary="Log out everywhere, this session included.")
REGISTER_DEVICE = RpcMethod(SERVICE, "register_device", DeviceRegistrationArgs, NewDevice,
                            summary="Register a phone: a device credential bound to the PIN the user sets.")
DEVICE_LOGIN = RpcMethod(SERVICE, "device_login", DeviceLoginArgs, NewSession,
                         summary="Start a session on a registered device with its credential and PIN.")
LIST_DEVICES = RpcMethod(SERVICE, "list_devices", SessionToken, Device, many=True,
                         summary="The account's registered devices.")
REVOKE_DEVICE = RpcMethod(SERVICE, "revoke_device", DeviceRef, summary="Revoke a device and end its sessions.")
SET_PUSH_TOKEN = RpcMethod(SERVICE, "set_push_token", PushTokenArgs, Device,
                           summary="Set or clear the device's push token.")
PUSH_TARGETS = RpcMethod(SERVICE, "push_targets", AccountIds, PushTarget, many=True,
                         summary="Push tokens of the accounts' active devices (for notifications).")
STAFF_LOGIN = RpcMethod(SERVICE, "staff_login", StaffCredentials, StaffSession,
                        summary="Staff sign-in: a session token and the staff actor with roles.")
STAFF_SESSION_ACTOR = RpcMethod(SERVICE, "staff_session_actor", SessionToken, Actor,
                                summary="The staff actor behind a live staff session token.")
STAFF_LOGOUT = RpcMethod(SERVICE, "staff_logout", SessionToken, summary="End a staff session.")
CREATE_STAFF = RpcMethod(SERVICE, "create_staff", StaffMemberArgs, StaffMember,
                         summary="Admin: create a staff account with roles.")
CHANGE_STAFF = RpcMethod(SERVICE, "change_staff", StaffChangeArgs, StaffMember,
                         summary="Admin: change a staff member's roles or deactivate them.")
LIST_STAFF = RpcMethod(SERVICE, "list_staff", StaffActorArgs, StaffMember, many=True,
                       summary="Admin: every staff account.")
READ_AUDIT_LOG = RpcMethod(SERVICE, "read_audit_log", AuditQuery, AuditEntry, many=True,
                           summary="Admin: the security audit log, newest first (the read is audited too).")


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
    "login.throttled": ("Zbyt wiele nieudanych prób logowania. Odczekaj chwilę i spróbuj ponownie.",
                        "Too many failed sign-in attempts. Wait a moment and try again."),
    "password_reset.too_many": ("Zbyt wiele próśb o reset hasła z tego adresu. Spróbuj później.",
                                "Too many password reset requests from this address. Please try later."),
    "password.current_wrong": ("Obecne hasło jest nieprawidłowe.", "The current password is wrong."),
    "password.current_required": ("Podaj obecne hasło, aby zmienić adres e-mail lub telefon.",
                                  "Enter your current password to change the e-mail or phone."),
    "password.same_as_current": ("Nowe hasło musi różnić się od obecnego.",
                                 "The new password must differ from the current one."),
    "phone.already_verified": ("Numer telefonu jest już zweryfikowany.", "The phone number is already verified."),
    "phone.resend_too_soon": ("Nowy kod SMS można wysłać za chwilę.", "A new SMS code can be sent in a moment."),
    "phone.resend_limit": ("Wysłano już zbyt wiele kodów SMS. Spróbuj później.",
                           "Too many SMS codes were sent. Please try later."),
    "phone.number_limit": ("Na ten numer wysłano już zbyt wiele kodów. Spróbuj później.",
                           "Too many codes were sent to this number. Please try later."),
    "demo.read_only": ("Konto demonstracyjne służy tylko do przeglądania.", "The demo account is read-only."),
    "device.pin_invalid": ("PIN to od 4 do 8 cyfr, nie same jednakowe cyfry ani kolejne cyfry (np. 1234).",
                           "The PIN has 4 to 8 digits, not all the same and not consecutive (e.g. 1234)."),
    "device.pin_mismatch": ("Oba wpisane PIN-y muszą być takie same.", "Both PIN entries must match."),
    "device.limit": ("Zarejestrowano już najwięcej urządzeń. Usuń jedno z nich.",
                     "The most devices are registered already. Revoke one first."),
    "device.password_session_required": ("Zarejestruj urządzenie po zalogowaniu loginem i hasłem.",
                                         "Register a device after signing in with login and password."),
    "device.login_failed": ("Nieprawidłowy PIN lub urządzenie nie jest zarejestrowane.",
                            "Wrong PIN or the device is not registered."),
    "device.blocked": ("Urządzenie zablokowano po zbyt wielu błędnych PIN-ach. Zaloguj się hasłem i "
                       "zarejestruj je ponownie.",
                       "The device is blocked after too many wrong PINs. Sign in with your password and "
                       "register it again."),
    "staff.cannot_demote_self": ("Nie możesz odebrać sobie roli administratora ani się dezaktywować.",
                                 "You cannot remove your own admin role or deactivate yourself."),
    "staff.login_taken": ("Ten login pracownika jest już zajęty.", "This staff login is already taken."),
    # authentication levels, telePIN, representation, PESEL disputes
    "level.already_authenticated": ("Konto jest już uwierzytelnione.", "The account is already authenticated."),
    "level.email_not_verified": ("Najpierw zweryfikuj adres e-mail.", "Verify your e-mail address first."),
    "authentication.pesel_mismatch": (
        "Numer PESEL nie zgadza się z numerem PESEL konta.",
        "The PESEL does not match the account's PESEL."),
    "authentication.request_invalid": (
        "Logowanie profilem zaufanym wygasło lub zostało już użyte. Zacznij od nowa.",
        "The trusted-profile login expired or was already used. Please start again."),
    "authentication.response_invalid": (
        "Nie udało się potwierdzić odpowiedzi węzła krajowego.",
        "The response of the national login node could not be verified."),
    "authentication.node_unavailable": (
        "Węzeł krajowy jest chwilowo niedostępny. Spróbuj za chwilę.",
        "The national login node is unavailable. Please try again shortly."),
    "signature.invalid": ("Podpis jest nieprawidłowy albo dokument zmieniono po podpisaniu.",
                          "The signature is invalid or the document changed after signing."),
    "signature.untrusted": (
        "Certyfikat podpisu nie pochodzi od zaufanego dostawcy usług zaufania lub jest nieważny.",
        "The signing certificate is not from a trusted service provider or is not valid."),
    "signature.no_pesel": ("Certyfikat podpisu nie zawiera numeru PESEL.",
                           "The signing certificate has no PESEL."),
    "signature.statement_invalid": (
        "Podpisany dokument nie jest oświadczeniem pobranym dla tego konta lub wygasł. Pobierz nowy.",
        "The signed document is not the statement issued for this account, or it expired. Get a new one."),
    "document_number.invalid": ("Numer dokumentu: 5–20 liter i cyfr.", "Document number: 5–20 letters and digits."),
    "telepin.format": ("telePIN składa się z dokładnie 6 cyfr.", "The telePIN has exactly 6 digits."),
    "telepin.identical_digits": ("telePIN nie może składać się z identycznych cyfr (np. 111111).",
                                 "The telePIN may not be all identical digits (e.g. 111111)."),
    "telepin.sequence": ("telePIN nie może składać się z kolejnych cyfr (np. 123456 lub 654321).",
                         "The telePIN may not be consecutive digits (e.g. 123456 or 654321)."),
    "telepin.mismatch": ("Wpisane kody telePIN różnią się.", "The two telePIN entries differ."),
    "telepin.refused": ("Nie udało się potwierdzić tożsamości rozmówcy.", "The caller could not be identified."),
    "mandate.principal_invalid": ("Mocodawca: podaj prawidłowy PESEL lub NIP.",
                                  "Principal: enter a valid PESEL or NIP."),
    "mandate.organisation_needs_nip": ("Użytkownik konta organizacji działa dla NIP-u firmy.",
                                       "An organisation account user acts for a company's NIP."),
    "mandate.scopes_invalid": ("Zakres: view, pay lub submit.", "Scope: view, pay or submit."),
    "mandate.period_invalid": ("Data końca nie może być wcześniejsza niż data początku.",
                               "The end date may not be before the start date."),
    "mandate.agent_unknown": ("Nie ma konta pełnomocnika.", "The agent's account does not exist."),
    "mandate.agent_is_principal": ("Pełnomocnik nie może być własnym mocodawcą.",
                                   "The agent cannot be their own principal."),
    "dispute.account_authenticated": (
        "Konto zostało uwierzytelnione numerem PESEL; nie można go usunąć w trybie sporu.",
        "The account proved its PESEL; it cannot be deleted as a dispute."),
}


# --- staff: finding a taxpayer, their record, what a verified caller lets a consultant see -----
class TaxpayerSearch(StaffCall):
    pesel = Pesel(load_default=None, allow_none=True)
    nip = Nip(load_default=None, allow_none=True)
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=2, max=100))


class FoundTaxpayer(StrictSchema):
    account_id = fields.UUID(required=True)
    pesel = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    city = fields.String(required=True)
    level = fields.String(required=True)


class StaffAccountRef(StaffCall):
    account_id = fields.UUID(required=True)


class TaxpayerRecord(StrictSchema):
    account = fields.Nested(Account, required=True)
    authentications = fields.List(fields.Nested(AuthenticationRecord), required=True)
    telepin = fields.Nested(TelePinStatus, required=True)
    mandates = fields.Nested(AccountMandates, required=True)


class CallerAccessQuery(StrictSchema):
    consultant_account_id = fields.UUID(required=True)
    verification_id = fields.UUID(required=True)
    subject = TaxpayerId(required=True)


class CallerAccess(StrictSchema):
    allowed = fields.Boolean(required=True)
    scopes = fields.List(fields.String(), required=True)
    caller_account_id = fields.UUID(allow_none=True)


FIND_TAXPAYERS = RpcMethod(SERVICE, "find_taxpayers", TaxpayerSearch, FoundTaxpayer, many=True,
                           summary="Staff (tax_officer): accounts by PESEL, name, or the agents of a NIP (audited).")
TAXPAYER_RECORD = RpcMethod(SERVICE, "taxpayer_record", StaffAccountRef, TaxpayerRecord,
                            summary="Staff (tax_officer): registration data, authentications, telePIN, "
                                    "mandates (audited).")
CALLER_ACCESS = RpcMethod(SERVICE, "caller_access", CallerAccessQuery, CallerAccess,
                          summary="For services: the scopes a consultant has on a subject by a live caller "
                                  "verification.")

MESSAGES.update({
    "lookup.query_required": ("Podaj PESEL, NIP albo imię i nazwisko.", "Give a PESEL, a NIP or a name."),
})
