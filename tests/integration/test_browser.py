"""In a real Chromium (Debian's, driven by Playwright) against the gateway under gunicorn:
every page passes axe-core's WCAG checks, and a taxpayer gets through what exists now with the
keyboard alone. Screenshots of each step go to test-artifacts/browser/."""
import re

import pytest
from browser_helpers import shot, violations
from helpers import VALID_PESEL, unique_mobile

from portal_shared.contracts import identity

pytestmark = pytest.mark.slow

PUBLIC_PAGES = [
    "/", "/faq", "/faq?q=konto", "/faq?q=nic-takiego", "/faq/sample-account-authentication",
    "/articles", "/articles/sample-property-tax-basics", "/legal-acts", "/forms", "/rates",
    "/rates/2025", "/interest-calculator",
    "/interest-calculator?amount=10000&due=2023-03-15&paid=2023-09-20",
    "/interest-calculator?amount=abc&due=2023-13-01&paid=2023-09-20",
    "/pay", "/accessibility", "/register", "/login", "/verify-email",
    "/verify-email?token=not-a-real-token-but-long-enough", "/api/docs", "/no-such-page",
]


IN_ENGLISH_TOO = ["/", "/rates", "/register", "/interest-calculator?amount=abc&due=2023-13-01&paid=2023-09-20",
                  "/api/docs"]


@pytest.mark.parametrize(("language", "path"),
                         [("pl", path) for path in PUBLIC_PAGES] + [("en", path) for path in IN_ENGLISH_TOO])
def test_the_page_has_no_accessibility_violations(page, path, language):
    if language == "en":
        page.goto(f"/language/en?next={path}" if "?" not in path else "/language/en")
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == language
    assert violations(page) == []


def test_a_form_with_errors_has_no_violations_and_links_errors_to_fields(page):
    page.goto("/register")
    page.get_by_role("button", name="Załóż konto").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "f-first_name"
    assert violations(page) == []
    shot(page, "register-errors")


def test_register_verify_sign_in_and_out_in_the_browser(page, served_gateway, identity_events):
    step = iter(range(1, 100))

    def checked(name: str) -> None:
        assert violations(page) == [], name
        shot(page, f"{next(step):02d}-{name}")

    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Przejdź do treści"
    checked("home")

    page.get_by_role("link", name="Załóż konto").first.click()
    captcha_id = page.locator("input[name=captcha_id]").get_attribute("value")
    answer = page.request.get(f"/dev/captcha/{captcha_id}").json()["answer"]
    mobile = unique_mobile()
    for label, value in [("Imię", "Anna"), ("Nazwisko", "Kowalska"), ("PESEL", VALID_PESEL),
                         ("Ulica", "Wielicka"), ("Numer domu", "28a"), ("Kod pocztowy", "30-552"),
                         ("Miejscowość", "Kraków"), ("Adres e-mail", "anna.browser@example.pl"),
                         ("Telefon komórkowy", mobile), ("Login", "anna.b"),
                         ("Hasło", "Zimowy-Spacer7"), ("Powtórz hasło", "Zimowy-Spacer7"),
                         ("Tekst z obrazka lub z nagrania", answer)]:
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Akceptuję regulamin portalu").check()
    checked("register-filled")
    page.get_by_role("button", name="Załóż konto").click()
    assert page.url.endswith("/verify-email")
    checked("verify-email-code")

    messages = page.request.get("/dev/messages").json()["emails"]
    [email] = [m for m in messages if "anna.browser@example.pl" in m["rcpt_to"]]
    token = re.search(r"verify-email\?token=([\w-]+)", email["text"]).group(1)
    page.goto(f"/verify-email?token={token}")
    checked("verify-email-link")
    page.get_by_role("button", name="Potwierdź adres e-mail").click()
    assert page.url.endswith("/verify-phone")   # the browser that registered goes on to the SMS code
    assert "zweryfikowany" in page.locator("[role=status]").inner_text()
    checked("verify-phone")

    [sms] = identity_events.wait_for(identity.PHONE_VERIFICATION_REQUESTED, phone=mobile)
    page.get_by_label("Kod z SMS-a").fill(sms["code"])
    page.get_by_role("button", name="Zweryfikuj numer").click()
    assert page.url.endswith("/login")
    assert "Numer telefonu został zweryfikowany" in page.locator("[role=status]").inner_text()
    checked("login")

    page.get_by_label("Login").fill("anna.b")
    page.get_by_label("Hasło").fill("Zimowy-Spacer7")
    page.get_by_role("button", name="Zaloguj się").last.click()
    assert page.url.endswith("/account")
    assert "Kowalska" in page.locator("main").inner_text()
    checked("my-account")

    page.get_by_role("button", name="Wyloguj się").click()
    assert page.url == served_gateway + "/"
    assert "Wylogowano." in page.locator("[role=status]").inner_text()
    checked("signed-out")
    page.goto("/account")
    assert page.url.endswith("/login?next=/account")
