"""Staff look-ups and the helpline's caller verification, on identity's migrated database."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from identity import callers, lookup
from identity.models import AuditEvent, CallerVerification, Mandate
from portal_shared.errors import Forbidden, ValidationFailed

OFFICER = {"account_id": "6f1c9c52-0000-4000-8000-000000000001", "level": "authenticated", "roles": ["tax_officer"]}
CONSULTANT = {**OFFICER, "account_id": "6f1c9c52-0000-4000-8000-000000000002", "roles": ["consultant"]}
COMPANY_NIP = "5260250274"


def a_mandate(uow, agent, principal, scopes):
    uow.session.add(Mandate(principal=principal, principal_name="Firma Sp. z o.o.", agent_account_id=agent.id,
                            kind="organisation_user", scopes=scopes, valid_from=datetime(2020, 1, 1).date(),
                            granted_by="staff:test"))
    uow.session.flush()


def test_an_officer_finds_by_pesel_name_and_a_nip_and_every_search_is_audited(uow, make_account):
    anna = make_account(level="authenticated")
    make_account(login="jan.n", email="jan@example.pl", pesel="02070803628", first_name="Jan", last_name="Nowak")
    a_mandate(uow, anna, COMPANY_NIP, ["view"])
    by = {"pesel": ("44051401359", None, None), "name": (None, None, "kowalska ANNA"), "nip": (None, COMPANY_NIP, None)}
    for how, (pesel, nip, name) in by.items():
        assert [row["pesel"] for row in lookup.find(uow.session, OFFICER, pesel, nip, name)] == ["44051401359"], how
    assert lookup.find(uow.session, OFFICER, None, None, "Zieliński") == []
    searches = uow.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "staff_find_taxpayer")).all()
    assert len(searches) == 4 and {s.actor for s in searches} == {OFFICER["account_id"]}


def test_a_search_needs_a_tax_officer_and_a_query(uow, make_account):
    make_account()
    with pytest.raises(Forbidden):
        lookup.find(uow.session, CONSULTANT, "44051401359", None, None)
    with pytest.raises(ValidationFailed):
        lookup.find(uow.session, OFFICER, None, None, None)


def test_the_record_shows_registration_mandates_and_telepin(uow, make_account):
    anna = make_account(level="authenticated")
    a_mandate(uow, anna, COMPANY_NIP, ["view", "pay"])
    record = lookup.record(uow.session, OFFICER, anna.id)
    assert record["account"]["pesel"] == "44051401359" and record["telepin"]["status"] == "not_set"
    assert [m["principal"] for m in record["mandates"]["as_agent"]] == [COMPANY_NIP]
    with pytest.raises(Forbidden):
        lookup.record(uow.session, CONSULTANT, anna.id)


def test_a_verification_opens_the_caller_and_their_principals_within_scope_for_that_consultant_only(
        uow, make_account):
    anna = make_account(level="authenticated")
    principals = [{"principal": COMPANY_NIP, "scopes": ["view"]}, {"principal": "02070803628", "scopes": ["pay"]}]
    granted = callers.grant(uow.session, CONSULTANT["account_id"], anna, principals)
    check = lambda consultant, subject: callers.access(  # noqa: E731
        uow.session, consultant, granted["verification_id"], subject)
    assert check(CONSULTANT["account_id"], "44051401359") == {
        "allowed": True, "scopes": ["view", "pay", "submit"], "caller_account_id": anna.id}
    assert check(CONSULTANT["account_id"], COMPANY_NIP)["allowed"] is True
    assert check(CONSULTANT["account_id"], "02070803628")["allowed"] is False   # pay only: nothing to read
    assert check(CONSULTANT["account_id"], "80010112345")["allowed"] is False   # not a principal
    assert check(OFFICER["account_id"], "44051401359")["allowed"] is False      # another staff member
    uow.session.get(CallerVerification, granted["verification_id"]).expires_at = datetime.now(UTC) - timedelta(
        seconds=1)
    assert check(CONSULTANT["account_id"], "44051401359") == {"allowed": False, "scopes": [],
                                                              "caller_account_id": None}
    assert callers.purge_expired(uow.session) == 1
    assert uow.session.scalar(sa.select(sa.func.count()).select_from(CallerVerification)) == 0
