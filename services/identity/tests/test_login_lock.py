"""The login's lock: reached the same way, and answered the same way, for known and unknown logins."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from identity import sessions
from identity.models import AuditEvent, Throttle
from portal_shared.errors import TooManyAttempts, Unauthorized

PASSWORD = "Zimowy-Spacer7"  # as the `make_account` fixture sets it


def _nine_failures_long_ago(uow, key):
    uow.session.add(Throttle(key=key, failures=9, last_failure_at=datetime.now(UTC) - timedelta(seconds=40)))
    uow.session.commit()


@pytest.mark.parametrize("login", ["anna.k", "nobody"])
def test_the_tenth_failure_locks_even_the_right_password_out(uow, make_account, login):
    make_account()
    _nine_failures_long_ago(uow, f"login:{login}")
    with pytest.raises(Unauthorized):
        sessions.login(uow, login, "Zle-Haslo-1", None)
    with pytest.raises(TooManyAttempts) as locked:
        sessions.login(uow, login, PASSWORD, None)
    assert locked.value.message == "login.locked" and 14 * 60 < locked.value.retry_after <= 15 * 60 + 1
    actions = uow.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["login_failed", "login_locked", "login_throttled"]


def test_a_successful_login_clears_the_logins_failures(uow, make_account):
    make_account()
    for _ in range(4):
        with pytest.raises(Unauthorized):
            sessions.login(uow, "anna.k", "Zle-Haslo-1", None)
    sessions.login(uow, "Anna.K", PASSWORD, None)
    uow.session.commit()
    assert uow.session.get(Throttle, "login:anna.k").failures == 0
