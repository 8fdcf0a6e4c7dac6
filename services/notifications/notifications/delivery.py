"""Storing messages, then sending them, with their status history.

Messages are committed as `queued` before any provider is called. A sender *claims* them
(`queued` -> `sending`, one attempt more) in its own short transaction, talks to the
providers without holding a database session open, then records each outcome: `sent`, or
for a temporary failure `queued` again with a delayed requeue through RabbitMQ (bounded by
the configured delays, then `failed`), or `failed` for a permanent one. Claiming only
`queued` rows makes a redelivered or duplicate send request a no-op.
"""
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from notifications.catalog import EMAIL, MESSAGE_TYPES, PUSH, SMS, MessageType
from notifications.failures import DeliveryError, PermanentFailure, TemporaryFailure
from notifications.models import Attachment, Message, PushSubscription, new_id
from notifications.push_client import SubscriptionGone

RATE_LIMITED = "rate_limited"


@dataclass
class Draft:
    """One message for one recipient on one channel, rendered and ready to store."""
    cause_id: str
    message_type: MessageType
    channel: str
    recipient: str
    account_id: str | None
    rendered: dict
    link: str | None = None
    not_before: datetime | None = None
    attachments: list = field(default_factory=list)  # (filename, content_type, bytes)

    def row(self, now: datetime) -> dict:
        parts = self.rendered
        subject, body, html = {
            EMAIL: (parts.get("subject"), parts.get("text"), parts.get("html")),
            SMS: ("", parts.get("sms"), None),
            PUSH: (parts.get("push_title"), parts.get("push_body"), None),
        }[self.channel]
        entry = {"status": "queued", "at": now.isoformat()}
        if self.not_before:
            entry["deferred_until"] = self.not_before.isoformat()
        return {"id": new_id(), "cause_id": self.cause_id, "message_type": self.message_type.name,
                "channel": self.channel, "recipient": self.recipient, "account_id": self.account_id,
                "language": parts["language"], "subject": subject or "", "body_text": body or "",
                "body_html": html, "link": self.link, "urgent": self.message_type.urgent,
                "not_before": self.not_before, "status": "queued", "attempts": 0, "history": [entry]}


def queue(session, drafts: list[Draft]) -> list[str]:
    """Store drafts in bulk; returns the ids of the new ones (duplicates of a cause are skipped)."""
    if not drafts:
        return []
    now = datetime.now(UTC)
    rows = [draft.row(now) for draft in drafts]
    table = Message.__table__  # Core executemany: one cached statement, batched by the driver
    inserted = set(session.scalars(
        insert(table).on_conflict_do_nothing(constraint="uq_messages_cause_type_channel_recipient")
        .returning(table.c.id), rows).all())
    attachments = [{"message_id": row["id"], "filename": name, "content_type": kind, "data": data}
                   for row, draft in zip(rows, drafts, strict=True) if row["id"] in inserted
                   for name, kind, data in draft.attachments]
    if attachments:
        session.execute(sa.insert(Attachment), attachments)
    return [row["id"] for row in rows if row["id"] in inserted]


def within_rate_limit(session, account_id: str, channel: str, limit: int) -> bool:
    """Fewer than `limit` codes to this person on this channel in the last hour? Serialised
    per person and channel, so a burst of parallel requests cannot slip past the count."""
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(
        sa.func.hashtext(f"notifications-codes:{account_id}:{channel}"))))
    limited = [t.name for t in MESSAGE_TYPES.values() if t.rate_limited]
    recent = session.scalar(sa.select(sa.func.count()).select_from(Message).where(
        Message.account_id == account_id, Message.channel == channel,
        Message.message_type.in_(limited),
        Message.created_at > sa.func.now() - sa.text("interval '1 hour'"),
        Message.last_error.is_distinct_from(RATE_LIMITED)))
    return recent < limit


def refuse(session, draft: Draft, reason: str) -> str | None:
    """Record a message that will not be sent (e.g. over the rate limit), visible to staff."""
    row = draft.row(datetime.now(UTC))
    row.update(status="failed", last_error=reason,
               history=[{"status": "failed", "at": datetime.now(UTC).isoformat(), "error": reason}])
    return session.scalar(insert(Message).values(row)
                          .on_conflict_do_nothing(constraint="uq_messages_cause_type_channel_recipient")
                          .returning(Message.id))


