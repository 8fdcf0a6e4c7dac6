"""Login throttling: free failures, growing delays, a lock, and forgetting."""
from datetime import UTC, datetime, timedelta

import pytest

from identity import throttling
from identity.throttling import ACCOUNT, ADDRESS, Limit
from portal_shared.errors import TooManyAttempts

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_delays_start_after_five_failures_and_double():
    assert [ACCOUNT.delay(n).total_seconds() for n in range(4, 11)] == [0, 1, 2, 4, 8, 16, 30]


def _fail(session, limit, times, start=T0, step=timedelta(minutes=1)):
    locked = False
    for i in range(times):
        locked = throttling.record_failure(session, limit, start + i * step)
    return locked


def test_five_failures_bring_a_delay_that_grows(uow):
    limit = Limit("login:anna", ACCOUNT)
    _fail(uow.session, limit, 4)
    throttling.check(uow.session, [limit], T0 + timedelta(minutes=3, seconds=1))  # 4 failures: no delay
    _fail(uow.session, limit, 1, start=T0 + timedelta(minutes=4))
    last = T0 + timedelta(minutes=4)
    with pytest.raises(TooManyAttempts) as waited:
        throttling.check(uow.session, [limit], last + timedelta(milliseconds=100))
    assert waited.value.message == "login.throttled" and waited.value.retry_after == 1
    throttling.check(uow.session, [limit], last + timedelta(seconds=1))
    _fail(uow.session, limit, 1, start=last + timedelta(seconds=1))
    with pytest.raises(TooManyAttempts) as longer:
        throttling.check(uow.session, [limit], last + timedelta(seconds=2))
    assert longer.value.retry_after == 2


def test_the_tenth_failure_locks_for_fifteen_minutes_then_the_count_restarts(uow):
    limit = Limit("login:anna", ACCOUNT)
    assert not _fail(uow.session, limit, 9)
    assert throttling.record_failure(uow.session, limit, T0 + timedelta(minutes=9))
    with pytest.raises(TooManyAttempts) as locked:
        throttling.check(uow.session, [limit], T0 + timedelta(minutes=20))
    assert locked.value.message == "login.locked"
    assert locked.value.retry_after == 4 * 60 + 1
    after_lock = T0 + timedelta(minutes=24, seconds=1)
    throttling.check(uow.session, [limit], after_lock)
    assert not throttling.record_failure(uow.session, limit, after_lock)
    throttling.check(uow.session, [limit], after_lock + timedelta(milliseconds=1))  # one failure: free


def test_an_address_is_delayed_like_a_login_but_locked_much_later(uow):
    limit = Limit("address:10.0.0.1", ADDRESS)
    assert not _fail(uow.session, limit, 49, step=timedelta(seconds=40))
    assert throttling.record_failure(uow.session, limit, T0 + timedelta(seconds=40 * 49))


def test_failures_are_forgotten_after_a_quiet_hour_and_cleared_by_success(uow):
    limit = Limit("login:anna", ACCOUNT)
    _fail(uow.session, limit, 6)
    throttling.check(uow.session, [limit], T0 + timedelta(minutes=5, hours=1, seconds=1))
    throttling.clear(uow.session, limit.key)
    throttling.check(uow.session, [limit], T0 + timedelta(minutes=5, seconds=1))


def test_the_longest_wait_of_several_keys_wins(uow):
    login, address = Limit("login:anna", ACCOUNT), Limit("address:10.0.0.1", ADDRESS)
    _fail(uow.session, login, 7, step=timedelta(seconds=0))
    _fail(uow.session, address, 5, step=timedelta(seconds=0))
    with pytest.raises(TooManyAttempts) as waited:
        throttling.check(uow.session, [address, login], T0)
    assert waited.value.retry_after == 5  # the login's 4 s delay, rounded up


def test_count_event_allows_a_number_of_requests_per_window(uow):
    assert all(throttling.count_event(uow.session, "reset:1.2.3.4", 3, timedelta(hours=1), T0) for _ in range(3))
    assert not throttling.count_event(uow.session, "reset:1.2.3.4", 3, timedelta(hours=1), T0)
    assert throttling.count_event(uow.session, "reset:1.2.3.4", 3, timedelta(hours=1), T0 + timedelta(hours=2))


def test_quiet_counters_are_purged_but_locks_are_kept(uow):
    now = datetime.now(UTC)
    _fail(uow.session, Limit("login:guessed", ACCOUNT), 1, start=now - timedelta(hours=2))
    _fail(uow.session, Limit("login:recent", ACCOUNT), 1, start=now)
    uow.session.add(throttling.Throttle(key="login:locked", failures=10, last_failure_at=now - timedelta(hours=2),
                                        locked_until=now + timedelta(minutes=1)))  # should a policy ever lock longer
    assert throttling.purge_stale(uow.session, now) == 1
    kept = {row.key for row in uow.session.query(throttling.Throttle)}
    assert kept == {"login:recent", "login:locked"}
