"""Authentication levels (seed 000): registered -> email_verified -> authenticated.

Each raise to `authenticated` leaves a record of how, when and by whom, besides the audit
log. Tax data needs `authenticated`; every way of getting there must match the account's PESEL.
"""
from datetime import UTC, datetime

import sqlalchemy as sa

from identity import audit
from identity.models import Account, Authentication
from portal_shared.contracts import identity as contract
from portal_shared.errors import Conflict, NotFound, ValidationFailed

METHODS = ("trusted_profile", "qualified_signature", "in_person")


def authenticate(uow, account: Account, *, method: str, performed_by: str, evidence: dict,
                 actor: str, source: str | None = None) -> Authentication:
    """Raise an e-mail-verified account to `authenticated` and record how."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    require_can_authenticate(account)
    now = datetime.now(UTC)
    record = Authentication(account_id=account.id, method=method, performed_by=performed_by,
                            evidence=evidence, authenticated_at=now)
    uow.session.add(record)
    account.level = "authenticated"
    audit.record(uow.session, "account_authenticated", actor=actor, subject=account.id,
                 source=source, method=method, performed_by=performed_by)
    uow.emit(contract.ACCOUNT_AUTHENTICATED, account_id=account.id, method=method,
             authenticated_at=now.isoformat())
    return record


def require_can_authenticate(account: Account | None) -> None:
    if account is None:
        raise NotFound()
    if account.level == "authenticated":
        raise Conflict("level.already_authenticated")
    if account.level != "email_verified":
        raise Conflict("level.email_not_verified")


def require_pesel_match(account: Account, pesel: str | None, field: str) -> None:
    if pesel != account.pesel:
        raise ValidationFailed({field: ["authentication.pesel_mismatch"]})


def audit_refusal(uow, account_id: str, method: str, refusal: ValidationFailed, actor: str,
                  source: str | None = None) -> None:
    """A refused try to authenticate is a security event: record it, and keep the record."""
    uow.session.rollback()
    audit.record(uow.session, "authentication_refused", actor=actor, subject=str(account_id),
                 source=source, method=method, reasons=refusal.field_errors)
    uow.commit()


def locked_account(session, account_id: str) -> Account:
    account = session.get(Account, str(account_id), with_for_update=True)
    if account is None:
        raise NotFound()
    return account


def history(session, account_id: str) -> list[dict]:
    records = session.scalars(sa.select(Authentication).where(
        Authentication.account_id == str(account_id)).order_by(Authentication.authenticated_at)).all()
    return [{"method": r.method, "performed_by": r.performed_by, "evidence": r.evidence,
             "authenticated_at": r.authenticated_at} for r in records]
