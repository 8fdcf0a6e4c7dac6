"""Contract of the notifications service: staff tools over messages, people's preferences and
push subscriptions, and the SMS operator's delivery reports (through the gateway)."""
from marshmallow import fields, validate

from portal_shared.contracts.base import RpcMethod, StrictSchema
from portal_shared.contracts.common import health
from portal_shared.contracts.identity import Actor

SERVICE = "notifications"
LANGUAGES = ("pl", "en")
STAFF_ROLES = ("consultant", "tax_officer", "admin")

HEALTH = health(SERVICE)


class PreviewArgs(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    message_type = fields.String(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    context = fields.Dict(load_default=None, allow_none=True)  # default: the catalog's sample


class Preview(StrictSchema):
    message_type = fields.String(required=True)
    language = fields.String(required=True)
    channels = fields.List(fields.String(), required=True)
    subject = fields.String(load_default=None, allow_none=True)
    text = fields.String(load_default=None, allow_none=True)
    html = fields.String(load_default=None, allow_none=True)
    sms = fields.String(load_default=None, allow_none=True)
    push_title = fields.String(load_default=None, allow_none=True)
    push_body = fields.String(load_default=None, allow_none=True)


class StaffQuery(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class MessageRef(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    message_id = fields.UUID(required=True)


class HistoryEntry(StrictSchema):
    status = fields.String(required=True)
    at = fields.String(required=True)
    error = fields.String(load_default=None, allow_none=True)


class MessageSummary(StrictSchema):
    message_id = fields.String(required=True, attribute="id", data_key="message_id")
    message_type = fields.String(required=True)
    channel = fields.String(required=True)
    recipient = fields.String(required=True)
    account_id = fields.String(load_default=None, allow_none=True)
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(load_default=None, allow_none=True)
    history = fields.List(fields.Dict(), required=True)
    created_at = fields.AwareDateTime(required=True)


class AccountRef(StrictSchema):
    account_id = fields.UUID(required=True)


class PreferenceChoices(StrictSchema):
    """What a person chooses (the gateway's request body; the account comes from the session)."""
    sms = fields.Boolean(load_default=False)
    push = fields.Boolean(load_default=True)
    language = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LANGUAGES))
    quiet_from = fields.Time(load_default=None, allow_none=True)   # Europe/Warsaw, e.g. 21:00
    quiet_until = fields.Time(load_default=None, allow_none=True)  # e.g. 07:00


class PreferencesSchema(PreferenceChoices):
    account_id = fields.UUID(required=True)


class PushKeys(StrictSchema):
    p256dh = fields.String(required=True, validate=validate.Length(min=80, max=100))
    auth = fields.String(required=True, validate=validate.Length(min=16, max=30))


class PushSubscriptionBody(StrictSchema):
    """A browser's PushSubscription.toJSON() (expirationTime may come along and is ignored)."""
    endpoint = fields.Url(required=True, require_tld=False, schemes={"https", "http"})
    keys = fields.Nested(PushKeys, required=True)


class PushSubscriptionArgs(PushSubscriptionBody):
    account_id = fields.UUID(required=True)


class PushSubscriptionRef(StrictSchema):
    subscription_id = fields.String(required=True)


class VapidKey(StrictSchema):
    public_key = fields.String(required=True)


class SmsReport(StrictSchema):
    provider_id = fields.String(required=True)
    status_code = fields.Integer(required=True)
    idx = fields.String(load_default=None, allow_none=True)


class SmsReports(StrictSchema):
    reports = fields.List(fields.Nested(SmsReport), required=True, validate=validate.Length(max=1000))


class Applied(StrictSchema):
    applied = fields.Integer(required=True)


class ReminderRunArgs(StrictSchema):
    due_date = fields.Date(required=True)
    days_before = fields.Integer(load_default=0)


class ReminderRun(StrictSchema):
    ran = fields.Boolean(required=True)  # False: another replica has (or is) running it
    reminders = fields.Integer(required=True)  # installments handed out to be reminded of


PREVIEW = RpcMethod(SERVICE, "preview", PreviewArgs, Preview,
                    summary="Staff: a message type rendered in a language (with the catalog's sample).")
FAILED_MESSAGES = RpcMethod(SERVICE, "failed_messages", StaffQuery, MessageSummary, many=True,
                            summary="Staff: messages that failed for good, newest first.")
RETRY_MESSAGE = RpcMethod(SERVICE, "retry_message", MessageRef, MessageSummary,
                          summary="Staff: queue a failed message again.")
MESSAGE = RpcMethod(SERVICE, "message", MessageRef, MessageSummary,
                    summary="Staff: one message with its status history.")
PREFERENCES = RpcMethod(SERVICE, "preferences", AccountRef, PreferencesSchema,
                        summary="A person's channels, language and quiet hours.")
SET_PREFERENCES = RpcMethod(SERVICE, "set_preferences", PreferencesSchema, PreferencesSchema,
                            summary="Change a person's channels, language and quiet hours.")
VAPID_PUBLIC_KEY = RpcMethod(SERVICE, "vapid_public_key", result=VapidKey,
                             summary="The application server key browsers subscribe with.")
REGISTER_PUSH_SUBSCRIPTION = RpcMethod(SERVICE, "register_push_subscription", PushSubscriptionArgs,
                                       PushSubscriptionRef, summary="Remember a device's push subscription.")
SMS_DELIVERY_REPORTS = RpcMethod(SERVICE, "sms_delivery_reports", SmsReports, Applied,
                                 summary="The SMS operator's delivery reports (from the gateway's callback).")
RUN_REMINDERS = RpcMethod(SERVICE, "run_reminders", ReminderRunArgs, ReminderRun,
                          summary="Operations: send the reminders for installments due on a date, once.")

MESSAGES: dict[str, tuple[str, str]] = {
    "message_type.unknown": ("Nieznany rodzaj wiadomości.", "Unknown message type."),
    "message.not_failed": ("Ponowić można tylko wiadomość, której nie udało się wysłać.",
                           "Only a message that failed can be retried."),
}
