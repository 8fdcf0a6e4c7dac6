"""The ledger end to end: an accepted declaration becomes a liability with installments; the
taxpayer sees them, pays online through the operator (the local fake, through the real adapter),
and the bank statement and cash desk post payments once however often they arrive."""
import base64
import uuid
from datetime import date
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from helpers import VALID_PESEL, sign_in_authenticated
from ledger_helpers import accept_assessment, wait_for
from nameko.standalone.events import event_dispatcher

from ledger.fakes import camt053
from portal_shared.contracts import declarations, identity
from portal_shared.contracts import ledger as contract

FIXTURES = Path(__file__).resolve().parents[2] / "services/ledger/tests/fixtures"
NEXT_YEAR = date.today().year + 1   # installments not yet due, whatever day the tests run
OFFICER = {"account_id": str(uuid.uuid4()), "pesel": None, "level": "authenticated", "roles": ["tax_officer"]}


@pytest.fixture
def taxpayer(client, system, service_databases, nameko_config):
    account = sign_in_authenticated(client, system, service_databases)
    accept_assessment(nameko_config, VALID_PESEL, 1001_00, tax_year=NEXT_YEAR)
    wait_for(lambda: client.get(f"/api/v1/taxpayers/{VALID_PESEL}/installments", headers=account["headers"]
                                ).get_json())
    return account


def test_taxpayer_sees_liability_installments_and_transfer_qr(client, taxpayer):
    headers = taxpayer["headers"]
    overview = client.get(f"/api/v1/taxpayers/{VALID_PESEL}/overview", headers=headers)
    assert overview.status_code == 200, overview.get_json()
    body = overview.get_json()
    assert [i["amount_grosze"] for i in body["installments"]] == [251_00, 250_00, 250_00, 250_00]
    assert body["liabilities"][0]["components"][0] == {"kind": "building_residential", "base": "120.5000",
                                                       "rate": "1.250000", "amount_grosze": 1001_00}
    assert body["balance"]["assessed_grosze"] == 1001_00 and body["balance"]["reconciles"]
    [account] = body["tax_accounts"]
    details = client.get(f"/api/v1/taxpayers/{VALID_PESEL}/transfer-details", headers=headers).get_json()
    assert details[0]["account_number"] == account["account_number"]
    fields = details[0]["qr_string"].split("|")
    assert fields[1:4] == ["PL", account["account_number"], f"{details[0]['amount_grosze']:06d}"]
    assert base64.b64decode(details[0]["qr_png_base64"]).startswith(b"\x89PNG")


def test_someone_elses_taxes_are_forbidden_and_bad_subjects_are_400(client, taxpayer):
    other = client.get("/api/v1/taxpayers/02070803628/overview", headers=taxpayer["headers"])
    assert other.status_code == 403
    bad = client.get("/api/v1/taxpayers/12345678901/installments", headers={**taxpayer["headers"],
                                                                           "Accept-Language": "en"})
    assert bad.status_code == 400 and bad.get_json()["error"]["fields"]["subject"] == [
        "Invalid PESEL or NIP: a PESEL has 11 digits, a NIP 10."]
    stranger = {"Authorization": "Bearer " + "x" * 40}
    assert client.get(f"/api/v1/taxpayers/{VALID_PESEL}/overview", headers=stranger).status_code == 401


def test_an_agent_sees_the_dashboard_until_the_mandate_is_revoked(client, taxpayer, rpc, system, service_databases):
    """The ledger asks identity on every read and the gateway keeps nothing: the very next
    request after a revocation is refused."""
    suffix = uuid.uuid4().hex[:8]
    agent = sign_in_authenticated(client, system, service_databases, pesel="02070803628", first_name="Jan",
                                  email=f"agent.{suffix}@example.pl", login=f"agent.{suffix}")
    mandate = identity.GRANT_MANDATE(rpc, actor=OFFICER, principal=VALID_PESEL, principal_name="Anna Kowalska",
                                     agent_account_id=agent["account_id"], kind="general_attorney", scopes=["view"],
                                     valid_from=date.today().isoformat(), valid_to=None)
    dashboard = f"/api/v1/taxpayers/{VALID_PESEL}/overview"
    seen = client.get(dashboard, headers=agent["headers"])
    assert seen.status_code == 200 and seen.get_json()["installments"]

    identity.REVOKE_MANDATE(rpc, actor=OFFICER, mandate_id=mandate["mandate_id"])
    assert client.get(dashboard, headers=agent["headers"]).status_code == 403


