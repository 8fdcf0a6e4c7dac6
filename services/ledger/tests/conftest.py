"""A session on a real, migrated ledger database; every table is emptied after each test."""
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session


@pytest.fixture(scope="session")
def ledger_engine(service_databases):
    engine = sa.create_engine(service_databases.url("ledger"))
    yield engine
    engine.dispose()


@pytest.fixture
def session(ledger_engine, service_databases):
    with Session(ledger_engine) as session:
        yield session
        session.rollback()
