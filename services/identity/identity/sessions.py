"""Login with login and password, sessions with idle and absolute timeouts, logout.

The answer to a failed login never tells whether the login exists; failures per login and per
client address bring growing delays and then a lock (see `throttling`). Sessions can be listed
and ended one by one or all at once.
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from identity import audit, passwords, throttling, tokens
from identity.models import Account, Session
from portal_shared.config import Config
from portal_shared.errors import Forbidden, NotFound, TooManyAttempts, Unauthorized


def idle_timeout() -> timedelta:
    return timedelta(minutes=Config().session_idle_minutes)


def absolute_timeout() -> timedelta:
    return timedelta(minutes=Config().session_absolute_minutes)


def login(uow, login_name: str, password: str, client_address: str | None) -> dict:
    """Refuse while throttled, then check the password; failures count per login and address.

    The refusal is the same for an unknown login, a wrong password and an account that may not
    sign in here (the demo account where it is switched off): one message, one cost.
    """
    session = uow.session
    limits = throttling.login_limits(login_name, client_address)
    refuse_while_throttled(uow, limits, client_address, login_name)
    account = session.scalar(sa.select(Account).where(
        sa.func.lower(Account.login) == login_name.strip().lower()).with_for_update())
    if not _password_accepted(account, password):
        _count_failure(session, limits, account, client_address, login_name)
        uow.commit()
        raise Unauthorized("login.failed")
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    throttling.clear(session, limits[0].key)
    started = start_session(session, account, client_address)
    audit.record(session, "login", actor=account.id, subject=account.id, source=client_address)
    return started


def refuse_while_throttled(uow, limits: list, client_address: str | None, login_name: str) -> None:
    try:
        throttling.check(uow.session, limits)
    except TooManyAttempts as refused:
        audit.record(uow.session, "login_throttled", actor="anonymous", source=client_address,
                     login=login_name[:64], retry_after=refused.retry_after)
        uow.commit()
        raise


def _password_accepted(account: Account | None, password: str) -> bool:
    if account is None:
        passwords.verify_password(passwords.DUMMY_HASH, password)  # same cost either way
        return False
    correct = passwords.verify_password(account.password_hash, password)
    return correct and (not account.demo or Config().demo_account_enabled)


def _count_failure(session, limits: list, account: Account | None, client_address: str | None,
                   login_name: str) -> None:
    subject = account.id if account else None
    audit.record(session, "login_failed", actor="anonymous", subject=subject, source=client_address,
                 login=login_name[:64])
    for limit in limits:
        if throttling.record_failure(session, limit):
            audit.record(session, "login_locked", actor="system", subject=subject,
                         source=client_address, key=limit.key[:80])


def start_session(session, account: Account, client_address: str | None, device_id: str | None = None) -> dict:
    now = datetime.now(UTC)
    token = tokens.url_token()
    new = Session(account_id=account.id, token_hash=tokens.digest(token), client_address=client_address,
                  device_id=device_id, created_at=now, last_seen_at=now, expires_at=now + absolute_timeout())
    session.add(new)
    return {"token": token, "expires_at": new.expires_at, "account": account}


# Activity moves `last_seen_at` at most this often: a signed-in request then costs no write,
# and the idle timeout (minutes) is off by less than this.
TOUCH_EVERY = timedelta(seconds=60)


def account_for_token(uow, token: str) -> Account:
    live = _live_session(uow.session, token)
    now = datetime.now(UTC)
    if live.last_seen_at < now - TOUCH_EVERY:
        live.last_seen_at = now
    return uow.session.get(Account, live.account_id)


def logout(uow, token: str) -> None:
    live = _live_session(uow.session, token)
    live.ended_at = datetime.now(UTC)
    audit.record(uow.session, "logout", actor=live.account_id, subject=live.account_id)


def _live_session(session, token: str) -> Session:
    now = datetime.now(UTC)
    live = session.scalar(sa.select(Session).where(
        Session.token_hash == tokens.digest(token), Session.ended_at.is_(None),
        Session.expires_at > now, Session.last_seen_at > now - idle_timeout()))
    if live is None:
        raise Unauthorized("session.invalid")
    return live


# --- listing and ending sessions ---------------------------------------------------------
def live_sessions(session, account_id: str) -> list[Session]:
    now = datetime.now(UTC)
    return session.scalars(sa.select(Session).where(
        Session.account_id == account_id, Session.ended_at.is_(None), Session.expires_at > now,
        Session.last_seen_at > now - idle_timeout()).order_by(Session.created_at.desc())).all()


def list_sessions(uow, token: str) -> list[dict]:
    """The account's live sessions. The shared demo account sees only its own: the others are
    strangers' addresses."""
    current = _live_session(uow.session, token)
    account = uow.session.get(Account, current.account_id)
    found = [current] if account.demo else live_sessions(uow.session, current.account_id)
    return [{"session_id": s.id, "client_address": s.client_address, "device_id": s.device_id,
             "created_at": s.created_at, "last_seen_at": s.last_seen_at, "expires_at": s.expires_at,
             "current": s.id == current.id} for s in found]


def end_session(uow, token: str, session_id: str) -> None:
    current = _live_session(uow.session, token)
    target = uow.session.get(Session, str(session_id))
    if target is None or target.account_id != current.account_id or target.ended_at is not None:
        raise NotFound()
    if target.id != current.id and uow.session.get(Account, current.account_id).demo:
        raise Forbidden("demo.read_only")
    target.ended_at = datetime.now(UTC)
    audit.record(uow.session, "session_ended", actor=current.account_id, subject=current.account_id,
                 source=current.client_address, session_id=target.id)


def end_all_sessions(uow, token: str) -> int:
    """Log out everywhere, this session included."""
    current = _live_session(uow.session, token)
    if uow.session.get(Account, current.account_id).demo:
        raise Forbidden("demo.read_only")
    ended = end_sessions_of(uow.session, current.account_id)
    audit.record(uow.session, "logout_everywhere", actor=current.account_id, subject=current.account_id,
                 source=current.client_address, sessions=ended)
    return ended


def end_sessions_of(session, account_id: str, keep: str | None = None, device_id: str | None = None) -> int:
    """End the account's open sessions (all but `keep`; only the device's when `device_id`)."""
    query = sa.update(Session).where(Session.account_id == account_id, Session.ended_at.is_(None))
    if keep:
        query = query.where(Session.id != keep)
    if device_id:
        query = query.where(Session.device_id == device_id)
    return session.execute(query.values(ended_at=datetime.now(UTC))).rowcount


def current_session(uow, token: str) -> Session:
    return _live_session(uow.session, token)
