"""What staff may do with messages: preview a type, see one, queue a failed one again; and
forgetting a deleted account's personal data."""
from datetime import UTC, datetime

import sqlalchemy as sa
from jinja2 import TemplateError

from notifications import templates
from notifications.catalog import MESSAGE_TYPES
from notifications.models import Attachment, KnownContact, Message, Preferences, PushSubscription
from portal_shared.errors import Conflict, NotFound, ValidationFailed

REMOVED = "[usunięto]"


def preview(type_name: str, language: str, context: dict | None) -> dict:
    message_type = MESSAGE_TYPES.get(type_name)
    if message_type is None:
        raise ValidationFailed({"message_type": ["message_type.unknown"]})
    try:
        rendered = templates.render(message_type, language, **{**message_type.sample, **(context or {})})
    except (TypeError, ValueError, TemplateError) as exc:
        raise ValidationFailed({"context": [str(exc)]}) from None
    return {"message_type": type_name, "channels": list(message_type.channels), **rendered}


def message(session, message_id: str) -> Message:
    found = session.get(Message, message_id)
    if found is None:
        raise NotFound()
    return found


def requeue_failed(session, message_id: str, staff_account_id: str) -> Message:
    found = session.scalar(sa.select(Message).where(Message.id == message_id).with_for_update())
    if found is None:
        raise NotFound()
    if found.status != "failed":
        raise Conflict("message.not_failed")
    found.status, found.attempts, found.not_before = "queued", 0, None
    found.history = [*found.history, {"status": "queued", "at": datetime.now(UTC).isoformat(),
                                      "retried_by": staff_account_id}]
    return found


def forget_account(session, account_id: str) -> int:
    """Keep the delivery record (what was sent when) but not who it went to or what it said."""
    ids = session.scalars(sa.select(Message.id).where(Message.account_id == account_id)).all()
    if ids:
        session.execute(sa.delete(Attachment).where(Attachment.message_id.in_(ids)))
        session.execute(sa.update(Message).where(Message.id.in_(ids)).values(
            recipient=REMOVED, subject=REMOVED, body_text=REMOVED, body_html=None, link=None,
            account_id=None))
    for model in (PushSubscription, Preferences, KnownContact):
        session.execute(sa.delete(model).where(model.account_id == account_id))
    return len(ids)
