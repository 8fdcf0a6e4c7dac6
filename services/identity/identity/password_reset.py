"""Forgotten password by an individual one-use e-mail link (seed 004), and password change.

The request answers the same whether or not the login exists, and whether or not a link went
out: a per-account limit drops extra requests silently, and the only refusal (too many requests
from one client address) does not depend on the login asked for.
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from identity import audit, passwords, sessions, throttling, tokens
from identity.models import Account, PasswordReset
from portal_shared.contracts import identity as contract
from portal_shared.errors import Forbidden, TooManyAttempts, ValidationFailed

LIFETIME = timedelta(hours=1)
MAX_LINKS_PER_ACCOUNT_PER_HOUR = 3
MAX_REQUESTS_PER_ADDRESS_PER_HOUR = 10


def request(uow, login_or_email: str, client_address: str | None) -> None:
    session = uow.session
    if client_address and not throttling.count_event(
            session, f"reset:{client_address}", MAX_REQUESTS_PER_ADDRESS_PER_HOUR, timedelta(hours=1)):
        raise TooManyAttempts("password_reset.too_many", 3600)
    wanted = login_or_email.strip().lower()
    account = session.scalar(sa.select(Account).where(sa.or_(
        sa.func.lower(Account.login) == wanted, sa.func.lower(Account.email) == wanted)).with_for_update())
    if account is None or account.demo or _links_in_last_hour(session, account.id) >= MAX_LINKS_PER_ACCOUNT_PER_HOUR:
        audit.record(session, "password_reset_ignored", actor="anonymous", subject=account and account.id,
                     source=client_address)
        return
    now = datetime.now(UTC)
    _close_open(session, account.id, now)
    token = tokens.url_token()
    reset = PasswordReset(account_id=account.id, token_hash=tokens.digest(token), requested_from=client_address,
                          created_at=now, expires_at=now + LIFETIME)
    session.add(reset)
    audit.record(session, "password_reset_requested", actor="anonymous", subject=account.id, source=client_address)
    uow.emit(contract.PASSWORD_RESET_REQUESTED, account_id=account.id, email=account.email,
             first_name=account.first_name, language=account.language, link_token=token,
             expires_at=reset.expires_at.isoformat())


def complete(uow, token: str, new_password: str, client_address: str | None) -> int:
    """Set the new password; every session ends. Returns how many ended."""
    session = uow.session
    now = datetime.now(UTC)
    reset = session.scalar(sa.select(PasswordReset).where(
        PasswordReset.token_hash == tokens.digest(token)).with_for_update())
    if reset is None or reset.closed_at is not None or reset.expires_at < now:
        raise ValidationFailed({"token": ["link.invalid_or_expired"]})
    account = session.get(Account, reset.account_id, with_for_update=True)
    _refuse_weak(account, new_password, "password")
    account.password_hash = passwords.hash_password(new_password)
    _close_open(session, account.id, now)
    ended = sessions.end_sessions_of(session, account.id)
    throttling.clear(session, throttling.login_key(account.login))  # the owner is back in
    audit.record(session, "password_reset_completed", actor=account.id, subject=account.id,
                 source=client_address, sessions_ended=ended)
    _tell_owner(uow, account, "reset")
    return ended


def change(uow, token: str, current_password: str, new_password: str) -> int:
    """Change the password of the signed-in account; the other sessions end."""
    current = sessions.current_session(uow, token)
    account = uow.session.get(Account, current.account_id, with_for_update=True)
    if account.demo:
        raise Forbidden("demo.read_only")
    confirm_password(uow, account, current_password, current.client_address)
    _refuse_weak(account, new_password, "new_password")
    if passwords.verify_password(account.password_hash, new_password):
        raise ValidationFailed({"new_password": ["password.same_as_current"]})
    account.password_hash = passwords.hash_password(new_password)
    ended = sessions.end_sessions_of(uow.session, account.id, keep=current.id)
    audit.record(uow.session, "password_changed", actor=account.id, subject=account.id,
                 source=current.client_address, sessions_ended=ended)
    _tell_owner(uow, account, "change")
    return ended


def _tell_owner(uow, account: Account, how: str) -> None:
    uow.emit(contract.PASSWORD_CHANGED, account_id=account.id, email=account.email,
             first_name=account.first_name, language=account.language, how=how)


def confirm_password(uow, account: Account, password: str, client_address: str | None) -> None:
    """Re-check the password before a sensitive change; wrong ones count like failed logins,
    so a stolen session cannot be used to guess it."""
    limits = throttling.login_limits(account.login, None)
    sessions.refuse_while_throttled(uow, limits, client_address, account.login)
    if passwords.verify_password(account.password_hash, password):
        return
    audit.record(uow.session, "password_confirmation_failed", actor=account.id, subject=account.id,
                 source=client_address)
    if throttling.record_failure(uow.session, limits[0]):
        audit.record(uow.session, "login_locked", actor="system", subject=account.id, source=client_address)
    uow.commit()
    raise ValidationFailed({"current_password": ["password.current_wrong"]})


def _refuse_weak(account: Account, password: str, field: str) -> None:
    personal = (account.login, account.first_name, account.last_name, account.email.split("@")[0])
    if problems := passwords.policy_errors(password, personal=personal):
        raise ValidationFailed({field: problems})


def _links_in_last_hour(session, account_id: str) -> int:
    return session.scalar(sa.select(sa.func.count()).where(
        PasswordReset.account_id == account_id,
        PasswordReset.created_at > datetime.now(UTC) - timedelta(hours=1)))


def _close_open(session, account_id: str, now: datetime) -> None:
    session.execute(sa.update(PasswordReset).where(
        PasswordReset.account_id == account_id, PasswordReset.closed_at.is_(None)).values(closed_at=now))
