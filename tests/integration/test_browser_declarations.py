"""Filing a declaration, its UPO and a letter in a real Chromium against the gateway under
gunicorn, for a signed-in, authenticated taxpayer; every page checked with axe-core.
Screenshots go to test-artifacts/browser/declarations/."""
import re
from pathlib import Path

import pytest
from browser_steps_declarations import (
    fill_wizard_with_a_corrected_step,
    read_a_letter,
    submit_and_verify_upo,
    violations,
)
from declarations_helpers import sign_up

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser" / "declarations"
PASSWORD = "Zimowy-Spacer7"  # what helpers.registration registers with


def screenshots(page):
    step = iter(range(1, 100))

    def shot(name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{next(step):02d}-{name}.png"), full_page=True)
    return shot


def sign_in(page, login: str) -> None:
    page.goto("/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").last.click()
    assert page.url.endswith("/account")


@pytest.fixture
def taxpayer(page, client, system, service_databases):
    """Registered with consent to e-correspondence (letters come to the portal), authenticated,
    signed in in the browser."""
    anna = sign_up(client, system, service_databases)
    sign_in(page, f"t{anna.account['pesel']}")
    return anna


def test_file_a_declaration_verify_its_upo_and_read_a_letter(page, taxpayer, rpc):
    shot = screenshots(page)
    page.get_by_role("link", name="Deklaracje").click()
    fill_wizard_with_a_corrected_step(page, shot)
    filed = submit_and_verify_upo(page, shot)
    read_a_letter(page, shot, rpc, filed["case_id"])


def test_the_pages_in_english_and_without_a_session(page, taxpayer, client):
    page.goto("/language/en?next=/declarations")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="My drafts").is_visible()
    page.get_by_role("button", name="Fill in WPW").click()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save and review").click()
    assert page.locator(".error-summary").get_by_role("link").first.inner_text() == "This field is required."
    assert violations(page) == []
    for path in ("/cases", "/upo-verification"):
        page.goto(path)
        assert violations(page) == [], path

    page.context.clear_cookies()
    page.goto("/declarations")
    assert page.url.endswith("/login?next=/declarations")
    page.goto("/language/en?next=/upo-verification")  # public: anyone checks a UPO
    page.get_by_role("button", name="Verify").click()
    assert page.locator(".error-summary").is_visible()
    assert violations(page) == []


def test_an_account_not_yet_authenticated_is_told_so(page, client, system, service_databases):
    anna = sign_up(client, system, service_databases, authenticated=False)
    sign_in(page, f"t{anna.account['pesel']}")
    response = page.goto("/declarations")
    assert response.status == 403
    assert violations(page) == []



def test_repeating_rows_and_a_refused_signature_have_no_violations(page, taxpayer):
    page.goto("/declarations")
    page.get_by_role("button", name="Wypełnij IN-1").click()
    page.get_by_role("link", name="Przedmioty opodatkowania (ZIN-1)").click()
    page.get_by_label("Rodzaj przedmiotu").select_option("building_residential")
    page.get_by_role("button", name="Dodaj kolejną pozycję").click()
    assert page.get_by_role("group", name="Pozycja 2").is_visible()
    assert page.get_by_label("Rodzaj przedmiotu").first.input_value() == "building_residential"
    assert violations(page) == []
    page.get_by_role("button", name="Zapisz i dalej").click()
    summary = page.locator(".error-summary")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "f-objects-0-location"
    assert violations(page) == []

    draft_id = taxpayer.start("WPW")["draft_id"]
    taxpayer.fill(draft_id, {
        "who": {"taxpayer_name": "Anna Kowalska", "taxpayer_id": taxpayer.account["pesel"]},
        "details": {"payment_date": "2026-01-15", "amount": "10,00", "explanation": "Błędny tytuł",
                    "target_liability_id": "8d1f0c59-95a4-4a54-8b43-2b3c9c0a1f77"}})
    page.goto("/declarations")
    page.locator("#drafts").locator("xpath=following-sibling::table[1]").get_by_role(
        "link", name=re.compile("^Kontynuuj WPW")).click()
    assert page.url.endswith("/review")
    page.get_by_label("Podpis kwalifikowany (prześlij podpisany plik XML)").check()
    page.get_by_role("button", name="Złóż deklarację").click()
    page.locator(".error-summary").get_by_role("link", name="Brak podpisanego dokumentu.").click()
    assert page.evaluate("document.activeElement.id") == "f-signed_xml"
    assert violations(page) == []
