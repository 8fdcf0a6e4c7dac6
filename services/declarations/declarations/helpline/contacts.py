"""A contact's way through a queue: routed (waiting), answered, ended (completed or abandoned).

Every step is idempotent for the platform that reports it: a repeated report of the same step
returns the contact as it is; only a step that contradicts the state is a conflict."""
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from declarations.models import HelplineContact as Contact
from portal_shared.errors import Conflict, NotFound


def route(session: Session, call_id: str, queue: str, routed_by: str, channel: str) -> Contact:
    contact = session.get(Contact, call_id, with_for_update=True)
    if contact is None:
        contact = Contact(call_id=call_id, channel=channel, queue=queue, routed_by=routed_by,
                          state="waiting", entered_queue_at=datetime.now(UTC))
        session.add(contact)
    elif contact.state != "waiting":
        raise Conflict("contact.not_waiting")
    elif contact.queue != queue:  # a transfer: the wait goes on in the other queue
        contact.queue, contact.routed_by = queue, routed_by
    session.flush()
    return contact


def answered(session: Session, call_id: str) -> Contact:
    contact = _locked(session, call_id)
    if contact.state == "waiting":
        contact.state, contact.answered_at = "answered", datetime.now(UTC)
    elif contact.state != "answered":
        raise Conflict("contact.not_waiting")
    return contact


def ended(session: Session, call_id: str) -> Contact:
    contact = _locked(session, call_id)
    if contact.state in ("waiting", "answered"):
        contact.state = "abandoned" if contact.state == "waiting" else "completed"
        contact.ended_at = datetime.now(UTC)
    return contact


def view(contact: Contact) -> dict:
    return {"call_id": contact.call_id, "channel": contact.channel, "queue": contact.queue,
            "routed_by": contact.routed_by, "state": contact.state,
            "entered_queue_at": contact.entered_queue_at, "answered_at": contact.answered_at,
            "ended_at": contact.ended_at}


def _locked(session: Session, call_id: str) -> Contact:
    contact = session.get(Contact, call_id, with_for_update=True)
    if contact is None:
        raise NotFound("contact.not_found")
    return contact
