"""Ledger's staff RPCs on running ledger and identity containers: whose account number it is, and
the overview a tax officer may read and a consultant may not without a verified caller; each
answered look-up in ledger's staff audit."""
import uuid

import pytest
import sqlalchemy as sa
from ledger_factories import PESEL, assess

from portal_shared.contracts import ledger as contract
from portal_shared.contracts.common import read_staff_audit
from portal_shared.errors import Forbidden, NotFound

OFFICER = {"account_id": str(uuid.uuid4()), "level": "authenticated", "roles": ["tax_officer"]}
CONSULTANT = {**OFFICER, "roles": ["consultant"]}
ADMIN = {**OFFICER, "roles": ["admin"]}


@pytest.fixture
def ledger(service_containers, session, rpc):
    service_containers("identity", "ledger")
    assess(session, 1200_00)
    session.commit()
    return rpc


def test_an_officer_finds_the_owner_of_an_account_number(ledger, session):
    number = session.scalar(sa.text("SELECT account_number FROM tax_accounts"))
    assert contract.FIND_TAX_ACCOUNT(ledger, actor=OFFICER, account_number=number)["subject"] == PESEL
    with pytest.raises(NotFound):
        contract.FIND_TAX_ACCOUNT(ledger, actor=OFFICER, account_number="0" * 26)
    with pytest.raises(Forbidden):
        contract.FIND_TAX_ACCOUNT(ledger, actor=CONSULTANT, account_number=number)
    [found] = read_staff_audit("ledger")(ledger, actor=ADMIN)
    assert (found["action"], found["subject"], found["staff_account_id"]) == (
        "tax_account_found", PESEL, OFFICER["account_id"])


def test_the_overview_is_for_officers_and_for_consultants_only_with_a_verified_caller(ledger):
    overview = contract.STAFF_OVERVIEW(ledger, actor=OFFICER, subject=PESEL)
    assert [x["annual_amount_grosze"] for x in overview["liabilities"]] == [1200_00]
    for actor, verification in ((CONSULTANT, None), (CONSULTANT, str(uuid.uuid4())), ({**OFFICER, "roles": []}, None)):
        with pytest.raises(Forbidden):
            contract.STAFF_OVERVIEW(ledger, actor=actor, subject=PESEL, verification_id=verification)
    audit = read_staff_audit("ledger")(ledger, actor=ADMIN)
    assert [(e["action"], e["details"]["allowed_by"]) for e in audit] == [("overview_read", "tax_officer")]
    with pytest.raises(Forbidden):
        read_staff_audit("ledger")(ledger, actor=OFFICER)