def test_online_payment_from_start_to_posted_allocation(client, taxpayer, operator):
    headers = taxpayer["headers"]
    installments = client.get(f"/api/v1/taxpayers/{VALID_PESEL}/installments", headers=headers).get_json()
    first = installments[0]["installment_id"]
    body = {"subject": VALID_PESEL, "installment_ids": [first]}
    assert client.post("/api/v1/payments", json=body, headers=headers).status_code == 400   # no Idempotency-Key
    started = client.post("/api/v1/payments", json=body, headers={**headers, "Idempotency-Key": "pay-0001"})
    assert started.status_code == 201, started.get_json()
    again = client.post("/api/v1/payments", json=body, headers={**headers, "Idempotency-Key": "pay-0001"})
    assert again.get_json() == started.get_json()
    redirect = started.get_json()["redirect_url"]
    assert redirect.startswith(operator + "/trnRequest/")

    notification = requests.post(f"{operator}/_fake/pay/{redirect.rsplit('/', 1)[1]}", json={}, timeout=5).json()
    forged = client.post("/api/v1/payments/notifications/przelewy24", json={**notification, "amount": 1})
    assert forged.status_code == 403
    posted = client.post("/api/v1/payments/notifications/przelewy24", json=notification)
    assert posted.status_code == 200, posted.get_json()
    assert posted.get_json()["duplicate"] is False
    assert posted.get_json()["allocations"] == [{"kind": "principal", "grosze": 251_00, "installment_id": first,
                                                 "reminder_id": None, "operation": "posting"}]
    replay = client.post("/api/v1/payments/notifications/przelewy24", json=notification).get_json()
    assert replay["duplicate"] is True and replay["payment_id"] == posted.get_json()["payment_id"]
    statuses = [i["status"] for i in client.get(f"/api/v1/taxpayers/{VALID_PESEL}/installments",
                                                headers=headers).get_json()]
    assert statuses == ["paid", "due", "due", "due"]


def test_statement_import_matches_posts_once_and_reports(client, taxpayer, rpc):
    account = client.get(f"/api/v1/taxpayers/{VALID_PESEL}/tax-accounts", headers=taxpayer["headers"]
                         ).get_json()[0]["account_number"]
    statement = camt053.statement([
        camt053.Credit("B-1", 300_00, date(2026, 3, 10), account),
        camt053.Credit("B-2", 50_00, date(2026, 3, 10), "", title=f"PESEL {VALID_PESEL} podatek od nieruchomosci"),
        camt053.Credit("B-3", 70_00, date(2026, 3, 10), "", title="no identifiers at all"),
        camt053.Credit("B-4", 10_00, date(2026, 3, 10), account, currency="EUR"),
    ], "10205356700100000000000000")
    content = base64.b64encode(statement).decode()
    report = contract.IMPORT_STATEMENT(rpc, actor=OFFICER, format="camt053", content_base64=content)
    assert (report["entries"], report["posted"], report["matched"], report["unmatched"], report["rejected"]) == (
        4, 3, 2, 1, 1)
    assert report["unmatched_entries"][0]["title"] == "no identifiers at all"
    again = contract.IMPORT_STATEMENT(rpc, actor=OFFICER, format="camt053", content_base64=content)
    assert again["duplicate_file"] is True and again["job_id"] == report["job_id"]
    job = contract.IMPORT_JOB(rpc, actor=OFFICER, job_id=report["job_id"])
    assert job["status"] == "done" and job["processed"] == 4
    balance = client.get(f"/api/v1/taxpayers/{VALID_PESEL}/balance", headers=taxpayer["headers"]).get_json()
    assert balance["paid_grosze"] == 350_00 and balance["reconciles"]


