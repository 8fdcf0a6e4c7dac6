"""Every message is stored with its status and attempts before anything is sent."""
import uuid
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_shared.db import outbox_tables
from portal_shared.staff_audit import staff_audit_table


class Base(DeclarativeBase):
    pass


outbox_tables(Base.metadata)
staff_audit_table(Base.metadata)

STATUSES = ("queued", "sending", "sent", "delivered", "failed")


def new_id() -> str:
    return str(uuid.uuid4())


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id)
    # One message per (cause, type, channel, recipient): a redelivered event cannot make a second.
    cause_id: Mapped[str] = mapped_column(sa.Text)
    message_type: Mapped[str] = mapped_column(sa.Text)
    channel: Mapped[str] = mapped_column(sa.Text)
    recipient: Mapped[str] = mapped_column(sa.Text)  # e-mail address, phone number or push endpoint
    account_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False), index=True)
    language: Mapped[str] = mapped_column(sa.String(2))
    subject: Mapped[str] = mapped_column(sa.Text)     # e-mail subject; push title
    body_text: Mapped[str] = mapped_column(sa.Text)   # e-mail text; SMS text; push body
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    link: Mapped[str | None] = mapped_column(sa.Text)  # push: where a click leads
    urgent: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    not_before: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))  # quiet hours
    provider_id: Mapped[str | None] = mapped_column(sa.Text)  # the operator's id (SMS reports)
    status: Mapped[str] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    history: Mapped[list] = mapped_column(JSONB, default=list)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now(),
                                                 onupdate=sa.func.now())


class Attachment(Base):
    __tablename__ = "message_attachments"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    message_id: Mapped[str] = mapped_column(UUID(as_uuid=False), sa.ForeignKey("messages.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(sa.Text)
    content_type: Mapped[str] = mapped_column(sa.Text)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class Preferences(Base):
    """What a person agreed to and when they do not want to be disturbed (Europe/Warsaw)."""
    __tablename__ = "preferences"

    account_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    sms: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    push: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    language: Mapped[str | None] = mapped_column(sa.String(2))
    quiet_from: Mapped[time | None] = mapped_column(sa.Time)
    quiet_until: Mapped[time | None] = mapped_column(sa.Time)


class PushSubscription(Base):
    __tablename__ = "push_subscriptions"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    endpoint: Mapped[str] = mapped_column(sa.Text, unique=True)
    p256dh: Mapped[str] = mapped_column(sa.Text)
    auth: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())


class KnownContact(Base):
    """Which taxpayer id an account stands for, learnt from identity's contacts, so events that
    carry only an account id can ask identity for current consents."""
    __tablename__ = "known_contacts"

    account_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    subject: Mapped[str] = mapped_column(sa.Text)


class SchedulerRun(Base):
    """One row per job run: the unique key makes a run happen once across replicas."""
    __tablename__ = "scheduler_runs"

    job: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    run_key: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    status: Mapped[str] = mapped_column(sa.Text)  # running, finished, failed
    claimed_by: Mapped[str] = mapped_column(sa.Text)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    items: Mapped[int] = mapped_column(sa.Integer, default=0)


class DeferredEvent(Base):
    """An event whose handling failed (a service it needed was away): tried again later with
    backoff instead of being acknowledged and lost."""
    __tablename__ = "deferred_events"

    event_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    handler: Mapped[str] = mapped_column(sa.Text)
    payload: Mapped[dict] = mapped_column(JSONB)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=1)
    next_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(sa.Text)
