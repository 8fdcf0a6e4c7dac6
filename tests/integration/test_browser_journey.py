"""THE taxpayer's journey in a real Chromium, one step after another, each ending on a portal page
that passes axe-core, with a screenshot in test-artifacts/browser/journey/NN-<step>.png:
register -> verify the e-mail and the phone -> sign in -> authenticate with the (fake) trusted
profile -> see the liabilities -> pay an installment through the (fake) payment operator -> see
the payment allocated -> fill a declaration wizard with a wrong step corrected -> submit -> download
the UPO and verify it -> read a letter from the office.

A step is a function of the `Journey`; `STEPS` runs in order; what a step leaves for later ones
goes into `journey.kept`. The declaration steps live in `browser_steps_declarations.py` (shared
with test_browser_declarations.py) and take their own screenshots of the pages between."""
import re
import uuid
from dataclasses import dataclass, field

import pytest
from browser_helpers import ARTIFACTS, shot, violations
from browser_steps_declarations import fill_wizard_with_a_corrected_step, read_a_letter, submit_and_verify_upo
from event_recorder import RecordedEvents
from helpers import VALID_PESEL, unique_mobile
from ledger_helpers import accept_assessment, wait_for
from playwright.sync_api import Page

from portal_shared.contracts import identity
from portal_shared.contracts import ledger as contract
from portal_shared.testing import free_port, start_process

pytestmark = pytest.mark.slow

FOLDER = ARTIFACTS / "journey"
PASSWORD = "Zimowy-Spacer7"


@dataclass
class Journey:
    page: Page
    identity_events: RecordedEvents
    login_node: str
    operator: str
    rpc: object
    pesel: str = VALID_PESEL
    first_name: str = "Anna"
    last_name: str = "Kowalska"
    email: str = "anna.journey@example.pl"
    login: str = "anna.journey"
    mobile: str = field(default_factory=unique_mobile)
    kept: dict = field(default_factory=dict)   # what a step leaves for later ones


def register(journey: Journey) -> None:
    page = journey.page
    page.goto("/")
    page.get_by_role("link", name="Załóż konto").first.click()
    captcha_id = page.locator("input[name=captcha_id]").get_attribute("value")
    answer = page.request.get(f"/dev/captcha/{captcha_id}").json()["answer"]
    for label, value in [("Imię", journey.first_name), ("Nazwisko", journey.last_name), ("PESEL", journey.pesel),
                         ("Ulica", "Wielicka"), ("Numer domu", "28a"), ("Kod pocztowy", "30-552"),
                         ("Miejscowość", "Kraków"), ("Adres e-mail", journey.email),
                         ("Telefon komórkowy", journey.mobile), ("Login", journey.login),
                         ("Hasło", PASSWORD), ("Powtórz hasło", PASSWORD),
                         ("Tekst z obrazka lub z nagrania", answer)]:
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Akceptuję regulamin portalu").check()
    page.get_by_label("Zgadzam się na doręczanie pism drogą elektroniczną").check()  # letters come to the portal
    page.get_by_role("button", name="Załóż konto").click()
    assert page.url.endswith("/verify-email")


def verify_email(journey: Journey) -> None:
    page = journey.page
    email = wait_for(lambda: [m for m in page.request.get("/dev/messages").json()["emails"]
                              if journey.email in m["rcpt_to"]])[-1]
    page.get_by_label("Kod weryfikacyjny").fill(re.search(r"\b(\d{6})\b", email["text"]).group(1))
    page.get_by_role("button", name="Zweryfikuj", exact=True).click()
    assert page.url.endswith("/verify-phone")


def verify_phone(journey: Journey) -> None:
    page = journey.page
    [sms] = journey.identity_events.wait_for(identity.PHONE_VERIFICATION_REQUESTED, phone=journey.mobile)
    page.get_by_label("Kod z SMS-a").fill(sms["code"])
    page.get_by_role("button", name="Zweryfikuj numer").click()
    assert page.url.endswith("/login")
    assert "Numer telefonu został zweryfikowany" in page.locator("[role=status]").inner_text()


def sign_in(journey: Journey) -> None:
    page = journey.page
    page.get_by_label("Login").fill(journey.login)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").last.click()
    assert page.url.endswith("/account")
    assert "konto wymaga uwierzytelnienia" in page.locator("main").inner_text()


