"""Storing a message, then sending it, with its status history.

The message row is committed before the provider is called (and the session is not held
across the call), so a crash mid-send leaves a `sending` record, never an unseen message.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from notifications.catalog import MessageType
from notifications.email_client import DeliveryError, PermanentFailure, SmtpClient
from notifications.models import Message


def queue_email(uow, *, cause_id: str, message_type: MessageType, recipient: str,
                account_id: str | None, rendered: dict) -> Message | None:
    """Store a queued message; None when this cause already produced one (a duplicate)."""
    now = datetime.now(UTC).isoformat()
    inserted = uow.session.execute(
        insert(Message).values(
            cause_id=cause_id, message_type=message_type.name, channel=message_type.channel,
            recipient=recipient, account_id=account_id, status="queued", attempts=0,
            history=[{"status": "queued", "at": now}], **rendered)
        .on_conflict_do_nothing(constraint="uq_messages_cause_type")
        .returning(Message.id)).scalar()
    return uow.session.get(Message, inserted) if inserted else None


def send_email(uow, client: SmtpClient, message_id: str) -> str:
    message = _transition(uow, message_id, "sending", count_attempt=True)
    email = client.build(message.recipient, message.subject, message.body_text,
                         message.body_html, message.id)
    uow.commit()
    try:
        client.send(email)
    except DeliveryError as exc:
        status = "failed" if isinstance(exc, PermanentFailure) else "queued"
        _transition(uow, message_id, status, error=str(exc))
        uow.commit()
        return status
    _transition(uow, message_id, "sent")
    uow.commit()
    return "sent"


def _transition(uow, message_id: str, status: str, *, count_attempt: bool = False,
                error: str | None = None) -> Message:
    message = uow.session.scalar(sa.select(Message).where(Message.id == message_id).with_for_update())
    entry = {"status": status, "at": datetime.now(UTC).isoformat()}
    if error:
        entry["error"] = error
        message.last_error = error
    message.status = status
    message.history = [*message.history, entry]
    if count_attempt:
        message.attempts += 1
    return message
