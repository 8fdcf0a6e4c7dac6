"""Declarations' tables: drafts, attachments, submissions with their UPO, cases and letters.

Submitted records are the taxpayer's and the office's: they stay when an account is deleted
(only its drafts go). Bytes as signed are kept exactly as received, with their digests.
"""
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_shared.db import outbox_tables
from portal_shared.staff_audit import staff_audit_table

TS = sa.DateTime(timezone=True)


class Base(DeclarativeBase):
    pass


outbox_tables(Base.metadata)
staff_audit_table(Base.metadata)


def _uuid() -> str:
    return str(uuid.uuid4())


class Draft(Base):
    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    account_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    subject: Mapped[str] = mapped_column(sa.String(11))
    form_code: Mapped[str] = mapped_column(sa.Text)
    form_version: Mapped[str] = mapped_column(sa.Text)
    data: Mapped[dict] = mapped_column(JSONB, default=dict)
    saved_steps: Mapped[list] = mapped_column(JSONB, default=list)
    current_step: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.Text, default="open")  # open, submitted
    created_at: Mapped[datetime] = mapped_column(TS)
    updated_at: Mapped[datetime] = mapped_column(TS)
    expires_at: Mapped[datetime] = mapped_column(TS, index=True)


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    account_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    draft_id: Mapped[str | None] = mapped_column(sa.ForeignKey("drafts.id", ondelete="SET NULL"), index=True)
    case_id: Mapped[str | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.Text)
    media_type: Mapped[str] = mapped_column(sa.Text)
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(TS)


class Declaration(Base):
    """A submission as received: the document, the signed structure, and how it was signed."""
    __tablename__ = "declarations"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    draft_id: Mapped[str | None] = mapped_column(sa.ForeignKey("drafts.id", ondelete="SET NULL"))
    account_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    submitter_pesel: Mapped[str | None] = mapped_column(sa.String(11))
    submitter_name: Mapped[str] = mapped_column(sa.Text)
    subject: Mapped[str] = mapped_column(sa.String(11), index=True)
    mandate_id: Mapped[str | None] = mapped_column(sa.Text)
    form_code: Mapped[str] = mapped_column(sa.Text)
    form_version: Mapped[str] = mapped_column(sa.Text)
    data: Mapped[dict] = mapped_column(JSONB)
    computed: Mapped[dict] = mapped_column(JSONB)
    document: Mapped[bytes] = mapped_column(sa.LargeBinary)          # canonical form XML
    signed_structure: Mapped[bytes] = mapped_column(sa.LargeBinary)  # exactly as received
    signing_method: Mapped[str] = mapped_column(sa.Text)
    signer: Mapped[str] = mapped_column(sa.Text)
    digest_algorithm: Mapped[str] = mapped_column(sa.Text)
    document_digest: Mapped[str] = mapped_column(sa.Text)
    structure_digest: Mapped[str] = mapped_column(sa.Text)
    idempotency_key: Mapped[str] = mapped_column(sa.Text)
    received_at: Mapped[datetime] = mapped_column(TS)

    __table_args__ = (sa.UniqueConstraint("account_id", "idempotency_key",
                                          name="uq_declarations_idempotency"),)


class Upo(Base):
    __tablename__ = "upos"

    declaration_id: Mapped[str] = mapped_column(sa.ForeignKey("declarations.id"), primary_key=True)
    reference: Mapped[str] = mapped_column(sa.Text, unique=True)
    xml: Mapped[bytes] = mapped_column(sa.LargeBinary)
    xml_sha256: Mapped[str] = mapped_column(sa.String(64))
    issued_at: Mapped[datetime] = mapped_column(TS)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    declaration_id: Mapped[str] = mapped_column(sa.ForeignKey("declarations.id"), unique=True)
    account_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    subject: Mapped[str] = mapped_column(sa.String(11))
    form_code: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(TS)
    updated_at: Mapped[datetime] = mapped_column(TS)


class CaseEntry(Base):
    """The case's history: status changes, the office's requests, the taxpayer's answers."""
    __tablename__ = "case_entries"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    case_id: Mapped[str] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(TS)
    kind: Mapped[str] = mapped_column(sa.Text)  # status, answer
    author: Mapped[str] = mapped_column(sa.Text)  # taxpayer, office
    actor_account_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    old_status: Mapped[str | None] = mapped_column(sa.Text)
    new_status: Mapped[str | None] = mapped_column(sa.Text)
    text: Mapped[str | None] = mapped_column(sa.Text)
    attachment_ids: Mapped[list] = mapped_column(JSONB, default=list)


class Letter(Base):
    __tablename__ = "letters"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    case_id: Mapped[str | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    account_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    sender_account_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
    subject_line: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    channel: Mapped[str] = mapped_column(sa.Text)  # portal (e-correspondence) or paper
    sent_at: Mapped[datetime] = mapped_column(TS)
    deemed_delivered_at: Mapped[datetime] = mapped_column(TS, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(TS)
    delivery_how: Mapped[str | None] = mapped_column(sa.Text)  # opened, deemed_after_14_days


# --- the helpline: contacts in thematic queues, the surveys after them, chatbot transcripts ------
# A helpline contact is correspondence with the office, so it lives with cases and letters; no tax
# data and no caller identity here: a contact is known by the telephony platform's call id (a
# chat's by its conversation id).


class HelplineContact(Base):
    __tablename__ = "helpline_contacts"

    call_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.Text)
    queue: Mapped[str] = mapped_column(sa.Text)
    routed_by: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.Text)
    entered_queue_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class SurveyResponse(Base):
    __tablename__ = "helpline_survey_responses"

    call_id: Mapped[str] = mapped_column(sa.ForeignKey("helpline_contacts.call_id"), primary_key=True)
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
