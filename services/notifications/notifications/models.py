"""Every message is stored with its status and attempts before anything is sent."""
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_shared.db import outbox_tables


class Base(DeclarativeBase):
    pass


outbox_tables(Base.metadata)

STATUSES = ("queued", "sending", "sent", "delivered", "failed")


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True,
                                    default=lambda: str(uuid.uuid4()))
    # One message per (cause, type): a redelivered event cannot make a second one.
    cause_id: Mapped[str] = mapped_column(sa.Text)
    message_type: Mapped[str] = mapped_column(sa.Text)
    channel: Mapped[str] = mapped_column(sa.Text)
    recipient: Mapped[str] = mapped_column(sa.Text)
    account_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False), index=True)
    language: Mapped[str] = mapped_column(sa.String(2))
    subject: Mapped[str] = mapped_column(sa.Text)
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    history: Mapped[list] = mapped_column(JSONB, default=list)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())

    __table_args__ = (sa.UniqueConstraint("cause_id", "message_type", name="uq_messages_cause_type"),)
