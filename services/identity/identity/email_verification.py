"""E-mail verification by a 6-digit code or a one-use link, both valid for 24 hours.

A wrong code counts against a limit of 5; then the code is void and a new one must be
requested. Requests for a new code are limited per account.
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from identity import audit, codes, tokens
from identity.models import Account, EmailVerification
from portal_shared.contracts import identity as contract
from portal_shared.errors import NotFound, TooManyAttempts, ValidationFailed

LIFETIME = timedelta(hours=24)
RESEND_INTERVAL = timedelta(seconds=60)
MAX_SENDS_PER_DAY = 5


def start(uow, account: Account) -> None:
    """Void any open verification, create a new one and ask notifications to send it."""
    now = datetime.now(UTC)
    _close_open(uow.session, account.id, now)
    code, token = tokens.numeric_code(), tokens.url_token()
    verification = EmailVerification(
        account_id=account.id, email=account.email, code_hash=tokens.digest(code),
        token_hash=tokens.digest(token), created_at=now, expires_at=now + LIFETIME)
    uow.session.add(verification)
    uow.emit(contract.EMAIL_VERIFICATION_REQUESTED, account_id=account.id, email=account.email,
             first_name=account.first_name, language=account.language, code=code,
             link_token=token, expires_at=verification.expires_at.isoformat())


def resend(uow, account_id: str) -> None:
    account = uow.session.get(Account, str(account_id))
    if account is None:
        raise NotFound()
    if account.email_verified_at is not None:
        raise ValidationFailed({"account_id": ["email.already_verified"]})
    now = datetime.now(UTC)
    recent = uow.session.scalars(
        sa.select(EmailVerification.created_at).where(
            EmailVerification.account_id == account.id,
            EmailVerification.created_at > now - timedelta(days=1))
        .order_by(EmailVerification.created_at.desc())).all()
    if recent and recent[0] > now - RESEND_INTERVAL:
        raise TooManyAttempts("email.resend_too_soon",
                              int((recent[0] + RESEND_INTERVAL - now).total_seconds()) + 1)
    if len(recent) >= MAX_SENDS_PER_DAY:
        raise TooManyAttempts("email.resend_limit", int(timedelta(hours=1).total_seconds()))
    start(uow, account)


def verify_code(uow, account_id: str, code: str) -> Account:
    verification = _open_verification(uow.session, account_id)
    codes.check(uow, verification, code, account_id, "email_code_wrong")
    return _complete(uow, verification)


def verify_link(uow, token: str) -> Account:
    verification = uow.session.scalar(
        sa.select(EmailVerification).where(EmailVerification.token_hash == tokens.digest(token))
        .with_for_update())
    now = datetime.now(UTC)
    if verification is None or verification.closed_at is not None or verification.expires_at < now:
        raise ValidationFailed({"token": ["link.invalid_or_expired"]})
    return _complete(uow, verification)


def _open_verification(session: Session, account_id: str) -> EmailVerification | None:
    return session.scalar(
        sa.select(EmailVerification).where(
            EmailVerification.account_id == str(account_id),
            EmailVerification.closed_at.is_(None),
            EmailVerification.expires_at > datetime.now(UTC))
        .order_by(EmailVerification.created_at.desc()).limit(1).with_for_update())


def _complete(uow, verification: EmailVerification) -> Account:
    now = datetime.now(UTC)
    verification.closed_at = now
    account = uow.session.get(Account, verification.account_id, with_for_update=True)
    if account.email.lower() != verification.email.lower():
        raise ValidationFailed({"code": ["code.expired"]})  # the address changed since
    account.email_verified_at = now
    if account.level == "registered":
        account.level = "email_verified"
    audit.record(uow.session, "email_verified", actor=account.id, subject=account.id)
    uow.emit(contract.EMAIL_VERIFIED, account_id=account.id)
    return account


def _close_open(session: Session, account_id: str, now: datetime) -> None:
    session.execute(sa.update(EmailVerification).where(
        EmailVerification.account_id == account_id, EmailVerification.closed_at.is_(None))
        .values(closed_at=now))
