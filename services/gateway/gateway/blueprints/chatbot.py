"""The helpline chatbot (seed 003): questions in, answers citing the knowledge base out, or a
hand-over to a consultants' queue with the conversation."""
from flask import Blueprint, current_app, g, request

from gateway.api import call, documented, json_body
from gateway.auth import login_required
from gateway.chatbot import Chatbot, ConversationStore, Reply
from gateway.chatbot.conversations import Conversation, Handover
from gateway.chatbot.schemas import ChatMessage, ChatReply, HandoverList, HandoverRequest, HandoverView
from gateway.chatbot.scope import GENERAL_QUEUE
from gateway.i18n import language, translate
from portal_shared.contracts import helpline
from portal_shared.contracts.base import load_or_fail
from portal_shared.errors import Forbidden, NotFound

bp = Blueprint("chatbot", __name__, url_prefix="/api/v1/chatbot")
CONSULTANT_ROLES = {"consultant", "admin"}


def chatbot() -> Chatbot:
    return current_app.extensions["chatbot"]


def conversations() -> ConversationStore:
    return current_app.extensions["chatbot_conversations"]


@bp.post("/messages")
@documented("Ask the chatbot. Without `conversation_id` a new conversation starts. The reply "
            "cites the knowledge-base entry it used, or hands the conversation over to a "
            "consultants' queue.", body=ChatMessage, response=ChatReply, errors=(400, 404))
def post_message():
    message = load_or_fail(ChatMessage(), json_body())
    lang_hint = message["lang"] or language()
    conversation = _conversation(message["conversation_id"], lang_hint)
    conversation.add("user", message["text"])
    if conversation.handover_id:
        text = translate("chatbot.waiting_for_consultant", conversation.lang)
        conversation.add("bot", text)
        return _reply(conversation, "handed_over", text)
    reply = chatbot().reply(message["text"], default_lang=message["lang"] or lang_hint)
    conversation.lang = reply.lang
    if reply.kind == "answer":
        conversation.add("bot", reply.excerpt, reply.article.id)
        return _reply(conversation, "answer", reply.excerpt, reply)
    handover = _hand_over(conversation, reply.queue, reply.reason)
    text = translate(f"chatbot.handover.{reply.reason}", reply.lang)
    conversation.add("bot", text)
    return _reply(conversation, "handover", text, reply, handover)


@bp.post("/conversations/<uuid:conversation_id>/handover")
@documented("Ask for a consultant: the conversation joins a queue (the nearest topic's, or the "
            "one given).", body=HandoverRequest, response=ChatReply, errors=(400, 404))
def request_handover(conversation_id):
    wanted = load_or_fail(HandoverRequest(), request.get_json(silent=True) or {})
    conversation = _conversation(conversation_id, language())
    queue = wanted["queue"] or _nearest_queue(conversation)
    handover = _hand_over(conversation, queue, "requested")
    text = translate("chatbot.handover.requested", conversation.lang)
    conversation.add("bot", text)
    return _reply(conversation, "handover", text, handover=handover)


@bp.get("/handovers")
@documented("Conversations waiting for a consultant, oldest first (consultants only); "
            "`?queue=` filters.", response=HandoverList, auth=True, errors=(401, 403))
@login_required
def list_handovers():
    if not CONSULTANT_ROLES & set(g.account.get("roles") or ()):
        raise Forbidden("role.required")
    queue = request.args.get("queue") or None
    return {"handovers": [_handover_view(h) for h in conversations().handovers(queue)]}


def _hand_over(conversation: Conversation, queue: str, reason: str) -> Handover:
    """The conversation waits in the helpline's queue like a call, so queue statistics count
    it; routing is idempotent there, so asking twice changes nothing."""
    handover = conversations().hand_over(conversation, queue, reason)
    call(helpline.ROUTE_CONTACT, call_id=conversation.conversation_id, queue=handover.queue,
         routed_by="chatbot", channel="chat")
    return handover


def _conversation(conversation_id, lang: str) -> Conversation:
    if conversation_id is None:
        return conversations().start(lang)
    conversation = conversations().get(str(conversation_id))
    if conversation is None:
        raise NotFound("chatbot.conversation_not_found")
    return conversation


def _nearest_queue(conversation: Conversation) -> str:
    questions = " ".join(m.text for m in conversation.messages if m.role == "user")
    return (chatbot().classify(questions, conversation.lang) if questions else None) or GENERAL_QUEUE


def _reply(conversation: Conversation, kind: str, text: str, reply: Reply | None = None,
           handover: Handover | None = None) -> dict:
    article = reply.article if reply else None
    return ChatReply().dump({
        "conversation_id": conversation.conversation_id, "lang": conversation.lang,
        "kind": kind, "text": text, "source": _ref(article) if article else None,
        "confidence": reply.confidence if reply else 0.0,
        "see_also": [_ref(a) for a in reply.alternatives] if reply else [],
        "handover": {"handover_id": handover.handover_id, "queue": handover.queue,
                     "reason": handover.reason} if handover else None,
    })


def _ref(article) -> dict:
    base = current_app.config["PORTAL"].public_base_url.rstrip("/")
    return {"id": article.id, "title": article.title, "link": base + article.link}


def _handover_view(handover: Handover) -> dict:
    conversation = handover.conversation
    return HandoverView().dump({
        "handover_id": handover.handover_id, "conversation_id": conversation.conversation_id,
        "queue": handover.queue, "reason": handover.reason, "lang": conversation.lang,
        "created_at": handover.created_at,
        "transcript": [{"role": m.role, "text": m.text, "at": m.at, "article_id": m.article_id}
                       for m in conversation.messages]})
