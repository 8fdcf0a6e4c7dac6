"""The helpline chatbot (seed 003): questions in, answers citing the knowledge base out, or a
hand-over to a consultants' queue with the conversation. The transcript and the hand-over live
in the declarations service, so any gateway worker can continue a conversation."""
import uuid

from flask import Blueprint, current_app, g, request

from gateway.api import call, documented, json_body
from gateway.auth import current_actor, login_required
from gateway.chatbot import Chatbot, Reply
from gateway.chatbot.schemas import ChatMessage, ChatReply, ChatSurvey, HandoverRequest, WaitingChats
from gateway.chatbot.scope import GENERAL_QUEUE
from gateway.i18n import language, translate
from portal_shared.contracts import helpline
from portal_shared.contracts.base import load_or_fail
from portal_shared.errors import TooManyAttempts

bp = Blueprint("chatbot", __name__, url_prefix="/api/v1/chatbot")


def chatbot() -> Chatbot:
    return current_app.extensions["chatbot"]


@bp.post("/messages")
@documented("Ask the chatbot. Without `conversation_id` a new conversation starts. The reply "
            "cites the knowledge-base entry it used, or hands the conversation over to a "
            "consultants' queue.", body=ChatMessage, response=ChatReply, errors=(400, 404, 429))
def post_message():
    if not current_app.extensions["chatbot_limit"].allow(request.remote_addr or "unknown"):
        raise TooManyAttempts("chatbot.too_many_messages", retry_after=60)
    message = load_or_fail(ChatMessage(), json_body())
    question = message["text"]
    if message["conversation_id"] is None:
        conversation_id, handed_over_to = str(uuid.uuid4()), None
    else:
        conversation_id = str(message["conversation_id"])
        handed_over_to = call(helpline.CHAT_CONVERSATION, conversation_id=conversation_id)["queue"]
    lang_hint = message["lang"] or language()
    if handed_over_to:
        text = translate("chatbot.waiting_for_consultant", lang_hint)
        _record(conversation_id, lang_hint, question, text)
        return _reply(conversation_id, lang_hint, "handed_over", text, queue=handed_over_to)
    reply = chatbot().reply(question, default_lang=lang_hint)
    if reply.kind == "answer":
        _record(conversation_id, reply.lang, question, reply.excerpt, reply.article.id)
        return _reply(conversation_id, reply.lang, "answer", reply.excerpt, reply)
    text = translate(f"chatbot.handover.{reply.reason}", reply.lang)
    _record(conversation_id, reply.lang, question, text)
    _route(conversation_id, reply.queue)
    return _reply(conversation_id, reply.lang, "handover", text, reply, reply.queue, reply.reason)


@bp.post("/conversations/<uuid:conversation_id>/handover")
@documented("Ask for a consultant: the conversation joins a queue (the nearest topic's, or the "
            "one given; once).", body=HandoverRequest, response=ChatReply, errors=(400, 404))
def request_handover(conversation_id):
    wanted = load_or_fail(HandoverRequest(), request.get_json(silent=True) or {})
    conversation = call(helpline.CHAT_CONVERSATION, conversation_id=str(conversation_id))
    lang = conversation["lang"]
    queue = conversation["queue"]
    if queue is None:
        queue = wanted["queue"] or _nearest_queue(conversation)
        _route(str(conversation_id), queue)
    text = translate("chatbot.handover.requested", lang)
    return _reply(str(conversation_id), lang, "handover", text, queue=queue, reason="requested")


@bp.post("/conversations/<uuid:conversation_id>/survey")
@documented("Rate the conversation with the consultant (1-5) and comment, once.",
            body=ChatSurvey, errors=(400, 404, 409))
def rate_conversation(conversation_id):
    given = load_or_fail(ChatSurvey(), json_body())
    return call(helpline.SUBMIT_SURVEY, call_id=str(conversation_id), rating=given["rating"],
                comment=given["comment"])


@bp.get("/handovers")
@documented("Conversations handed over and waiting for a consultant, oldest first, with their "
            "transcripts (consultants; the declarations service checks the role). `?queue=` filters.",
            response=WaitingChats, auth=True, errors=(401, 403))
@login_required
def list_handovers():
    actor = {**current_actor(), "roles": g.account.get("roles") or []}
    return call(helpline.WAITING_CHATS, actor=actor, queue=request.args.get("queue") or None)


def _record(conversation_id: str, lang: str, question: str, answer: str,
            article_id: str | None = None) -> None:
    call(helpline.CHAT_APPEND, conversation_id=conversation_id, lang=lang, lines=[
        {"role": "user", "text": question},
        {"role": "bot", "text": answer, "article_id": article_id}])


def _route(conversation_id: str, queue: str) -> None:
    """The conversation waits in the helpline's queue like a call (idempotent there)."""
    call(helpline.ROUTE_CONTACT, call_id=conversation_id, queue=queue, routed_by="chatbot",
         channel="chat")


def _nearest_queue(conversation: dict) -> str:
    questions = " ".join(line["text"] for line in conversation["lines"] if line["role"] == "user")
    return (chatbot().classify(questions, conversation["lang"]) if questions else None) or GENERAL_QUEUE


def _reply(conversation_id: str, lang: str, kind: str, text: str, reply: Reply | None = None,
           queue: str | None = None, reason: str | None = None) -> dict:
    article = reply.article if reply else None
    return ChatReply().dump({
        "conversation_id": conversation_id, "lang": lang, "kind": kind, "text": text,
        "source": _ref(article) if article else None,
        "confidence": reply.confidence if reply else 0.0,
        "see_also": [_ref(a) for a in reply.alternatives] if reply else [],
        "handover": {"queue": queue, "reason": reason} if queue and reason else None,
    })


def _ref(article) -> dict:
    base = current_app.config["PORTAL"].public_base_url.rstrip("/")
    return {"id": article.id, "title": article.title, "link": base + article.link}
