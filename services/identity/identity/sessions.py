"""Login with login and password, sessions with idle and absolute timeouts, logout.

The answer to a failed login never tells whether the login exists; an account locks for a
while after repeated failures.
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from identity import audit, passwords, tokens
from identity.models import Account, Session
from portal_shared.errors import TooManyAttempts, Unauthorized

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(minutes=15)


def login(uow, login_name: str, password: str, client_address: str | None) -> dict:
    session = uow.session
    now = datetime.now(UTC)
    account = session.scalar(sa.select(Account).where(
        sa.func.lower(Account.login) == login_name.lower()).with_for_update())
    if account is None:
        passwords.verify_password(passwords.DUMMY_HASH, password)  # same cost either way
        audit.record(session, "login_failed", actor="anonymous", source=client_address,
                     login=login_name[:64])
        uow.commit()
        raise Unauthorized("login.failed")
    if account.locked_until and account.locked_until > now:
        raise TooManyAttempts("login.locked", int((account.locked_until - now).total_seconds()) + 1)
    if not passwords.verify_password(account.password_hash, password):
        _count_failure(session, account, now, client_address)
        uow.commit()
        raise Unauthorized("login.failed")
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    account.failed_logins = 0
    account.locked_until = None
    token = tokens.url_token()
    new = Session(account_id=account.id, token_hash=tokens.digest(token),
                  client_address=client_address, created_at=now, last_seen_at=now,
                  expires_at=now + ABSOLUTE_TIMEOUT)
    session.add(new)
    audit.record(session, "login", actor=account.id, subject=account.id, source=client_address)
    return {"token": token, "expires_at": new.expires_at, "account": account}


def _count_failure(session, account: Account, now: datetime, client_address: str | None) -> None:
    account.failed_logins += 1
    audit.record(session, "login_failed", actor="anonymous", subject=account.id,
                 source=client_address, failures=account.failed_logins)
    if account.failed_logins >= MAX_FAILED_LOGINS:
        account.locked_until = now + LOCK_DURATION
        account.failed_logins = 0
        audit.record(session, "account_locked", actor="system", subject=account.id,
                     until=account.locked_until.isoformat())


def account_for_token(uow, token: str) -> Account:
    live = _live_session(uow.session, token)
    live.last_seen_at = datetime.now(UTC)
    return uow.session.get(Account, live.account_id)


def logout(uow, token: str) -> None:
    live = _live_session(uow.session, token)
    live.ended_at = datetime.now(UTC)
    audit.record(uow.session, "logout", actor=live.account_id, subject=live.account_id)


def _live_session(session, token: str) -> Session:
    now = datetime.now(UTC)
    live = session.scalar(sa.select(Session).where(
        Session.token_hash == tokens.digest(token), Session.ended_at.is_(None),
        Session.expires_at > now, Session.last_seen_at > now - IDLE_TIMEOUT))
    if live is None:
        raise Unauthorized("session.invalid")
    return live