def test_mt940_import_of_a_real_polish_statement(rpc, service_databases):
    raw = (FIXTURES / "mt940_mbank-pl_iph-collect_iso-8859-2.txt").read_bytes()
    report = contract.IMPORT_STATEMENT(rpc, actor=OFFICER, format="mt940",
                                       content_base64=base64.b64encode(raw).decode())
    # Nobody in this office's books paid on that 2010 statement: every credit waits, unmatched.
    assert (report["entries"], report["posted"], report["unmatched"]) == (23, 23, 23)
    assert report["posted_grosze"] > 0


def test_cash_desk_posts_once_and_only_for_officers(client, taxpayer, rpc):
    from portal_shared.errors import Forbidden
    account = client.get(f"/api/v1/taxpayers/{VALID_PESEL}/tax-accounts", headers=taxpayer["headers"]
                         ).get_json()[0]["account_number"]
    args = {"idempotency_key": "desk-2026-0001", "account_number": account, "amount_grosze": 100_00,
            "paid_on": "2026-03-02"}
    with pytest.raises(Forbidden):
        contract.POST_CASH_PAYMENT(rpc, actor={**OFFICER, "roles": []}, **args)
    first = contract.POST_CASH_PAYMENT(rpc, actor=OFFICER, **args)
    second = contract.POST_CASH_PAYMENT(rpc, actor=OFFICER, **args)
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    payments = client.get(f"/api/v1/taxpayers/{VALID_PESEL}/payments", headers=taxpayer["headers"]).get_json()
    assert len(payments) == 1 and payments[0]["source"] == "cash_desk"


def test_rebooking_by_staff_and_reminders_emit_events(client, taxpayer, rpc, nameko_config, service_databases):
    accept_assessment(nameko_config, VALID_PESEL, 300_00, tax_year=2025, tax_type="waste_fee")
    liabilities = wait_for(lambda: [x for x in client.get(f"/api/v1/taxpayers/{VALID_PESEL}/liabilities",
                                                          headers=taxpayer["headers"]).get_json()
                                    if x["tax_year"] == 2025])
    accounts = client.get(f"/api/v1/taxpayers/{VALID_PESEL}/tax-accounts", headers=taxpayer["headers"]).get_json()
    property_account = next(a for a in accounts if a["tax_type"] == "property_tax")["account_number"]
    posted = contract.POST_CASH_PAYMENT(rpc, actor=OFFICER, idempotency_key="desk-rebook-1",
                                        account_number=property_account, amount_grosze=25_00, paid_on="2025-01-20")
    moved = contract.REBOOK_PAYMENT(rpc, actor=OFFICER, payment_id=posted["payment_id"],
                                    target_liability_id=liabilities[0]["liability_id"])
    assert [a["grosze"] for a in moved["allocations"]] == [25_00]
    issued = contract.ISSUE_REMINDERS(rpc, actor=OFFICER, on="2026-01-15")
    assert issued["issued"] == 11      # every 2025 waste-fee month is overdue but January, paid
    engine = sa.create_engine(service_databases.url("ledger"))
    with engine.connect() as conn:
        events = dict(conn.execute(sa.text(
            "SELECT event_type, count(*) FROM outbox_events GROUP BY event_type")).all())
    engine.dispose()
    assert events["payment_rebooked"] == 1 and events["reminder_issued"] == 11 and events["payment_posted"] == 1
    reminders = client.get(f"/api/v1/taxpayers/{VALID_PESEL}/reminders", headers=taxpayer["headers"]).get_json()
    assert len(reminders) == 11 and reminders[0]["cost_grosze"] == 16_00


def test_public_interest_calculator_worked_example(client, system):
    result = client.get("/api/v1/interest-calculator?amount=10000.00&due_date=2023-03-15&payment_date=2023-09-20")
    assert result.status_code == 200, result.get_json()
    body = result.get_json()
    assert [p["interest_grosze"] for p in body["periods"]] == [791_10, 57_53]
    assert body["charged_grosze"] == 849_00
    bad = client.get("/api/v1/interest-calculator?amount=abc&due_date=2023-03-15&payment_date=x")
    assert bad.status_code == 400 and set(bad.get_json()["error"]["fields"]) == {"amount", "payment_date"}


