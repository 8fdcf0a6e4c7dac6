"""Failure counters for secrets: growing delays, then a temporary lock.

A counter lives under a key (`login:<name>`, `address:<ip>`, `staff:<name>`). It is keyed by
the login *as typed*, not by the account, so an unknown login is throttled exactly like a
known one and the answer never tells whether it exists. Delays are refusals with Retry-After,
not sleeps: a sleeping worker would let an attacker exhaust the service instead.
"""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from identity.models import Throttle
from portal_shared.errors import TooManyAttempts


@dataclass(frozen=True)
class Policy:
    free_failures: int          # failures allowed before any delay
    lock_after: int             # failures that lock the key
    lock_for: timedelta
    first_delay: timedelta      # after `free_failures`; doubles with each further failure
    max_delay: timedelta
    forget_after: timedelta     # a quiet period that clears the count

    def delay(self, failures: int) -> timedelta:
        if failures < self.free_failures:
            return timedelta(0)
        return min(self.first_delay * 2 ** (failures - self.free_failures), self.max_delay)


# Per login: 5 free failures, then 1, 2, 4, 8, 16 s, and the 10th locks for 15 minutes.
ACCOUNT = Policy(free_failures=5, lock_after=10, lock_for=timedelta(minutes=15),
                 first_delay=timedelta(seconds=1), max_delay=timedelta(seconds=30),
                 forget_after=timedelta(hours=1))
# Per client address the delays start as early, but the lock comes later: a whole office or a
# mobile operator may share one address, and one person's typos must not lock the rest out.
ADDRESS = Policy(free_failures=5, lock_after=50, lock_for=timedelta(minutes=15),
                 first_delay=timedelta(seconds=1), max_delay=timedelta(seconds=30),
                 forget_after=timedelta(hours=1))


@dataclass(frozen=True)
class Limit:
    key: str
    policy: Policy


def login_key(login_name: str, prefix: str = "login") -> str:
    return f"{prefix}:{login_name.strip().lower()[:254]}"


def login_limits(login_name: str, client_address: str | None, prefix: str = "login") -> list[Limit]:
    return [Limit(login_key(login_name, prefix), ACCOUNT), *address_limits(client_address)]


def address_limits(client_address: str | None) -> list[Limit]:
    return [Limit(f"address:{client_address}", ADDRESS)] if client_address else []


def check(session: Session, limits: list[Limit], now: datetime | None = None) -> None:
    """Raise `TooManyAttempts` while any key is locked or waiting out its delay."""
    now = now or datetime.now(UTC)
    waits = [_wait(session.get(Throttle, limit.key), limit.policy, now) for limit in limits]
    locked = [wait for wait, is_lock in waits if is_lock and wait > 0]
    if locked:
        raise TooManyAttempts("login.locked", max(locked))
    delayed = [wait for wait, _ in waits if wait > 0]
    if delayed:
        raise TooManyAttempts("login.throttled", max(delayed))


def _wait(row: Throttle | None, policy: Policy, now: datetime) -> tuple[int, bool]:
    """Seconds until the next try is allowed, and whether that is a lock."""
    if row is None:
        return 0, False
    if row.locked_until and row.locked_until > now:
        return _seconds(row.locked_until - now), True
    if row.last_failure_at is None or row.last_failure_at < now - policy.forget_after:
        return 0, False
    allowed_at = row.last_failure_at + policy.delay(row.failures)
    return (_seconds(allowed_at - now), False) if allowed_at > now else (0, False)


def record_failure(session: Session, limit: Limit, now: datetime | None = None) -> bool:
    """Count a failure; True when this failure locked the key."""
    now = now or datetime.now(UTC)
    row = _locked_row(session, limit.key)
    expired_lock = row.locked_until is not None and row.locked_until <= now
    forgotten = row.last_failure_at is not None and row.last_failure_at < now - limit.policy.forget_after
    if expired_lock or forgotten:
        row.failures, row.locked_until = 0, None
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= limit.policy.lock_after:
        row.locked_until = now + limit.policy.lock_for
        return True
    return False


def count_event(session: Session, key: str, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """A rate limit for requests (not failures): False once `limit` were made in a quiet-less `window`."""
    now = now or datetime.now(UTC)
    row = _locked_row(session, key)
    if row.last_failure_at is None or row.last_failure_at < now - window:
        row.failures = 0
    if row.failures >= limit:
        return False
    row.failures += 1
    row.last_failure_at = now
    return True


def clear(session: Session, key: str) -> None:
    row = session.get(Throttle, key, with_for_update=True)
    if row is not None:
        row.failures, row.last_failure_at, row.locked_until = 0, None, None


def _locked_row(session: Session, key: str) -> Throttle:
    session.execute(insert(Throttle).values(key=key, failures=0).on_conflict_do_nothing())
    return session.get(Throttle, key, with_for_update=True, populate_existing=True)


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds()) + 1


def purge_stale(session: Session, now: datetime | None = None) -> int:
    """Forget counters nobody needs any more (guessed logins would otherwise pile up)."""
    now = now or datetime.now(UTC)
    quiet_since = now - max(ACCOUNT.forget_after, ADDRESS.forget_after)
    return session.execute(sa.delete(Throttle).where(
        sa.or_(Throttle.last_failure_at.is_(None), Throttle.last_failure_at < quiet_since),
        sa.or_(Throttle.locked_until.is_(None), Throttle.locked_until < now))).rowcount
