"""Whom a session acts for: the account holder by default, or a principal by a valid mandate.

The choice lives with the session on the server; it is re-checked against the mandates on
every read, so a revoked or expired mandate ends it at once.
"""
from datetime import UTC, datetime

import sqlalchemy as sa

from identity import audit, mandates, sessions
from identity.models import Account, SessionSubject
from portal_shared.errors import Forbidden


def current(uow, token: str) -> dict:
    live = sessions._live_session(uow.session, token)
    chosen = uow.session.get(SessionSubject, live.id)
    if chosen is None:
        return _nobody()
    return _describe(uow.session, live.account_id, chosen.subject) or _nobody()


def switch(uow, token: str, subject: str | None, source: str | None = None) -> dict:
    live = sessions._live_session(uow.session, token)
    account = uow.session.get(Account, live.account_id)
    uow.session.execute(sa.delete(SessionSubject).where(SessionSubject.session_id == live.id))
    if subject is None or subject == account.pesel:
        audit.record(uow.session, "acting_for_self", actor=account.id, subject=account.id, source=source)
        return _nobody()
    described = _describe(uow.session, account.id, subject)
    if described is None:
        raise Forbidden()
    uow.session.add(SessionSubject(session_id=live.id, subject=subject, set_at=datetime.now(UTC)))
    audit.record(uow.session, "acting_for_set", actor=account.id, subject=subject, source=source,
                 mandate_id=described["mandate_id"])
    return described


def _describe(session, account_id: str, subject: str) -> dict | None:
    valid = [m for m in mandates.principals_of(session, account_id) if m["principal"] == subject]
    if not valid:
        return None
    first = valid[0]
    return {"subject": subject, "principal_name": first["principal_name"],
            "mandate_id": first["mandate_id"],
            "scopes": sorted({scope for m in valid for scope in m["scopes"]})}


def _nobody() -> dict:
    return {"subject": None, "principal_name": None, "mandate_id": None, "scopes": []}