def accept(nameko_config, subject, **effect):
    payload = declarations.DECLARATION_ACCEPTED.build(
        declaration_id=str(uuid.uuid4()), case_id=str(uuid.uuid4()), form_code="WYJ-WPL",
        submitter_account_id=str(uuid.uuid4()), subject=subject, **effect)
    event_dispatcher(nameko_config)("declarations", "declaration_accepted", payload)


def test_explanation_of_payment_purpose_and_refund_claim_arrive_as_accepted_declarations(
        client, taxpayer, rpc, nameko_config, service_databases):
    headers = taxpayer["headers"]
    accept_assessment(nameko_config, VALID_PESEL, 120_00, tax_year=NEXT_YEAR, tax_type="waste_fee")
    waste = wait_for(lambda: [x for x in client.get(f"/api/v1/taxpayers/{VALID_PESEL}/liabilities",
                                                    headers=headers).get_json() if x["annual_amount_grosze"] == 120_00])
    property_account = client.get(f"/api/v1/taxpayers/{VALID_PESEL}/tax-accounts", headers=headers
                                  ).get_json()
    number = next(a for a in property_account if a["tax_type"] == "property_tax")["account_number"]
    contract.POST_CASH_PAYMENT(rpc, actor=OFFICER, idempotency_key="desk-explain-1", account_number=number,
                               amount_grosze=200_00, paid_on=f"{NEXT_YEAR - 1}-12-01")
    accept(nameko_config, VALID_PESEL, rebooking={"payment_date": f"{NEXT_YEAR - 1}-12-01", "amount_grosze": 200_00,
                                                  "payment_reference": None,
                                                  "target_liability_id": waste[0]["liability_id"]})
    balance = wait_for(lambda: (b := client.get(f"/api/v1/taxpayers/{VALID_PESEL}/balance", headers=headers
                                                ).get_json())["overpayment_grosze"] == 80_00 and b)
    assert balance["paid_grosze"] == 120_00 and balance["reconciles"]
    accept(nameko_config, VALID_PESEL, refund_claim={"amount_grosze": 80_00,
                                                     "bank_account": "61109010140000071219812874"})
    refunded = wait_for(lambda: (b := client.get(f"/api/v1/taxpayers/{VALID_PESEL}/balance", headers=headers
                                                 ).get_json())["refunded_grosze"] == 80_00 and b)
    assert refunded["overpayment_grosze"] == 0 and refunded["reconciles"]
    # A deleted portal account does not take the taxpayer's records with it.
    deleted = identity.ACCOUNT_DELETED.build(account_id=taxpayer["account_id"], pesel=VALID_PESEL,
                                             reason="wrong_person")
    event_dispatcher(nameko_config)("identity", "account_deleted", deleted)
    engine = sa.create_engine(service_databases.url("ledger"))
    with engine.connect() as conn:
        wait_for(lambda: conn.execute(sa.text("SELECT 1 FROM processed_events WHERE event_id = :e"),
                                      {"e": deleted["event_id"]}).first())
    engine.dispose()
    assert contract.OVERVIEW(rpc, actor={**OFFICER, "pesel": VALID_PESEL}, subject=VALID_PESEL)["payments"]


def test_unpaid_installments_due_on_a_day_in_pages(client, taxpayer, rpc):
    installments = client.get(f"/api/v1/taxpayers/{VALID_PESEL}/installments", headers=taxpayer["headers"]
                              ).get_json()
    due = installments[1]["due_date"]
    [page] = [contract.UNPAID_INSTALLMENTS_DUE(rpc, due_date=due, limit=10)]
    assert [row["installment_id"] for row in page] == [installments[1]["installment_id"]]
    assert page[0]["outstanding_grosze"] == 250_00 and page[0]["title"].startswith(VALID_PESEL)
    assert contract.UNPAID_INSTALLMENTS_DUE(rpc, due_date=due, after_installment_id=page[0]["installment_id"]) == []
