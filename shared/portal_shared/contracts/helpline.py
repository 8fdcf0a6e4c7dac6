"""The helpline part of the declarations service's contract: contacts (calls and chat hand-overs)
waiting in thematic queues, their outcome, the satisfaction survey after each contact, the reports on
them and chatbot transcripts. A helpline contact is correspondence with the office, so the
declarations service (cases and letters) owns it; the module stays separate because the gateway's
IVR adapter and chatbot need only this part.

The telephony platform's IVR talks to the gateway's IVR adapter, which routes a call here by its
DTMF choice or by the intent of what the caller said (the chatbot's classifier)."""
from marshmallow import fields, validate

from portal_shared.contracts.base import RpcMethod, StrictSchema
from portal_shared.contracts.declarations import SERVICE
from portal_shared.contracts.identity import Actor

QUEUES = ("pit", "vat", "local_taxes", "payments", "eservices")
ROUTED_BY = ("dtmf", "intent", "fallback", "chatbot")
CHANNELS = ("phone", "chat")
STATES = ("waiting", "answered", "abandoned", "completed")

CALL_ID = validate.Length(min=1, max=64)  # the platform's call id (or a chat conversation id)


class RouteContact(StrictSchema):
    call_id = fields.String(required=True, validate=CALL_ID)
    queue = fields.String(required=True, validate=validate.OneOf(QUEUES))
    routed_by = fields.String(required=True, validate=validate.OneOf(ROUTED_BY))
    channel = fields.String(load_default="phone", validate=validate.OneOf(CHANNELS))


class ContactRef(StrictSchema):
    call_id = fields.String(required=True, validate=CALL_ID)


class Contact(StrictSchema):
    call_id = fields.String(required=True)
    channel = fields.String(required=True)
    queue = fields.String(required=True)
    routed_by = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    entered_queue_at = fields.AwareDateTime(required=True)
    answered_at = fields.AwareDateTime(allow_none=True)
    ended_at = fields.AwareDateTime(allow_none=True)


class Survey(StrictSchema):
    call_id = fields.String(required=True, validate=CALL_ID)
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class SurveyReceipt(StrictSchema):
    call_id = fields.String(required=True)
    rating = fields.Integer(required=True)


class Period(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    since = fields.AwareDateTime(required=True)
    until = fields.AwareDateTime(required=True)
    queue = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(QUEUES))


class QueueFigures(StrictSchema):
    queue = fields.String(required=True)
    waiting = fields.Integer(required=True)      # now
    answered = fields.Integer(required=True)     # answered within the period
    abandoned = fields.Integer(required=True)    # hung up while waiting, within the period
    average_wait_seconds = fields.Integer(allow_none=True)  # of those answered in the period


class QueueStatistics(StrictSchema):
    since = fields.AwareDateTime(required=True)
    until = fields.AwareDateTime(required=True)
    queues = fields.List(fields.Nested(QueueFigures), required=True)


class SurveyComment(StrictSchema):
    rating = fields.Integer(required=True)
    comment = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)


class QueueSurveys(StrictSchema):
    queue = fields.String(required=True)
    responses = fields.Integer(required=True)
    average_rating = fields.Decimal(allow_none=True, as_string=True, places=2)
    distribution = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    comments = fields.List(fields.Nested(SurveyComment), required=True)


class SurveyReport(StrictSchema):
    since = fields.AwareDateTime(required=True)
    until = fields.AwareDateTime(required=True)
    queues = fields.List(fields.Nested(QueueSurveys), required=True)


class ChatLine(StrictSchema):
    role = fields.String(required=True, validate=validate.OneOf(("user", "bot")))
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    article_id = fields.String(load_default=None, allow_none=True)
    at = fields.AwareDateTime(dump_only=True)


class ChatAppend(StrictSchema):
    conversation_id = fields.UUID(required=True)
    lang = fields.String(required=True, validate=validate.OneOf(("pl", "en")))
    lines = fields.List(fields.Nested(ChatLine), required=True, validate=validate.Length(min=1, max=10))


class ConversationRef(StrictSchema):
    conversation_id = fields.UUID(required=True)


class ChatConversation(StrictSchema):
    conversation_id = fields.UUID(required=True)
    lang = fields.String(required=True)
    started_at = fields.AwareDateTime(required=True)
    queue = fields.String(allow_none=True)          # set once handed over
    state = fields.String(allow_none=True)          # the hand-over's contact state
    routed_at = fields.AwareDateTime(allow_none=True)
    lines = fields.List(fields.Nested(ChatLine), required=True)


class WaitingChatsArgs(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    queue = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(QUEUES))


class WaitingChats(StrictSchema):
    conversations = fields.List(fields.Nested(ChatConversation), required=True)


ROUTE_CONTACT = RpcMethod(SERVICE, "route_contact", RouteContact, Contact,
                          summary="Put a call (or a chat) in a thematic queue; again for the same "
                                  "call while it waits moves it to the new queue.")
CONTACT_ANSWERED = RpcMethod(SERVICE, "contact_answered", ContactRef, Contact,
                             summary="A consultant took the contact (idempotent).")
CONTACT_ENDED = RpcMethod(SERVICE, "contact_ended", ContactRef, Contact,
                          summary="The contact ended: completed if answered, else abandoned.")
SUBMIT_SURVEY = RpcMethod(SERVICE, "submit_survey", Survey, SurveyReceipt,
                          summary="The caller's satisfaction (1-5) and comment, once per answered contact.")
QUEUE_STATISTICS = RpcMethod(SERVICE, "queue_statistics", Period, QueueStatistics,
                             summary="Waiting now, answered and abandoned in a period, per queue (staff).")
SURVEY_REPORT = RpcMethod(SERVICE, "survey_report", Period, SurveyReport,
                          summary="Satisfaction per queue in a period: responses, average, "
                                  "distribution, comments (staff).")

CHAT_APPEND = RpcMethod(SERVICE, "chat_append", ChatAppend, ChatConversation,
                        summary="Add lines to a chatbot conversation (started by its first lines); "
                                "a conversation keeps at most 100 lines.")
CHAT_CONVERSATION = RpcMethod(SERVICE, "chat_conversation", ConversationRef, ChatConversation,
                              summary="A chatbot conversation with its transcript and hand-over.")
WAITING_CHATS = RpcMethod(SERVICE, "waiting_chats", WaitingChatsArgs, WaitingChats,
                          summary="Chat conversations handed over and waiting, oldest first, with "
                                  "their transcripts (consultants).")

MESSAGES: dict[str, tuple[str, str]] = {
    "contact.not_found": ("Nie ma takiego połączenia.", "No such call."),
    "chatbot.conversation_not_found": ("Nie ma takiej rozmowy (mogła wygasnąć). Zacznij nową.",
                                       "No such conversation (it may have expired). Please start a new one."),
    "contact.not_waiting": ("Połączenie nie czeka już w kolejce.", "The call is no longer waiting."),
    "contact.not_answered": ("Ankietę wypełnia się po rozmowie z konsultantem.",
                             "The survey follows a conversation with a consultant."),
    "survey.already_submitted": ("Ankieta dla tego połączenia została już wypełniona.",
                                 "The survey for this call has already been submitted."),
    "period.invalid": ("Początek okresu musi poprzedzać jego koniec.",
                       "The period must start before it ends."),
}
