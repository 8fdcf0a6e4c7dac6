"""Demo seeding, and the expiry rules of reset links and SMS codes, on a real database."""
import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from identity import accounts, bootstrap_staff, demo, password_reset, phone_verification, sessions
from identity.models import Account, AuditEvent, PasswordReset, PhoneVerification, StaffMember
from portal_shared.errors import TooManyAttempts, Unauthorized, ValidationFailed
from portal_shared.testing import PRODUCTION_SECRETS, production_environment

ROOT = Path(__file__).resolve().parents[3]


def _outbox(uow, event_type):
    return [row.payload for row in uow.session.execute(sa.text(
        "SELECT payload FROM outbox_events WHERE event_type = :t ORDER BY id"), {"t": event_type})]


def test_demo_seed_is_idempotent_and_keeps_demo_demo_working(uow, service_databases):
    url = service_databases.url("identity")
    assert demo.seed(url)["pesel"] == demo.PESEL
    demo.seed(url)
    [account] = uow.session.scalars(sa.select(Account).where(Account.demo)).all()
    assert (account.login, account.level) == ("demo", "authenticated")
    assert account.phone_verified_at and account.email_verified_at
    started = sessions.login(uow, "demo", "demo", "10.0.0.1")
    assert started["account"].id == demo.ACCOUNT_ID


def test_production_refuses_demo_seeding_and_demo_login(uow, service_databases, monkeypatch):
    demo.seed(service_databases.url("identity"))
    production_environment(monkeypatch)
    with pytest.raises(demo.DemoRefused):
        demo.seed(service_databases.url("identity"))
    with pytest.raises(Unauthorized) as refused:
        sessions.login(uow, "demo", "demo", "10.0.0.1")
    assert refused.value.message == "login.failed"  # the same answer as a wrong password


@pytest.mark.slow
def test_the_seed_script_refuses_in_production_and_seeds_elsewhere(service_databases):
    env = {"PATH": "/usr/bin:/bin", "IDENTITY_DATABASE_URL": service_databases.url("identity")}
    refused = subprocess.run([sys.executable, "scripts/seed_demo.py"], cwd=ROOT, capture_output=True, text=True,
                             env={**env, "PORTAL_ENV": "production", **PRODUCTION_SECRETS})
    assert refused.returncode == 1 and "never seeded in production" in refused.stderr
    seeded = subprocess.run([sys.executable, "scripts/seed_demo.py"], cwd=ROOT, capture_output=True, text=True,
                            env={**env, "PORTAL_ENV": "demo"})
    assert seeded.returncode == 0, seeded.stderr
    assert "demo data seeded: identity" in seeded.stdout


def test_a_reset_link_lives_one_hour_and_works_once(uow, make_account):
    account = make_account()
    password_reset.request(uow, "ANNA@example.pl", "10.0.0.1")
    [event] = _outbox(uow, "password_reset_requested")
    reset = uow.session.scalar(sa.select(PasswordReset))
    assert reset.expires_at - reset.created_at == timedelta(hours=1)
    reset.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    with pytest.raises(ValidationFailed) as expired:
        password_reset.complete(uow, event["link_token"], "Nowe-Haslo-2026", None)
    assert expired.value.field_errors == {"token": ["link.invalid_or_expired"]}
    assert account.id == event["account_id"]


def test_the_owner_is_told_when_the_password_is_reset(uow, make_account):
    make_account()
    password_reset.request(uow, "anna.k", None)
    [event] = _outbox(uow, "password_reset_requested")
    password_reset.complete(uow, event["link_token"], "Nowe-Haslo-2026", None)
    [told] = _outbox(uow, "password_changed")
    assert (told["email"], told["how"]) == ("anna@example.pl", "reset")


def test_the_per_account_limit_is_silent(uow, make_account):
    make_account()
    for _ in range(5):
        password_reset.request(uow, "anna.k", None)
    assert len(_outbox(uow, "password_reset_requested")) == password_reset.MAX_LINKS_PER_ACCOUNT_PER_HOUR
    ignored = uow.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "password_reset_ignored")).all()
    assert len(ignored) == 2


def test_too_many_requests_from_one_address_are_refused_whatever_the_login(uow):
    for n in range(password_reset.MAX_REQUESTS_PER_ADDRESS_PER_HOUR):
        password_reset.request(uow, f"nobody{n}", "10.9.9.9")
    with pytest.raises(TooManyAttempts):
        password_reset.request(uow, "nobody", "10.9.9.9")


def test_an_sms_code_lives_fifteen_minutes_and_the_number_is_rate_limited(uow, make_account):
    anna = make_account()
    phone_verification.start(uow, anna, anna.phone)
    [event] = _outbox(uow, "phone_verification_requested")
    assert event["phone"] == "+48601234567"
    pending = uow.session.scalar(sa.select(PhoneVerification))
    assert pending.expires_at - pending.created_at == timedelta(minutes=15)
    pending.expires_at = datetime.now(UTC)
    with pytest.raises(ValidationFailed) as expired:
        phone_verification.verify_code(uow, anna.id, event["code"])
    assert expired.value.field_errors == {"code": ["code.expired"]}
    for n in range(2):  # two other accounts ask for codes to the same number
        other = make_account(login=f"other{n}", email=f"o{n}@example.pl", pesel=["02070803628", "90010101239"][n])
        phone_verification.start(uow, other, anna.phone)
    third = make_account(login="third", email="t@example.pl", pesel="99320100002")
    with pytest.raises(TooManyAttempts) as flooded:
        phone_verification.start(uow, third, anna.phone)
    assert flooded.value.message == "phone.number_limit"
    phone_verification.start(uow, third, anna.phone, at_registration=True)  # registration goes on, no code
    assert len(_outbox(uow, "phone_verification_requested")) == 3


def test_nothing_is_ever_sent_to_the_demo_accounts_made_up_contacts(uow, service_databases):
    demo.seed(service_databases.url("identity"))
    [contact] = accounts.contacts(uow.session, [demo.PESEL])
    assert (contact["email"], contact["phone"], contact["consent_e_correspondence"]) == (None, None, False)


def test_the_first_admin_is_created_by_the_bootstrap_command(uow, service_databases, monkeypatch, capsys):
    monkeypatch.setenv("IDENTITY_DATABASE_URL", service_databases.url("identity"))
    monkeypatch.setattr(sys, "stdin", io.StringIO("Urzad-Podatkowy-2026\n"))
    assert bootstrap_staff.main(["--login", "admin", "--name", "Ewa Nowak"]) == 0
    member = uow.session.scalar(sa.select(StaffMember))
    assert (member.login, member.roles, member.created_by) == ("admin", ["admin"], "bootstrap")
    monkeypatch.setattr(sys, "stdin", io.StringIO("krotkie\n"))
    assert bootstrap_staff.main(["--login", "admin2", "--name", "Jan Nowak"]) == 2
    assert "password.too_short" in capsys.readouterr().err
