"""The helpline's tables: contacts in queues, the surveys after them, chatbot transcripts. No tax
data and no caller identity here: a contact is known by the telephony platform's call id (a
chat's by its conversation id)."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_shared.db import outbox_tables


class Base(DeclarativeBase):
    pass


outbox_tables(Base.metadata)


class Contact(Base):
    __tablename__ = "contacts"

    call_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.Text)
    queue: Mapped[str] = mapped_column(sa.Text)
    routed_by: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.Text)
    entered_queue_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class SurveyResponse(Base):
    __tablename__ = "survey_responses"

    call_id: Mapped[str] = mapped_column(sa.ForeignKey("contacts.call_id"), primary_key=True)
    rating: Mapped[int] = mapped_column(sa.SmallInteger)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class ChatConversation(Base):
    __tablename__ = "chat_conversations"

    conversation_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    lang: Mapped[str] = mapped_column(sa.Text)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    line_count: Mapped[int] = mapped_column(sa.Integer, default=0)


class ChatLine(Base):
    __tablename__ = "chat_lines"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        UUID(as_uuid=False), sa.ForeignKey("chat_conversations.conversation_id"))
    role: Mapped[str] = mapped_column(sa.Text)
    text: Mapped[str] = mapped_column(sa.Text)
    article_id: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
