"""The chatbot API's request and response schemas (validation and the OpenAPI document)."""
from marshmallow import fields, validate

from gateway.chatbot.knowledge import LANGUAGES
from gateway.chatbot.scope import QUEUES
from portal_shared.contracts import helpline
from portal_shared.contracts.base import StrictSchema

REPLY_KINDS = ("answer", "handover", "handed_over")
HANDOVER_REASONS = ("unknown", "out_of_scope", "requested")


class ChatMessage(StrictSchema):
    conversation_id = fields.UUID(load_default=None, allow_none=True)  # none: a new conversation
    text = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    lang = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LANGUAGES))


class ArticleRef(StrictSchema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    link = fields.String(required=True)


class HandoverRef(StrictSchema):
    queue = fields.String(required=True, validate=validate.OneOf(QUEUES))
    reason = fields.String(required=True, validate=validate.OneOf(HANDOVER_REASONS))


class ChatReply(StrictSchema):
    conversation_id = fields.UUID(required=True)
    lang = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(REPLY_KINDS))
    text = fields.String(required=True)
    source = fields.Nested(ArticleRef, allow_none=True)    # the entry the answer comes from
    confidence = fields.Float(required=True)
    see_also = fields.List(fields.Nested(ArticleRef), required=True)
    handover = fields.Nested(HandoverRef, allow_none=True)


WaitingChats = helpline.WaitingChats  # the declarations service's answer, passed through


class HandoverRequest(StrictSchema):
    queue = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(QUEUES))


class ChatSurvey(StrictSchema):
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
