"""Chatbot conversations: their transcript, kept here so that any gateway worker can continue
one, and so that the consultant who takes the hand-over reads what was said."""
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from declarations.models import ChatConversation, ChatLine
from declarations.models import HelplineContact as Contact
from portal_shared.errors import NotFound

MAX_LINES = 100  # a transcript, not a log: later lines are not kept


def append(session: Session, conversation_id: str, lang: str, lines: list[dict]) -> dict:
    now = datetime.now(UTC)
    session.execute(insert(ChatConversation).values(
        conversation_id=conversation_id, lang=lang, started_at=now, line_count=0)
        .on_conflict_do_nothing())
    conversation = session.get(ChatConversation, conversation_id, with_for_update=True)
    room = max(0, MAX_LINES - conversation.line_count)
    for line in lines[:room]:
        session.add(ChatLine(conversation_id=conversation_id, role=line["role"], text=line["text"],
                             article_id=line["article_id"], at=now))
    conversation.line_count += min(room, len(lines))
    conversation.lang = lang
    session.flush()
    return view(session, conversation)


def find(session: Session, conversation_id: str) -> dict:
    conversation = session.get(ChatConversation, conversation_id)
    if conversation is None:
        raise NotFound("chatbot.conversation_not_found")
    return view(session, conversation)


def waiting(session: Session, queue: str | None) -> list[dict]:
    query = (sa.select(ChatConversation)
             .join(Contact, Contact.call_id == sa.cast(ChatConversation.conversation_id, sa.String))
             .where(Contact.channel == "chat", Contact.state == "waiting")
             .order_by(Contact.entered_queue_at))
    if queue:
        query = query.where(Contact.queue == queue)
    return [view(session, conversation) for conversation in session.scalars(query)]


def view(session: Session, conversation: ChatConversation) -> dict:
    contact = session.get(Contact, conversation.conversation_id)
    lines = session.scalars(sa.select(ChatLine).where(
        ChatLine.conversation_id == conversation.conversation_id).order_by(ChatLine.id))
    return {"conversation_id": conversation.conversation_id, "lang": conversation.lang,
            "started_at": conversation.started_at,
            "queue": contact.queue if contact else None,
            "state": contact.state if contact else None,
            "routed_at": contact.entered_queue_at if contact else None,
            "lines": [{"role": line.role, "text": line.text, "article_id": line.article_id,
                       "at": line.at} for line in lines]}
