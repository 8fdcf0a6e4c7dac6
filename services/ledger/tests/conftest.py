"""A session on a real, migrated ledger database; every table is emptied after each test."""
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger import liabilities

SORT_CODE, PREFIX = "10205356", "7001"
PESEL = "44051401359"


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


def assessment(annual: int, tax_year: int = 2026, kind: str = "natural", tax_type: str = "property_tax",
               corrects=None) -> dict:
    return {"tax_type": tax_type, "tax_year": tax_year, "taxpayer_kind": kind, "annual_amount_grosze": annual,
            "components": [{"kind": "building_residential", "base": "100.00", "rate": "1.25",
                            "amount_grosze": annual}], "months_from": 1, "corrects": corrects}


def assess(session, annual: int, subject: str = PESEL, declaration_id=None, **kwargs) -> str:
    return liabilities.assess(session, subject, declaration_id, assessment(annual, **kwargs), SORT_CODE, PREFIX)
