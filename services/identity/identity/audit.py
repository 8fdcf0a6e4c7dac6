"""The append-only audit log of security events."""
from sqlalchemy.orm import Session

from identity.models import AuditEvent


def record(session: Session, action: str, *, actor: str, subject: str | None = None,
           source: str | None = None, **details) -> None:
    session.add(AuditEvent(action=action, actor=actor, subject=subject, source=source,
                           details=details))
