"""Identity over real RPC (staff tools) next to the gateway (users), on the running system.

Accounts are written straight into the database at the level a story needs; staff actors are
built directly (staff accounts and their login belong to another slice).
"""
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from identity import passwords
from identity.models import Account, AuditEvent

ANNA_PESEL = "44051401359"
JAN_PESEL = "02070803628"
COMPANY_NIP = "5260250274"
_HASH = passwords.hash_password("Zimowy-Spacer7")


@pytest.fixture
def identity(client, service_databases):
    engine = sa.create_engine(service_databases.url("identity"))
    yield engine
    engine.dispose()


@pytest.fixture
def make_account(identity):
    def make(pesel=ANNA_PESEL, level="email_verified", phone="+48601234567", login=None) -> dict:
        login = login or f"user{uuid.uuid4().hex[:8]}"
        with Session(identity) as session:
            account = Account(
                login=login, email=f"{login}@example.pl", pesel=pesel, first_name="Anna",
                last_name="Kowalska", street="Wielicka", building="28a", postal_code="30-552",
                city="Kraków", phone=phone, password_hash=_HASH, language="pl", level=level,
                consent_terms_at=datetime.now(UTC), consent_e_correspondence=False, failed_logins=0,
                email_verified_at=None if level == "registered" else datetime.now(UTC))
            session.add(account)
            session.commit()
            return {"account_id": account.id, "pesel": pesel, "level": level, "roles": [],
                    "login": login}
    return make


def staff(*roles: str) -> dict:
    return {"account_id": str(uuid.uuid4()), "level": "authenticated", "roles": list(roles)}


def actor_of(account: dict) -> dict:
    return {key: account[key] for key in ("account_id", "pesel", "level", "roles")}


def audit_actions(engine, subject: str | None = None) -> list[str]:
    with Session(engine) as session:
        query = sa.select(AuditEvent.action).order_by(AuditEvent.id)
        if subject:
            query = query.where(AuditEvent.subject == subject)
        return list(session.scalars(query))


def audit_details(engine, action: str) -> list[dict]:
    with Session(engine) as session:
        return [dict(details=e.details, actor=e.actor, subject=e.subject, source=e.source) for e in
                session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


@pytest.fixture
def env(monkeypatch):
    """Set environment variables for the duration of a test (Config is read per call)."""
    return monkeypatch.setenv


