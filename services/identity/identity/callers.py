"""What a consultant may read after a caller proved who they are (phone + telePIN): the caller's
own data and their principals' within each mandate's scopes, for a short while. The services that
own the data ask `access` before they show a consultant anything (tax secrecy)."""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from identity.models import Account, CallerVerification
from portal_shared.authz import SCOPES

VERIFICATION_MINUTES = 30  # about one conversation


def grant(session: Session, consultant_account_id: str, caller: Account, principals: list[dict]) -> dict:
    now = datetime.now(UTC)
    subjects = {caller.pesel: list(SCOPES), **{p["principal"]: list(p["scopes"]) for p in principals}}
    verification = CallerVerification(consultant_account_id=consultant_account_id, caller_account_id=caller.id,
                                      subjects=subjects, created_at=now,
                                      expires_at=now + timedelta(minutes=VERIFICATION_MINUTES))
    session.add(verification)
    session.flush()
    return {"verification_id": verification.id, "expires_at": verification.expires_at}


def access(session: Session, consultant_account_id: str, verification_id: str, subject: str) -> dict:
    """The scopes this consultant has on `subject` by this verification (none once it expired)."""
    verification = session.get(CallerVerification, str(verification_id))
    live = (verification is not None and verification.consultant_account_id == str(consultant_account_id)
            and verification.expires_at > datetime.now(UTC))
    scopes = verification.subjects.get(subject, []) if live else []
    return {"allowed": "view" in scopes, "scopes": scopes,
            "caller_account_id": verification.caller_account_id if live else None}


def purge_expired(session: Session) -> int:
    """An expired verification opens nothing; the look-ups it allowed stay in the audits."""
    return session.execute(sa.delete(CallerVerification).where(
        CallerVerification.expires_at < datetime.now(UTC))).rowcount
