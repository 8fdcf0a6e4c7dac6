"""Ledger test data that reads as a story: a taxpayer, an assessment. A module of its own
(not conftest) because several test folders have a conftest and imports must be unambiguous."""
from ledger import liabilities

SORT_CODE, PREFIX = "10205356", "7001"
PESEL = "44051401359"


def assessment(annual: int, tax_year: int = 2026, kind: str = "natural", tax_type: str = "property_tax",
               corrects=None) -> dict:
    return {"tax_type": tax_type, "tax_year": tax_year, "taxpayer_kind": kind, "annual_amount_grosze": annual,
            "components": [{"kind": "building_residential", "base": "100.00", "rate": "1.25",
                            "amount_grosze": annual}], "months_from": 1, "corrects": corrects}


def assess(session, annual: int, subject: str = PESEL, declaration_id=None, **kwargs) -> str:
    return liabilities.assess(session, subject, declaration_id, assessment(annual, **kwargs), SORT_CODE, PREFIX)