def _history_entry(status: str, error: str | None = None, **extra):
    pairs = ["status", status, "at", sa.func.now()]
    if error:
        pairs += ["error", error]
    for key, value in extra.items():
        pairs += [key, value]
    return sa.func.jsonb_build_array(sa.func.jsonb_build_object(*pairs))


def claim(session, message_ids: list[str]) -> list:
    """Take queued, due messages for sending (one attempt more); others are left alone."""
    return session.execute(
        sa.update(Message)
        .where(Message.id.in_(message_ids), Message.status == "queued",
               sa.or_(Message.not_before.is_(None),
                      Message.not_before <= sa.func.now() + sa.text("interval '5 seconds'")))
        .values(status="sending", attempts=Message.attempts + 1, updated_at=sa.func.now(),
                history=Message.history.op("||")(_history_entry("sending")))
        .returning(Message.id, Message.channel, Message.recipient, Message.subject, Message.body_text,
                   Message.body_html, Message.link, Message.attempts)).all()


@dataclass
class Outcome:
    status: str  # sent, retry, failed
    error: str | None = None
    provider_id: str | None = None


def send_claimed(session_factory, channels, claimed: list) -> dict[str, Outcome]:
    """Talk to the providers; one SMTP connection serves every e-mail of the batch."""
    by_channel = defaultdict(list)
    for message in claimed:
        by_channel[message.channel].append(message)
    outcomes = {}
    if by_channel[EMAIL]:
        outcomes.update(_send_emails(session_factory, channels.email, by_channel[EMAIL]))
    for message in by_channel[SMS]:
        outcomes[message.id] = _attempt(lambda m=message: Outcome(
            "sent", provider_id=channels.sms.send(m.recipient, m.body_text, m.id) or None))
    if by_channel[PUSH]:
        outcomes.update(_send_pushes(session_factory, channels.push, by_channel[PUSH]))
    return outcomes


def _attempt(send) -> Outcome:
    try:
        return send()
    except TemporaryFailure as exc:
        return Outcome("retry", str(exc))
    except PermanentFailure as exc:
        return Outcome("failed", str(exc))


def _send_emails(session_factory, client, messages) -> dict[str, Outcome]:
    with session_factory() as session:
        files = defaultdict(list)
        for row in session.execute(sa.select(Attachment.message_id, Attachment.filename,
                                             Attachment.content_type, Attachment.data)
                                   .where(Attachment.message_id.in_([m.id for m in messages]))):
            files[row.message_id].append((row.filename, row.content_type, row.data))
    emails = [client.build(m.recipient, m.subject, m.body_text, m.body_html, m.id, files[m.id]) for m in messages]
    try:
        with client.connection() as connection:
            fates = connection.send_all(emails)
    except DeliveryError as exc:  # no connection: every message waits
        return {m.id: Outcome("retry", str(exc)) for m in messages}
    return {m.id: _outcome(fate) for m, fate in zip(messages, fates, strict=True)}


def _outcome(failure: Exception | None) -> Outcome:
    if failure is None:
        return Outcome("sent")
    return Outcome("retry" if isinstance(failure, TemporaryFailure) else "failed", str(failure))


def _send_pushes(session_factory, client, messages) -> dict[str, Outcome]:
    with session_factory() as session:
        subscriptions = {s.endpoint: s for s in session.scalars(sa.select(PushSubscription).where(
            PushSubscription.endpoint.in_([m.recipient for m in messages])))}
    outcomes, gone = {}, []
    for m in messages:
        subscription = subscriptions.get(m.recipient)
        if subscription is None:
            outcomes[m.id] = Outcome("failed", "push subscription removed")
            continue
        info = {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh,
                                                             "auth": subscription.auth}}
        try:
            client.send(info, m.subject, m.body_text, m.link, m.id)
            outcomes[m.id] = Outcome("sent")
        except SubscriptionGone as exc:
            gone.append(subscription.endpoint)
            outcomes[m.id] = Outcome("failed", str(exc))
        except TemporaryFailure as exc:
            outcomes[m.id] = Outcome("retry", str(exc))
        except PermanentFailure as exc:
            outcomes[m.id] = Outcome("failed", str(exc))
    if gone:  # the browser dropped them: never push there again
        with session_factory() as session, session.begin():
            session.execute(sa.delete(PushSubscription).where(PushSubscription.endpoint.in_(gone)))
    return outcomes


