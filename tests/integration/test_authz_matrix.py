"""The authorisation matrix for staff RPCs: every staff operation against every role.

Table-driven: a row is (operation name, call(rpc, actor, context), roles allowed). Add rows for
ledger and declarations staff RPCs as they land. An allowed call may still answer NotFound for
an absent target; a refused call is `Forbidden` with the same code whether the target exists
or not, so a refusal never tells what exists.
"""
import uuid

import pytest
import sqlalchemy as sa

from identity import bootstrap_staff
from portal_shared.config import SERVICES
from portal_shared.contracts import declarations, identity, ledger, notifications
from portal_shared.contracts.common import failed_events, read_staff_audit, replay_failed_event
from portal_shared.errors import Forbidden, NotFound

PASSWORD = "Urzad-Podatkowy-2026"
ROLES = ("consultant", "tax_officer", "admin")
PRINCIPALS = (*ROLES, "taxpayer")
ADMIN = {"admin"}
OFFICER = {"tax_officer"}
ABSENT = str(uuid.uuid4())  # targets that do not exist: allowed roles get NotFound
DOCUMENT = {"pesel": "44051401359", "document_kind": "id_card", "document_number": "ABC123456"}


def _create_staff(rpc, actor, context):
    return identity.CREATE_STAFF(rpc, actor=actor, login=f"s{uuid.uuid4().hex[:10]}", full_name="Jan Nowak",
                                 roles=["consultant"], password=PASSWORD)


OPERATIONS = [
    ("identity.list_staff", lambda rpc, actor, ctx: identity.LIST_STAFF(rpc, actor=actor), ADMIN),
    ("identity.read_audit_log", lambda rpc, actor, ctx: identity.READ_AUDIT_LOG(rpc, actor=actor), ADMIN),
    ("identity.create_staff", _create_staff, ADMIN),
    ("identity.change_staff", lambda rpc, actor, ctx: identity.CHANGE_STAFF(
        rpc, actor=actor, staff_id=ctx["target_staff_id"], roles=["consultant", "tax_officer"]), ADMIN),
    *[(f"{service}.failed_events", lambda rpc, actor, ctx, s=service: failed_events(s)(rpc, actor=actor), ADMIN)
      for service in SERVICES],
    *[(f"{service}.read_staff_audit", lambda rpc, actor, ctx, s=service: read_staff_audit(s)(rpc, actor=actor), ADMIN)
      for service in SERVICES if service != "identity"],
    ("identity.find_taxpayers", lambda rpc, actor, ctx: identity.FIND_TAXPAYERS(
        rpc, actor=actor, pesel="44051401359"), OFFICER),
    ("identity.taxpayer_record", lambda rpc, actor, ctx: identity.TAXPAYER_RECORD(
        rpc, actor=actor, account_id=ABSENT), OFFICER),
    ("identity.authenticate_in_person", lambda rpc, actor, ctx: identity.AUTHENTICATE_IN_PERSON(
        rpc, actor=actor, account_id=ABSENT, **DOCUMENT), OFFICER),
    ("identity.delete_wrong_account", lambda rpc, actor, ctx: identity.DELETE_WRONG_ACCOUNT(
        rpc, actor=actor, account_id=ABSENT, **DOCUMENT), OFFICER),
    ("ledger.find_tax_account", lambda rpc, actor, ctx: ledger.FIND_TAX_ACCOUNT(
        rpc, actor=actor, account_number="0" * 26), OFFICER),
    ("ledger.post_cash_payment", lambda rpc, actor, ctx: ledger.POST_CASH_PAYMENT(
        rpc, actor=actor, idempotency_key="matrix-0001", account_number="0" * 26, amount_grosze=100,
        paid_on="2026-03-02"), OFFICER),
    ("ledger.rebook_payment", lambda rpc, actor, ctx: ledger.REBOOK_PAYMENT(
        rpc, actor=actor, payment_id=ABSENT, target_liability_id=ABSENT), OFFICER),
    ("declarations.change_case_status", lambda rpc, actor, ctx: declarations.CHANGE_CASE_STATUS(
        rpc, actor=actor, case_id=ABSENT, status="accepted"), OFFICER),
    ("declarations.send_letter", lambda rpc, actor, ctx: declarations.SEND_LETTER(
        rpc, actor=actor, case_id=ABSENT, subject_line="Pismo", body="Treść"), OFFICER),
    ("notifications.failed_messages", lambda rpc, actor, ctx: notifications.FAILED_MESSAGES(rpc, actor=actor),
     set(ROLES)),
    ("notifications.retry_message", lambda rpc, actor, ctx: notifications.RETRY_MESSAGE(
        rpc, actor=actor, message_id=ABSENT), set(ROLES)),
    # present and absent dead letters: a refusal must look the same for both
    *[(f"{service}.replay_failed_event[{which}]",
       lambda rpc, actor, ctx, s=service, w=which: replay_failed_event(s)(
           rpc, actor=actor, event_id=ctx["event_ids"][w], handler="no_such_handler"), ADMIN)
      for service in SERVICES for which in ("present", "absent")],
]


@pytest.fixture(scope="module")
def matrix_context(system, service_databases, rpc):
    # `system`, not bare containers: started first, notifications would keep the default SMTP port
    bootstrap_staff.create_admin("matrix.admin", "Ewa Administratorka", PASSWORD, service_databases.url("identity"))
    admin = identity.STAFF_LOGIN(rpc, login="matrix.admin", password=PASSWORD, client_address=None)["actor"]
    actors = {"admin": admin}
    for role in ("consultant", "tax_officer"):
        identity.CREATE_STAFF(rpc, actor=admin, login=f"matrix.{role}", full_name="Piotr Nowak", roles=[role],
                              password=PASSWORD)
        actors[role] = identity.STAFF_LOGIN(rpc, login=f"matrix.{role}", password=PASSWORD,
                                            client_address=None)["actor"]
    actors["taxpayer"] = {"account_id": str(uuid.uuid4()), "pesel": "44051401359", "level": "authenticated",
                          "roles": [], "demo": False}
    target = identity.CREATE_STAFF(rpc, actor=admin, login="matrix.target", full_name="Adam Nowak",
                                   roles=["consultant"], password=PASSWORD)
    present = str(uuid.uuid4())
    for service in SERVICES:
        engine = sa.create_engine(service_databases.url(service))
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO failed_events (event_id, handler, event_type, source, payload, attempts, last_error)"
                " VALUES (:id, 'no_such_handler', 'probe', 'probe', '{}', 5, 'boom')"), {"id": present})
        engine.dispose()
    yield {"actors": actors, "target_staff_id": target["staff_id"],
           "event_ids": {"present": present, "absent": str(uuid.uuid4())}}
    service_databases.clean()


@pytest.fixture(autouse=True)
def _clean_databases():
    """The matrix builds its staff and dead letters once for the module and cleans up after it."""
    yield


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize(("operation", "call", "allowed"), OPERATIONS, ids=[row[0] for row in OPERATIONS])
def test_staff_operation_by_role(rpc, matrix_context, operation, call, allowed, principal):
    actor = matrix_context["actors"][principal]
    if principal in allowed:
        try:
            call(rpc, actor, matrix_context)
        except NotFound:
            pass  # allowed to look; the target is absent
    else:
        with pytest.raises(Forbidden) as refused:
            call(rpc, actor, matrix_context)
        assert refused.value.message == "role.required"