def authenticate_with_trusted_profile(journey: Journey) -> None:
    page = journey.page
    page.get_by_role("link", name="Uwierzytelnij konto").click()
    page.get_by_role("link", name="Zaloguj się profilem zaufanym").click()
    assert page.url.startswith(journey.login_node + "/sso")
    page.get_by_label("PESEL").fill(journey.pesel)
    page.get_by_label("First name").fill(journey.first_name)
    page.get_by_label("Last name").fill(journey.last_name)
    page.get_by_role("button", name="Log in").click()   # the node posts the signed answer back to us
    page.get_by_role("heading", name="Konto zostało uwierzytelnione.").wait_for()


def see_liabilities(journey: Journey) -> None:
    page = journey.page
    page.get_by_role("link", name="Moje zobowiązania").click()
    assert page.url.endswith("/my")
    liabilities = page.get_by_role("table").inner_text()
    assert "Podatek od nieruchomości" in liabilities and "1 001,00\u00a0zł" in liabilities
    assert "251,00\u00a0zł" in page.locator("section", has=page.get_by_role("heading", name="Najbliższa rata")
                                            ).inner_text()


def pay_an_installment_online(journey: Journey) -> None:
    page = journey.page
    page.get_by_role("link", name="Zapłać ratę 1", exact=True).click()
    journey.kept["installment_url"] = page.url
    page.get_by_role("button", name="Zapłać online — 251,00\u00a0zł").click()
    page.get_by_role("link", name="Przejdź do operatora płatności").click()
    assert page.url.startswith(journey.operator + "/trnRequest/")
    page.get_by_role("button", name="Zapłać").click()   # the operator notifies us, then sends the payer back
    page.get_by_role("heading", name="Dziękujemy za płatność").wait_for()


def see_the_payment_allocated(journey: Journey) -> None:
    page = journey.page
    page.get_by_role("link", name="Zobacz wpłaty").click()
    payment = page.locator("section.payment").first.inner_text()
    assert "płatność online" in payment and "należność" in payment and "251,00\u00a0zł" in payment
    page.goto(journey.kept["installment_url"])
    assert "Ta rata jest zapłacona." in page.locator("main").inner_text()
    page.get_by_role("link", name="Wpłaty", exact=True).click()


def _between(journey: Journey):
    """Screenshots of the pages inside a declaration step, named after the step they belong to."""
    return lambda name: shot(journey.page, f"{journey.kept['step']}-{name}", FOLDER)


def fill_a_declaration_wizard(journey: Journey) -> None:
    journey.page.get_by_role("link", name="Deklaracje").click()
    journey.kept["draft_id"] = fill_wizard_with_a_corrected_step(journey.page, _between(journey))


def submit_and_verify_the_upo(journey: Journey) -> None:
    journey.kept["filed"] = submit_and_verify_upo(journey.page, _between(journey))


def read_the_offices_letter(journey: Journey) -> None:
    read_a_letter(journey.page, _between(journey), journey.rpc, journey.kept["filed"]["case_id"])


STEPS = [register, verify_email, verify_phone, sign_in, authenticate_with_trusted_profile, see_liabilities,
         pay_an_installment_online, see_the_payment_allocated, fill_a_declaration_wizard,
         submit_and_verify_the_upo, read_the_offices_letter]


@pytest.fixture
def login_node(served_gateway, monkeypatch):
    """The fake national login node; identity (in this process) sends people to it and takes its
    answers at the served gateway's address."""
    port = free_port()
    process = start_process("identity.fakes.login_node", "--port", str(port), ports=(port,))
    monkeypatch.setenv("LOGIN_NODE_METADATA_URL", f"http://127.0.0.1:{port}/metadata")
    monkeypatch.setenv("PUBLIC_BASE_URL", served_gateway)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


@pytest.fixture
def assessed(rpc, nameko_config):
    """The office has assessed the property tax the journey pays (as declarations would)."""
    from datetime import date

    accept_assessment(nameko_config, VALID_PESEL, 1001_00, tax_year=date.today().year + 1)
    actor = {"account_id": str(uuid.uuid4()), "pesel": VALID_PESEL, "level": "authenticated", "roles": []}
    wait_for(lambda: contract.INSTALLMENTS(rpc, actor=actor, subject=VALID_PESEL))


@pytest.fixture
def journey(page, identity_events, login_node, operator, assessed, rpc):
    return Journey(page=page, identity_events=identity_events, login_node=login_node, operator=operator, rpc=rpc)


def test_the_taxpayers_journey(journey):
    for number, step in enumerate(STEPS, start=1):
        journey.kept["step"] = f"{number:02d}"
        step(journey)
        assert violations(journey.page) == [], step.__name__
        shot(journey.page, f"{number:02d}-{step.__name__}", FOLDER)
