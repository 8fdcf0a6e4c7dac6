"""Events whose handling failed are kept and handled again later, with exponential backoff.

A handler that needs another service (identity's contacts, declarations' UPO) fails while that
service is away. nameko would acknowledge the event anyway, and the message would never be
sent; instead the event is stored here and a timer hands it to the same handler again.
Handling stays exactly-once: the processed-event record and the message uniqueness still apply.
"""
import functools
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects.postgresql import insert

from notifications.models import DeferredEvent

log = structlog.get_logger()
HANDLERS: dict[str, tuple] = {}  # handler name -> (event contract, undecorated handler)
MAX_ATTEMPTS = 12
MAX_DELAY = timedelta(hours=1)


def delay_after(attempts: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** (attempts - 1)), MAX_DELAY)


def retried_later(event_contract):
    """Put under `@handles(event)`: a failure stores the event for a later try."""
    def decorate(method):
        HANDLERS[method.__name__] = (event_contract, method)

        @functools.wraps(method)
        def handler(self, event):
            try:
                return method(self, event)
            except Exception as exc:  # whatever failed, the event must not be lost
                self.db.session.rollback()
                defer(self.db.session, method.__name__, event_contract.payload().dump(event), exc)
                self.db.commit()
                log.warning("event_deferred", event_type=event_contract.name, error=str(exc))
        return handler
    return decorate


def defer(session, handler: str, payload: dict, exc: Exception) -> None:
    table = DeferredEvent.__table__
    statement = insert(table).values(event_id=payload["event_id"], handler=handler, payload=payload, attempts=1,
                                     next_at=datetime.now(UTC) + delay_after(1), last_error=repr(exc)[:500])
    session.execute(statement.on_conflict_do_nothing(index_elements=["event_id"]))


def next_due(session) -> DeferredEvent | None:
    """One due event, locked (replicas skip each other's)."""
    return session.scalar(sa.select(DeferredEvent).where(
        DeferredEvent.next_at <= sa.func.now(), DeferredEvent.attempts < MAX_ATTEMPTS)
        .order_by(DeferredEvent.next_at).limit(1).with_for_update(skip_locked=True))


def retry_due(service, limit: int = 50) -> int:
    """Handle due deferred events again inside `service`'s unit of work; returns how many succeeded."""
    handled = 0
    session = service.db.session
    for _ in range(limit):
        row = next_due(session)
        if row is None:
            break
        event_id, attempts = row.event_id, row.attempts
        contract, method = HANDLERS[row.handler]
        try:
            event = contract.load(row.payload)
            if service.db.first_delivery(contract.name, event_id):
                method(service, event)
            session.execute(sa.delete(DeferredEvent).where(DeferredEvent.event_id == event_id))
            service.db.commit()
            handled += 1
        except Exception as exc:  # still failing: later, or never after MAX_ATTEMPTS (kept for staff)
            session.rollback()
            session.execute(sa.update(DeferredEvent).where(DeferredEvent.event_id == event_id).values(
                attempts=attempts + 1, last_error=repr(exc)[:500],
                next_at=datetime.now(UTC) + delay_after(attempts + 1)))
            service.db.commit()
    return handled
