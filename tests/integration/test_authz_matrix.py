"""The authorisation matrix for staff RPCs: every staff operation of every service against every
role, and a taxpayer.

Table-driven: a row is (operation name, call(rpc, actor, context), roles allowed). An allowed
call may still fail for its own reasons (an absent target, a wrong telePIN) but never for the
role; a refused call is `Forbidden("role.required")` whether the target exists or not, so a
refusal never tells what exists. Targets are absent or harmless (an empty statement, reminders
for a day long gone), so the allowed calls change nothing that matters.
"""
import base64
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from identity import bootstrap_staff
from ledger.fakes import camt053
from portal_shared.config import SERVICES
from portal_shared.contracts import declarations, helpline, identity, ledger, notifications
from portal_shared.contracts.common import failed_events, read_staff_audit, replay_failed_event
from portal_shared.errors import Forbidden, PortalError

PASSWORD = "Urzad-Podatkowy-2026"
ROLES = ("consultant", "tax_officer", "admin")
PRINCIPALS = (*ROLES, "taxpayer")
ADMIN = {"admin"}
OFFICER = {"tax_officer"}
REPORTS = {"consultant", "admin"}
STAFF = set(ROLES)
SOMEONE = {"account_id": "5f0b7a4e-3c1d-4e8b-9a2f-6d1c0e7b8a91", "pesel": "44051401359",
           "document_kind": "id_card", "document_number": "ABC123456"}
EMPTY_STATEMENT = base64.b64encode(camt053.statement([], "10205356700100000000000000", msg_id="MATRIX")).decode()


def _uuid():
    return str(uuid.uuid4())


def _period():
    until = datetime.now(UTC)
    return {"since": (until - timedelta(days=7)).isoformat(), "until": until.isoformat()}


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
        rpc, actor=actor, account_id=_uuid()), OFFICER),
    ("ledger.find_tax_account", lambda rpc, actor, ctx: ledger.FIND_TAX_ACCOUNT(
        rpc, actor=actor, account_number="0" * 26), OFFICER),
    # present and absent dead letters: a refusal must look the same for both
    *[(f"{service}.replay_failed_event[{which}]",
       lambda rpc, actor, ctx, s=service, w=which: replay_failed_event(s)(
           rpc, actor=actor, event_id=ctx["event_ids"][w], handler="no_such_handler"), ADMIN)
      for service in SERVICES for which in ("present", "absent")],
    ("identity.grant_mandate", lambda rpc, actor, ctx: identity.GRANT_MANDATE(
        rpc, actor=actor, principal="44051401359", principal_name="Jan Nowak", agent_account_id=_uuid(),
        kind="general_attorney", scopes=["view"], valid_from="2026-01-01", valid_to=None), OFFICER),
    ("identity.authenticate_in_person", lambda rpc, actor, ctx: identity.AUTHENTICATE_IN_PERSON(
        rpc, actor=actor, **SOMEONE), OFFICER),
    ("identity.delete_wrong_account", lambda rpc, actor, ctx: identity.DELETE_WRONG_ACCOUNT(
        rpc, actor=actor, note="", **SOMEONE), OFFICER),
    ("identity.identify_caller", lambda rpc, actor, ctx: identity.IDENTIFY_CALLER(
        rpc, actor=actor, phone="+48601234567", telepin="480315"), {"consultant"}),
    ("ledger.post_cash_payment", lambda rpc, actor, ctx: ledger.POST_CASH_PAYMENT(
        rpc, actor=actor, idempotency_key=f"matrix-{_uuid()}", account_number="0" * 26, amount_grosze=100,
        paid_on="2026-03-01", named_liability_id=None, title=""), OFFICER),
    ("ledger.rebook_payment", lambda rpc, actor, ctx: ledger.REBOOK_PAYMENT(
        rpc, actor=actor, payment_id=_uuid(), target_liability_id=_uuid()), OFFICER),
    ("ledger.import_statement", lambda rpc, actor, ctx: ledger.IMPORT_STATEMENT(
        rpc, actor=actor, format="camt053", content_base64=EMPTY_STATEMENT), OFFICER),
    ("ledger.import_job", lambda rpc, actor, ctx: ledger.IMPORT_JOB(rpc, actor=actor, job_id=_uuid()), OFFICER),
    ("ledger.issue_reminders", lambda rpc, actor, ctx: ledger.ISSUE_REMINDERS(rpc, actor=actor, on="2000-01-03"),
     OFFICER),
    ("declarations.change_case_status", lambda rpc, actor, ctx: declarations.CHANGE_CASE_STATUS(
        rpc, actor=actor, case_id=_uuid(), status="in_review", note=None), OFFICER),
    ("declarations.send_letter", lambda rpc, actor, ctx: declarations.SEND_LETTER(
        rpc, actor=actor, case_id=_uuid(), subject_line="Wezwanie", body="Prosimy o wyjaśnienie."), OFFICER),
    ("notifications.preview", lambda rpc, actor, ctx: notifications.PREVIEW(
        rpc, actor=actor, message_type="upo_receipt", language="pl", context=None), STAFF),
    ("notifications.failed_messages", lambda rpc, actor, ctx: notifications.FAILED_MESSAGES(rpc, actor=actor), STAFF),
    ("notifications.message", lambda rpc, actor, ctx: notifications.MESSAGE(rpc, actor=actor, message_id=_uuid()),
     STAFF),
    ("notifications.retry_message", lambda rpc, actor, ctx: notifications.RETRY_MESSAGE(
        rpc, actor=actor, message_id=_uuid()), STAFF),
    ("helpline.queue_statistics", lambda rpc, actor, ctx: helpline.QUEUE_STATISTICS(
        rpc, actor=actor, queue=None, **_period()), REPORTS),
    ("helpline.survey_report", lambda rpc, actor, ctx: helpline.SURVEY_REPORT(
        rpc, actor=actor, queue=None, **_period()), REPORTS),
    ("helpline.waiting_chats", lambda rpc, actor, ctx: helpline.WAITING_CHATS(rpc, actor=actor, queue=None),
     REPORTS),
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
        except PortalError as refused:  # allowed in; the call may still fail for its own reasons
            assert not (isinstance(refused, Forbidden) and refused.message == "role.required")
    else:
        with pytest.raises(Forbidden) as refused:
            call(rpc, actor, matrix_context)
        assert refused.value.message == "role.required"
