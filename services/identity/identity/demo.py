"""The shared demo account (seed 001: `demo` / `demo`), for development and demo configurations.

`seed()` creates or resets it idempotently and refuses in production; the login refuses it
there too, even if a copied database still holds it. Its ids are the contract's
`DEMO_TAXPAYER`, so other services' `demo.seed()` can give it liabilities and cases.
Whatever it does is read-only where it could harm others: it cannot change its password,
e-mail or phone, register devices or end other people's demo sessions, and services refuse
it anything that acts (`authz.forbid_demo`).
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from identity import audit, passwords
from identity.models import Account
from portal_shared.config import Config, database_url
from portal_shared.contracts import identity as contract
from portal_shared.db import make_engine

LOGIN = contract.DEMO_TAXPAYER["login"]
PASSWORD = "demo"  # noqa: S105  published on purpose (seed 001), outside the password policy
ACCOUNT_ID = contract.DEMO_TAXPAYER["account_id"]
PESEL = contract.DEMO_TAXPAYER["pesel"]
PROFILE = {
    "login": LOGIN, "email": "demo@demo.invalid", "pesel": PESEL, "first_name": "Jan",
    "last_name": "Demonstracyjny", "street": "Rynek Główny", "building": "1", "flat": None,
    "postal_code": "31-042", "city": "Kraków", "phone": "+48500000000", "language": "pl",
    "level": "authenticated", "consent_e_correspondence": True, "demo": True,
}


class DemoRefused(RuntimeError):
    """The configuration does not allow the demo account (production)."""


def seed(url: str | None = None) -> dict:
    """Create or reset the demo account; returns what other services' demo data needs."""
    if not Config().demo_account_enabled:
        raise DemoRefused(f"the demo account is not allowed when PORTAL_ENV={Config().environment}")
    engine = make_engine(url or database_url("identity"))
    try:
        with Session(engine) as session, session.begin():
            seed_account(session)
    finally:
        engine.dispose()
    return dict(contract.DEMO_TAXPAYER)


def seed_account(session: Session) -> Account:
    now = datetime.now(UTC)
    account = session.get(Account, ACCOUNT_ID, with_for_update=True)
    if account is None:
        taken = session.scalar(sa.select(Account.id).where(sa.or_(
            sa.func.lower(Account.login) == LOGIN, Account.pesel == PESEL)))
        if taken:
            raise DemoRefused(f"login {LOGIN!r} or the demo PESEL belongs to a real account")
        account = Account(id=ACCOUNT_ID, consent_terms_at=now, failed_logins=0)
        session.add(account)
        audit.record(session, "demo_account_created", actor="system", subject=ACCOUNT_ID)
    for field, value in PROFILE.items():
        setattr(account, field, value)
    account.email_verified_at = account.email_verified_at or now
    account.phone_verified_at = account.phone_verified_at or now
    if not passwords.verify_password(account.password_hash or passwords.DUMMY_HASH, PASSWORD):
        account.password_hash = passwords.hash_password(PASSWORD)
    return account
