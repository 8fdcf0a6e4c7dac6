"""Mobile number verification by a 6-digit SMS code, at registration and on every change (seed 004).

The same limits as the e-mail code: 5 wrong tries void it, a new one at most every 60 s and
5 a day per account. Sending is also limited per number, whoever asks, so nobody can flood a
stranger's phone by registering accounts with it. A code lives 15 minutes (an SMS is read at
once; GOV.UK One Login uses the same). A new number replaces the account's only once verified,
so a typo never loses the working one.
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from identity import audit, codes, email_verification, tokens
from identity.models import Account, PhoneVerification
from portal_shared.contracts import identity as contract
from portal_shared.errors import NotFound, TooManyAttempts, ValidationFailed

LIFETIME = timedelta(minutes=15)
RESEND_INTERVAL = email_verification.RESEND_INTERVAL
MAX_SENDS_PER_DAY = email_verification.MAX_SENDS_PER_DAY
MAX_SENDS_PER_NUMBER_PER_HOUR = 3
MAX_SENDS_PER_NUMBER_PER_DAY = 10


def start(uow, account: Account, phone: str, *, at_registration: bool = False) -> None:
    """Send a code for `phone`, voiding the account's open one.

    At registration a number already at its limit gets no code (the account is created and the
    owner can ask again later), instead of refusing a registration whose CAPTCHA is spent.
    """
    now = datetime.now(UTC)
    try:
        _refuse_over_limits(uow.session, account.id, phone, now)
    except TooManyAttempts:
        if not at_registration:
            raise
        audit.record(uow.session, "phone_code_withheld", actor=account.id, subject=account.id, phone=phone)
        return
    _close_open(uow.session, account.id, now)
    code = tokens.numeric_code()
    verification = PhoneVerification(account_id=account.id, phone=phone, code_hash=tokens.digest(code),
                                     created_at=now, expires_at=now + LIFETIME, failed_attempts=0)
    uow.session.add(verification)
    audit.record(uow.session, "phone_code_sent", actor=account.id, subject=account.id, phone=phone)
    uow.emit(contract.PHONE_VERIFICATION_REQUESTED, account_id=account.id, phone=phone,
             language=account.language, code=code, expires_at=verification.expires_at.isoformat())


def resend(uow, account_id: str) -> None:
    account = uow.session.get(Account, str(account_id), with_for_update=True)
    if account is None:
        raise NotFound()
    pending = _latest(uow.session, account.id)
    if pending is not None and pending.closed_at is None:
        phone = pending.phone
    elif account.phone_verified_at is None:
        phone = account.phone
    else:
        raise ValidationFailed({"account_id": ["phone.already_verified"]})
    start(uow, account, phone)


def verify_code(uow, account_id: str, code: str) -> Account:
    verification = _open_verification(uow.session, account_id)
    codes.check(uow, verification, code, account_id, "phone_code_wrong")
    return _complete(uow, verification)


def _complete(uow, verification: PhoneVerification) -> Account:
    now = datetime.now(UTC)
    verification.closed_at = now
    account = uow.session.get(Account, verification.account_id, with_for_update=True)
    old = account.phone if account.phone_verified_at else None
    account.phone, account.phone_verified_at = verification.phone, now
    audit.record(uow.session, "phone_verified", actor=account.id, subject=account.id,
                 old_value=old, new_value=verification.phone)
    return account


def _refuse_over_limits(session: Session, account_id: str, phone: str, now: datetime) -> None:
    by_account = session.execute(
        sa.select(PhoneVerification.created_at, PhoneVerification.phone).where(
            PhoneVerification.account_id == account_id,
            PhoneVerification.created_at > now - timedelta(days=1))
        .order_by(PhoneVerification.created_at.desc())).all()
    # The interval is for sending again to the same number; a new number may be corrected at once.
    if by_account and by_account[0].phone == phone and by_account[0].created_at > now - RESEND_INTERVAL:
        raise TooManyAttempts("phone.resend_too_soon",
                              int((by_account[0].created_at + RESEND_INTERVAL - now).total_seconds()) + 1)
    if len(by_account) >= MAX_SENDS_PER_DAY:
        raise TooManyAttempts("phone.resend_limit", 3600)
    by_number = session.scalars(
        sa.select(PhoneVerification.created_at).where(
            PhoneVerification.phone == phone, PhoneVerification.created_at > now - timedelta(days=1))).all()
    in_last_hour = [sent for sent in by_number if sent > now - timedelta(hours=1)]
    if len(in_last_hour) >= MAX_SENDS_PER_NUMBER_PER_HOUR or len(by_number) >= MAX_SENDS_PER_NUMBER_PER_DAY:
        raise TooManyAttempts("phone.number_limit", 3600)


def _latest(session: Session, account_id: str) -> PhoneVerification | None:
    return session.scalar(sa.select(PhoneVerification).where(PhoneVerification.account_id == account_id)
                          .order_by(PhoneVerification.created_at.desc()).limit(1))


def _open_verification(session: Session, account_id: str) -> PhoneVerification | None:
    return session.scalar(
        sa.select(PhoneVerification).where(
            PhoneVerification.account_id == str(account_id),
            PhoneVerification.closed_at.is_(None),
            PhoneVerification.expires_at > datetime.now(UTC))
        .order_by(PhoneVerification.created_at.desc()).limit(1).with_for_update())


def _close_open(session: Session, account_id: str, now: datetime) -> None:
    session.execute(sa.update(PhoneVerification).where(
        PhoneVerification.account_id == account_id, PhoneVerification.closed_at.is_(None))
        .values(closed_at=now))
