"""Identity's own tests: domain functions on a real database built by the migrations."""
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import sessionmaker

from identity import passwords
from identity.models import Account, Base
from portal_shared.db import UnitOfWork, make_engine

PASSWORD = "Zimowy-Spacer7"
_HASH = passwords.hash_password(PASSWORD)


@pytest.fixture(scope="session")
def identity_engine(service_databases):
    engine = make_engine(service_databases.url("identity"))
    yield engine
    engine.dispose()


@pytest.fixture
def uow(identity_engine, service_databases):
    """A unit of work as an entrypoint gets it, minus the broker: events stay in the outbox."""
    session = sessionmaker(bind=identity_engine, expire_on_commit=False)()
    tables = Base.metadata.tables
    own = tuple(tables[name] for name in ("outbox_events", "processed_events", "failed_events"))
    yield UnitOfWork(session, own, headers={})
    session.close()


@pytest.fixture
def make_account(uow):
    def make(**overrides) -> Account:
        fields = dict(login="anna.k", email="anna@example.pl", pesel="44051401359", first_name="Anna",
                      last_name="Kowalska", street="Wielicka", building="28a", flat=None,
                      postal_code="30-552", city="Kraków", phone="+48601234567", password_hash=_HASH,
                      language="pl", level="email_verified", consent_terms_at=datetime.now(UTC),
                      consent_e_correspondence=False, failed_logins=0, demo=False)
        fields.update(overrides)
        account = Account(**fields)
        uow.session.add(account)
        uow.session.commit()
        return account
    return make
