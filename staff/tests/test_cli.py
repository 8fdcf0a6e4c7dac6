"""The staff tool against a running identity service: sign-in, roles enforced by the service,
tables and JSON, and the session file kept private."""
import json
import stat

import pytest
from click.testing import CliRunner

from identity.bootstrap_staff import create_admin
from portal_staff.cli import main
from portal_staff.client import session_file

ADMIN_PASSWORD = "Urząd-Skarbowy-2026"  # noqa: S105  test input


@pytest.fixture
def cli(service_containers, service_databases, tmp_path, monkeypatch):
    service_containers("identity")
    create_admin("admin.kowalski", "Jan Kowalski", ADMIN_PASSWORD, url=service_databases.url("identity"))
    monkeypatch.setenv("PORTAL_STAFF_HOME", str(tmp_path))
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)
    return run


def sign_in(cli, login, password):
    result = cli("login", "--login", login, "--password", password)
    assert result.exit_code == 0, result.output
    return result


def test_an_admin_signs_in_creates_a_consultant_and_sees_it_in_the_list(cli):
    assert "signed in: admin.kowalski (admin)" in sign_in(cli, "admin.kowalski", ADMIN_PASSWORD).output
    assert stat.S_IMODE(session_file().stat().st_mode) == 0o600
    created = cli("staff", "create", "--login", "anna.nowak", "--name", "Anna Nowak", "--role", "consultant",
                  "--password", "Infolinia-KAS-2026", "--json")
    assert created.exit_code == 0, created.output
    assert json.loads(created.output)["roles"] == ["consultant"]
    listed = cli("staff", "list")
    assert "LOGIN" in listed.output and "anna.nowak" in listed.output and "consultant" in listed.output
    audit = json.loads(cli("audit", "--json").output)
    assert any(entry["action"].startswith("staff") for entry in audit)


def test_a_consultant_is_refused_admin_commands_by_the_service(cli):
    sign_in(cli, "admin.kowalski", ADMIN_PASSWORD)
    cli("staff", "create", "--login", "anna.nowak", "--name", "Anna Nowak", "--role", "consultant",
        "--password", "Infolinia-KAS-2026")
    sign_in(cli, "anna.nowak", "Infolinia-KAS-2026")
    assert json.loads(cli("whoami", "--json").output)["roles"] == ["consultant"]
    for command in (("staff", "list"), ("audit",), ("failed-events", "identity")):
        refused = cli(*command)
        assert refused.exit_code == 2 and "refused: role.required" in refused.output, command


def test_without_signing_in_nothing_runs_and_a_logout_ends_the_session(cli):
    refused = cli("whoami")
    assert refused.exit_code == 2 and "staff.not_signed_in" in refused.output
    sign_in(cli, "admin.kowalski", ADMIN_PASSWORD)
    assert cli("logout").output.strip() == "signed out"
    assert cli("whoami").exit_code == 2
    wrong = cli("login", "--login", "admin.kowalski", "--password", "wrong")
    assert wrong.exit_code == 2


@pytest.mark.parametrize(("typed", "grosze"), [("25,50", 25_50), ("1000", 1000_00), ("0.01", 1)])
def test_amounts_are_typed_in_zloty_and_become_grosze(typed, grosze):
    from portal_staff.cli import grosze as to_grosze
    assert to_grosze(None, None, typed) == grosze


@pytest.mark.parametrize("typed", ["12.345", "0", "-5", "dwa złote", "NaN"])
def test_an_amount_that_is_not_whole_grosze_is_refused(typed):
    import click

    from portal_staff.cli import grosze as to_grosze
    with pytest.raises(click.BadParameter):
        to_grosze(None, None, typed)
