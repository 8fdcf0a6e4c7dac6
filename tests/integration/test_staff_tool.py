"""The staff tool (`portal-staff`, through click's CliRunner) against the running services: every
command, each refused to a role that may not use it by the service that owns the data, each action in
that service's staff audit; and the helpline's caller card (seed 003) by phone and telePIN."""
import json
import uuid

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from declarations_helpers import sign_up
from test_ledger_taxpayer import accept_assessment, wait_for

from identity.bootstrap_staff import create_admin
from portal_shared.contracts import identity, ledger
from portal_staff.cli import main

ADMIN_PASSWORD = "Urząd-Skarbowy-2026"  # noqa: S105  test input
PASSWORDS = {"urzednik": "Kasa-Urzedu-2026", "konsultant": "Infolinia-KAS-2026"}
COMPANY_NIP = "5260250274"
PIN = "482915"


@pytest.fixture
def cli(system, service_databases, nameko_config, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_STAFF_HOME", str(tmp_path))
    monkeypatch.setenv("AMQP_URI", nameko_config["AMQP_URI"])
    create_admin("admin.kowalski", "Jan Kowalski", ADMIN_PASSWORD, url=service_databases.url("identity"))
    runner = CliRunner()

    def run(*args, ok=True):
        result = runner.invoke(main, [str(arg) for arg in args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    def as_(login):
        password = ADMIN_PASSWORD if login == "admin.kowalski" else PASSWORDS[login]
        run("login", "--login", login, "--password", password)

    as_("admin.kowalski")
    for login, role in (("urzednik", "tax_officer"), ("konsultant", "consultant")):
        run("staff", "create", "--login", login, "--name", login.title(), "--role", role, "--password",
            PASSWORDS[login])
    run.as_ = as_
    run.json = lambda *args: json.loads(run(*args, "--json").output)
    return run


def refused(cli, *args, code="role.required"):
    result = cli(*args, ok=False)
    assert result.exit_code == 2 and f"refused: {code}" in result.output, (args, result.output)


def staff_audit(cli, service, action):
    cli.as_("admin.kowalski")
    return [entry for entry in cli.json("audit", "--service", service) if entry["action"] == action]


@pytest.fixture
def anna(client, system, service_databases, nameko_config):
    """An authenticated taxpayer with a property tax liability, a telePIN and the phone she calls from."""
    taxpayer = sign_up(client, system, service_databases)  # registered with +48 601 234 567
    accept_assessment(nameko_config, taxpayer.account["pesel"], 1001_00)
    wait_for(lambda: taxpayer.get(f"/api/v1/taxpayers/{taxpayer.account['pesel']}/liabilities").get_json())
    done = taxpayer.put("/api/v1/telepin", json={"telepin": PIN, "telepin_repeated": PIN})
    assert done.status_code == 200, done.get_json()
    return taxpayer


def test_an_officer_finds_a_taxpayer_every_way_and_reads_the_card(cli, anna):
    pesel = anna.account["pesel"]
    account_number = anna.get(f"/api/v1/taxpayers/{pesel}/tax-accounts").get_json()[0]["account_number"]
    cli.as_("konsultant")
    refused(cli, "taxpayer", "find", "--pesel", pesel)
    refused(cli, "taxpayer", "find", "--account-number", account_number)
    cli.as_("urzednik")
    for query in (("--pesel", pesel), ("--name", "kowalska anna"), ("--account-number", account_number)):
        found = cli.json("taxpayer", "find", *query)
        assert [row["pesel"] for row in found] == [pesel], query
    table = cli("taxpayer", "find", "--pesel", pesel).output
    assert "PESEL" in table.splitlines()[0] and pesel in table
    card = cli.json("taxpayer", "card", anna.account["account_id"])
    assert card["account"]["pesel"] == pesel and card["telepin"]["status"] == "active"
    assert [x["annual_amount_grosze"] for x in card["ledger"]["liabilities"]] == [1001_00]
    assert "== liabilities ==" in cli("taxpayer", "card", anna.account["account_id"]).output
    assert staff_audit(cli, "ledger", "overview_read")[0]["subject"] == pesel
    assert staff_audit(cli, "declarations", "records_read")[0]["subject"] == pesel


def test_the_cash_desk_posts_once_and_a_payment_is_rebooked(cli, anna, nameko_config):
    pesel = anna.account["pesel"]
    accept_assessment(nameko_config, pesel, 300_00, tax_year=2025, tax_type="waste_fee")
    waste = wait_for(lambda: [x for x in anna.get(f"/api/v1/taxpayers/{pesel}/liabilities").get_json()
                              if x["tax_year"] == 2025])[0]["liability_id"]
    accounts = anna.get(f"/api/v1/taxpayers/{pesel}/tax-accounts").get_json()
    property_account = next(a for a in accounts if a["tax_type"] == "property_tax")["account_number"]
    desk = ("payment", "cash", "--account-number", property_account, "--amount", "25,50", "--paid-on",
            "2026-03-02", "--key", "KP-2026-0001")
    cli.as_("konsultant")
    refused(cli, *desk)
    cli.as_("urzednik")
    first, again = cli.json(*desk), cli.json(*desk)
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert sum(a["grosze"] for a in first["allocations"]) == 25_50
    assert cli("payment", "cash", *desk[2:6], "12.345", *desk[6:], ok=False).exit_code == 2  # grosze only
    moved = cli.json("payment", "rebook", first["payment_id"], "--to", waste)
    assert sum(a["grosze"] for a in moved["allocations"]) == 25_50  # over the waste fee's months
    cli.as_("konsultant")
    refused(cli, "payment", "rebook", first["payment_id"], "--to", waste)
    [posted] = staff_audit(cli, "ledger", "cash_payment_posted")
    assert posted["subject"] == pesel and posted["details"]["amount_grosze"] == 25_50
    assert [e["subject"] for e in staff_audit(cli, "ledger", "payment_rebooked")] == [first["payment_id"]]


def test_an_officer_authenticates_in_person_and_deletes_a_disputed_account(cli, client, system, service_databases):
    unproven = sign_up(client, system, service_databases, authenticated=False)
    squatter = sign_up(client, system, service_databases, authenticated=False)
    proof = ("--document-kind", "id_card", "--document-number", "ABC123456")
    cli.as_("konsultant")
    refused(cli, "taxpayer", "authenticate", unproven.account["account_id"], "--pesel", unproven.account["pesel"],
            *proof)
    cli.as_("urzednik")
    done = cli.json("taxpayer", "authenticate", unproven.account["account_id"], "--pesel",
                    unproven.account["pesel"], *proof)
    assert done["level"] == "authenticated"
    deleted = cli.json("taxpayer", "delete-disputed", squatter.account["account_id"], "--pesel",
                       squatter.account["pesel"], *proof, "--note", "PESEL właściciela z dowodu")
    assert deleted["deleted"] is True
    officer = cli.json("whoami")["account_id"]
    cli.as_("admin.kowalski")
    done_by_officer = {(e["action"], e["subject"]) for e in cli.json("audit", "--by", officer, "--limit", "200")}
    assert {("account_authenticated", unproven.account["account_id"]),
            ("account_deleted", squatter.account["account_id"])} <= done_by_officer


def _a_case(taxpayer) -> str:
    draft_id = taxpayer.start("WPW")["draft_id"]
    taxpayer.fill(draft_id, {
        "who": {"taxpayer_name": "Anna Kowalska", "taxpayer_id": taxpayer.account["pesel"]},
        "details": {"payment_date": "2026-01-15", "amount": "1234,56", "payment_reference": "PN 2026 rata 1",
                    "target_liability_id": str(uuid.uuid4()), "explanation": "Wpłata z błędnym tytułem"}})
    done = taxpayer.submit(draft_id, method="session")
    assert done.status_code == 201, done.get_json()
    return done.get_json()["case_id"]


def test_an_officer_decides_cases_and_sends_a_letter(cli, client, system, service_databases):
    anna = sign_up(client, system, service_databases)
    approved, rejected = _a_case(anna), _a_case(anna)
    cli.as_("konsultant")
    refused(cli, "case", "approve", approved)
    refused(cli, "letter", approved, "--subject", "Wezwanie", "--body", "Prosimy o dokumenty.")
    cli.as_("urzednik")
    cli("case", "status", approved, "in_review")
    assert cli.json("case", "approve", approved)["status"] == "accepted"
    assert cli.json("case", "reject", rejected, "--note", "Brak potwierdzenia przelewu.")["status"] == "rejected"
    letter = cli.json("letter", rejected, "--subject", "Postanowienie", "--body", "Uzasadnienie odmowy.")
    assert letter["channel"] in ("portal", "paper")
    cases = {c["case_id"]: c["status"] for c in anna.get("/api/v1/cases").get_json()}
    assert (cases[approved], cases[rejected]) == ("accepted", "rejected")
    changed = staff_audit(cli, "declarations", "case_status_changed")
    assert {(e["details"]["case_id"], e["details"]["status"]) for e in changed} >= {
        (approved, "accepted"), (rejected, "rejected")}
    assert staff_audit(cli, "declarations", "letter_sent")[0]["details"]["letter_id"] == letter["letter_id"]


def test_failed_notifications_are_listed_and_one_is_retried(cli, service_databases):
    engine = sa.create_engine(service_databases.url("notifications"))
    message_id = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO messages (id, cause_id, message_type, channel, recipient, language, subject, body_text,"
            " status, attempts, last_error, history) VALUES (:id, 'test', 'letter_sent', 'email',"
            " 'anna@example.pl', 'pl', 'Pismo', 'Treść', 'failed', 5, 'smtp 550', '[]')"), {"id": message_id})
    engine.dispose()
    cli.as_("urzednik")
    listed = cli("notifications", "failed").output
    assert "MESSAGE_ID" in listed and message_id in listed
    assert cli.json("notifications", "retry", message_id)["message_id"] == message_id
    assert message_id not in cli("notifications", "failed").output
    refused(cli, "notifications", "retry", message_id, code="message.not_failed")
    [retried] = staff_audit(cli, "notifications", "message_retried")
    assert retried["details"]["message_id"] == message_id


# --- the helpline's caller card (seed 003) --------------------------------------------------------
def test_a_caller_with_the_right_telepin_gets_their_card_and_the_look_up_is_audited(cli, anna):
    cli.as_("urzednik")
    refused(cli, "caller", "verify", "--phone", "601 234 567", "--telepin", PIN)  # consultants only
    cli.as_("konsultant")
    card = cli.json("caller", "verify", "--phone", "601 234 567", "--telepin", PIN)
    assert card["caller"]["pesel"] == anna.account["pesel"] and card["subject"] == anna.account["pesel"]
    assert card["caller"]["address"]["city"] == "Kraków" and card["caller"]["level"] == "authenticated"
    assert [x["annual_amount_grosze"] for x in card["ledger"]["liabilities"]] == [1001_00]
    assert {"payments", "overpayments", "reminders"} <= set(card["ledger"])
    shown = cli("caller", "verify", "--phone", "601 234 567", "--telepin", PIN).output
    assert "== liabilities ==" in shown and "== declarations ==" in shown
    [read] = staff_audit(cli, "ledger", "overview_read")[-1:]
    assert read["details"]["allowed_by"] == f"caller:{anna.account['account_id']}"


def test_without_a_telepin_only_general_information_and_no_data(cli, anna, rpc):
    cli.as_("konsultant")
    assert "general information only" in cli("caller", "verify", "--phone", "601 234 567").output
    consultant = cli.json("whoami")
    with pytest.raises(Exception) as refused_directly:  # the service itself refuses an unverified look-up
        ledger.STAFF_OVERVIEW(rpc, actor=consultant, subject=anna.account["pesel"], verification_id=None)
    assert type(refused_directly.value).__name__ == "Forbidden"
    assert staff_audit(cli, "ledger", "overview_read") == []


def test_a_wrong_telepin_is_refused_and_three_block_it(cli, anna):
    cli.as_("konsultant")
    for wrong in ("000001", "000002", "000003"):
        refused(cli, "caller", "verify", "--phone", "601 234 567", "--telepin", wrong, code="telepin.refused")
    refused(cli, "caller", "verify", "--phone", "601 234 567", "--telepin", PIN, code="telepin.refused")
    assert anna.get("/api/v1/telepin").get_json()["status"] == "blocked"


def test_a_caller_asks_for_a_principal_only_within_the_mandate(cli, anna, client, system, service_databases, rpc,
                                                                nameko_config):
    stranger = sign_up(client, system, service_databases, phone="+48 602 000 111")
    officer = {"account_id": str(uuid.uuid4()), "level": "authenticated", "roles": ["tax_officer"]}
    for principal, name, scopes in ((COMPANY_NIP, "Firma Sp. z o.o.", ["view"]),
                                    (stranger.account["pesel"], "Jan Nowak", ["pay"])):
        identity.GRANT_MANDATE(rpc, actor=officer, principal=principal, principal_name=name, scopes=scopes,
                               agent_account_id=anna.account["account_id"], valid_from="2020-01-01", valid_to=None,
                               kind="organisation_user" if principal == COMPANY_NIP else "general_attorney")
    accept_assessment(nameko_config, COMPANY_NIP, 500_00)
    cli.as_("konsultant")
    card = wait_for(lambda: (found := cli.json("caller", "verify", "--phone", "601 234 567", "--telepin", PIN,
                                               "--on-behalf-of", COMPANY_NIP))["ledger"]["liabilities"] and found)
    assert card["subject"] == COMPANY_NIP and card["on_behalf_of"] == COMPANY_NIP
    assert [x["annual_amount_grosze"] for x in card["ledger"]["liabilities"]] == [500_00]  # the company's only
    assert sorted(p["principal"] for p in card["caller"]["principals"]) == sorted(
        [COMPANY_NIP, stranger.account["pesel"]])
    # a principal by a mandate without `view`, and someone the caller has no mandate for: nothing shown
    for subject in (stranger.account["pesel"], "80010112345"):
        refused(cli, "caller", "verify", "--phone", "601 234 567", "--telepin", PIN, "--on-behalf-of", subject,
                code="caller.not_verified")
    reads = staff_audit(cli, "declarations", "records_read")
    assert {r["subject"] for r in reads if r["details"]["allowed_by"].startswith("caller:")} == {COMPANY_NIP}