def record(session, claimed: list, outcomes: dict[str, Outcome], retry_delays_ms: tuple[int, ...]
           ) -> dict[int, list[str]]:
    """Store what happened; returns the ids to requeue, by delay in milliseconds."""
    sent = [m.id for m in claimed if outcomes[m.id].status == "sent" and not outcomes[m.id].provider_id]
    if sent:
        session.execute(sa.update(Message).where(Message.id.in_(sent), Message.status == "sending").values(
            status="sent", updated_at=sa.func.now(), history=Message.history.op("||")(_history_entry("sent"))))
    retries = defaultdict(list)
    for message in claimed:
        outcome = outcomes[message.id]
        if outcome.status == "sent" and outcome.provider_id:
            _set(session, message.id, "sent", provider_id=outcome.provider_id)
        elif outcome.status == "retry" and message.attempts <= len(retry_delays_ms):
            delay = retry_delays_ms[message.attempts - 1]
            _set(session, message.id, "queued", error=outcome.error, retry_in_ms=delay,
                 not_before=datetime.now(UTC) + timedelta(milliseconds=delay))
            retries[delay].append(message.id)
        elif outcome.status != "sent":
            _set(session, message.id, "failed", error=outcome.error)
    return retries


def _set(session, message_id: str, status: str, *, error: str | None = None, retry_in_ms: int | None = None,
         **values) -> None:
    extra = {"retry_in_ms": retry_in_ms} if retry_in_ms is not None else {}
    if error:
        values["last_error"] = error
    # Only from `sending`: a delivery report may have overtaken this record.
    session.execute(sa.update(Message).where(Message.id == message_id, Message.status == "sending").values(
        status=status, updated_at=sa.func.now(),
        history=Message.history.op("||")(_history_entry(status, error, **extra)), **values))


def deliver(session_factory, channels, requeue, message_ids: list[str], retry_delays_ms) -> dict[str, Outcome]:
    """Claim, send and record one batch; schedules the retries through RabbitMQ."""
    with session_factory() as session, session.begin():
        claimed = claim(session, message_ids)
    if not claimed:
        return {}
    outcomes = send_claimed(session_factory, channels, claimed)
    with session_factory() as session, session.begin():
        retries = record(session, claimed, outcomes, retry_delays_ms)
    for delay_ms, ids in retries.items():
        requeue.send(ids, delay_ms=delay_ms)
    return outcomes


def mark_reported(session, provider_id: str, idx: str | None, status: str, detail: str) -> bool:
    """An operator's delivery report: `delivered`, or `failed` after the operator gave up.

    A fast operator may report before the sender has recorded `sent` (and the operator's id):
    the report then finds the message by `idx`, our own id, which the operator echoes."""
    found = sa.select(Message).where(Message.channel == SMS).with_for_update()
    message = session.scalar(found.where(Message.provider_id == provider_id))
    if message is None and idx and _is_uuid(idx):
        message = session.scalar(found.where(Message.id == idx))
    if message is None or message.status not in ("sending", "sent") or status == "sent":
        return False
    now = datetime.now(UTC).isoformat()
    entries = [{"status": "sent", "at": now}] if message.status == "sending" else []
    entries.append({"status": status, "at": now, "report": detail})
    message.status, message.provider_id, message.history = status, provider_id, [*message.history, *entries]
    if status == "failed":
        message.last_error = detail
    return True


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def release_waiting(session, requeue_after_seconds: int, resend_after_seconds: int,
                    limit: int = 1000) -> list[str]:
    """Messages that no queue will bring back, handed to the senders again: queued ones whose
    time has come (deferred by quiet hours, or lost between commit and publish) and quiet for
    `requeue_after_seconds`, and sends interrupted by a crash (`sending` for
    `resend_after_seconds`: sent again at least once; the SMS operator drops a repeat by its idx,
    a mail system by its Message-ID)."""
    ids = session.scalars(
        sa.select(Message.id).where(sa.or_(
            sa.and_(Message.status == "queued",
                    sa.func.coalesce(Message.not_before, Message.updated_at)
                    < sa.func.now() - timedelta(seconds=requeue_after_seconds)),
            sa.and_(Message.status == "sending",
                    Message.updated_at < sa.func.now() - timedelta(seconds=resend_after_seconds))))
        .limit(limit).with_for_update(skip_locked=True)).all()
    if ids:
        session.execute(sa.update(Message).where(Message.id.in_(ids), Message.status == "sending").values(
            status="queued", history=Message.history.op("||")(_history_entry("queued", "interrupted send"))))
        session.execute(sa.update(Message).where(Message.id.in_(ids)).values(not_before=None, updated_at=sa.func.now()))
    return list(ids)
