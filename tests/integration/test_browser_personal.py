"""The taxpayer's own pages in a real Chromium: liabilities, installments with transfer details
and a ZBP QR code, payments and their allocation, overpayments, interest, the calendar (.ics) and
notification settings. Every page passes axe-core in Polish and English; the books shown are
whom the session acts for. Screenshots go to test-artifacts/browser/personal/."""
import uuid
from datetime import date, timedelta

import icalendar
import pytest
import segno
from browser_helpers import ARTIFACTS, shot, violations
from identity_helpers import ANNA_PESEL, JAN_PESEL, staff
from ledger_helpers import accept_assessment, wait_for

from portal_shared.contracts import identity
from portal_shared.contracts import ledger as contract

pytestmark = pytest.mark.slow

FOLDER = ARTIFACTS / "personal"
PASSWORD = "Zimowy-Spacer7"
THIS_YEAR = date.today().year
OFFICER = staff("tax_officer")


def sign_in_browser(page, client, account: dict) -> str:
    """The account's session in the browser's cookie, as the sign-in page would leave it."""
    token = client.post("/api/v1/sessions", json={"login": account["login"], "password": PASSWORD}).get_json()["token"]
    page.context.add_cookies([{"name": "portal_session", "value": token, "url": page.url or "http://127.0.0.1"}])
    return token


def books_of(rpc, subject: str) -> dict:
    return contract.OVERVIEW(rpc, actor={**OFFICER, "pesel": subject}, subject=subject)


def assess(rpc, nameko_config, subject: str, annual: int, tax_year: int, tax_type: str) -> None:
    accept_assessment(nameko_config, subject, annual, tax_year=tax_year, tax_type=tax_type)
    wait_for(lambda: any(x["tax_year"] == tax_year and x["annual_amount_grosze"] == annual
                         for x in books_of(rpc, subject)["liabilities"]))


def pay_at_the_desk(rpc, subject: str, tax_type: str, grosze: int, paid_on: date) -> None:
    account = next(a for a in books_of(rpc, subject)["tax_accounts"] if a["tax_type"] == tax_type)
    contract.POST_CASH_PAYMENT(rpc, actor=OFFICER, idempotency_key=f"desk-{uuid.uuid4().hex}",
                               account_number=account["account_number"], amount_grosze=grosze,
                               paid_on=paid_on.isoformat())


@pytest.fixture
def taxpayer(page, client, make_account, rpc, nameko_config, served_gateway):
    """Anna, authenticated, with this year's property tax (one installment paid at the desk with
    10 zł too much on the forest tax), and last year's waste fee unpaid (interest grows)."""
    anna = make_account(pesel=ANNA_PESEL, level="authenticated")
    assess(rpc, nameko_config, ANNA_PESEL, 1001_00, THIS_YEAR + 1, "property_tax")
    assess(rpc, nameko_config, ANNA_PESEL, 1200_00, THIS_YEAR - 1, "waste_fee")
    assess(rpc, nameko_config, ANNA_PESEL, 40_00, THIS_YEAR + 1, "forest_tax")
    pay_at_the_desk(rpc, ANNA_PESEL, "property_tax", 251_00, date.today())
    pay_at_the_desk(rpc, ANNA_PESEL, "forest_tax", 50_00, date.today())
    page.goto(served_gateway + "/")
    anna["token"] = sign_in_browser(page, client, anna)
    anna["books"] = books_of(rpc, ANNA_PESEL)
    return anna


def earliest_unpaid(taxpayer: dict) -> str:
    return min(i["due_date"] for i in taxpayer["books"]["installments"] if i["status"] != "paid")


def shown_date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def checked(page, name: str) -> None:
    assert page.locator("html").get_attribute("lang") in ("pl", "en")
    assert violations(page) == [], name
    shot(page, name, FOLDER)


def test_every_personal_page_passes_axe_in_polish_and_english(page, taxpayer):
    unpaid = next(i for i in taxpayer["books"]["installments"] if i["status"] != "paid")
    paid = next(i for i in taxpayer["books"]["installments"] if i["status"] == "paid")
    pages = {"dashboard": "/my", "installments": "/my/installments",
             "installment-unpaid": f"/my/installments/{unpaid['installment_id']}",
             "installment-paid": f"/my/installments/{paid['installment_id']}", "payments": "/my/payments",
             "overpayments": "/my/overpayments", "interest": "/my/interest", "notifications": "/my/notifications",
             "payment-return": "/payments/return", "account": "/account", "authenticate": "/account/authenticate"}
    for language in ("pl", "en"):
        page.goto(f"/language/{language}?next=/my")
        for name, path in pages.items():
            response = page.goto(path)
            assert response.status == 200, path
            assert page.locator("html").get_attribute("lang") == language
            checked(page, f"{language}-{name}")


def test_the_dashboard_shows_what_is_owed_and_the_liabilities(page, taxpayer):
    balance = taxpayer["books"]["balance"]
    assert balance["interest_today_grosze"] > 0 and balance["overpayment_grosze"] == 10_00
    page.goto("/my")
    summary = page.locator("section", has=page.get_by_role("heading", name="Podsumowanie"))
    assert "10,00\u00a0zł" in summary.inner_text()   # the overpayment
    liabilities = page.get_by_role("table").inner_text()
    for expected in ("Podatek od nieruchomości", "1 001,00\u00a0zł", "Opłata za gospodarowanie odpadami",
                     "1 200,00\u00a0zł", "Podatek leśny", "40,00\u00a0zł"):
        assert expected in liabilities
    # The next installment is last year's January waste fee, overdue since long ago.
    assert shown_date(earliest_unpaid(taxpayer)) in page.locator("section", has=page.get_by_role(
        "heading", name="Najbliższa rata")).inner_text()


def test_an_installment_has_transfer_details_and_a_zbp_qr_code_of_exactly_them(page, taxpayer, client):
    property_account = next(a for a in taxpayer["books"]["tax_accounts"] if a["tax_type"] == "property_tax")
    second = next(i for i in taxpayer["books"]["installments"]
                  if i["tax_account_id"] == property_account["tax_account_id"] and i["number"] == 2)
    page.goto("/my/installments")
    page.get_by_role("link", name=f"Zapłać ratę 2 — Podatek od nieruchomości {THIS_YEAR + 1}").click()
    assert page.url.endswith(f"/my/installments/{second['installment_id']}")
    details = page.locator(".transfer dl").inner_text()
    number = property_account["account_number"]
    assert f"{number[:2]} {number[2:6]} {number[6:10]}" in details and "250,00\u00a0zł" in details
    assert page.locator(".account-number").inner_text().replace(" ", "") == number
    [transfer] = client.get(f"/api/v1/taxpayers/{ANNA_PESEL}/transfer-details",
                            query_string={"installment_id": second["installment_id"]},
                            headers={"Authorization": f"Bearer {taxpayer['token']}"}).get_json()
    assert transfer["qr_string"].split("|")[1:4] == ["PL", property_account["account_number"], "025000"]
    expected = segno.make(transfer["qr_string"], error="m", micro=False)
    drawn = page.locator(".qr-code svg path.qrline").get_attribute("d")
    assert drawn == _svg_path(expected)
    assert page.get_by_role("img", name="Kod QR do przelewu").is_visible()


def _svg_path(qr) -> str:
    import re

    svg = qr.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="qr", omitsize=True)
    return re.findall(r' d="([^"]+)"', svg)[-1]


def test_payments_show_their_allocation_and_overpayments_their_amount(page, taxpayer):
    page.goto("/my/payments")
    text = page.locator("main").inner_text()
    assert text.count("kasa urzędu") == 2
    assert "należność" in text and "nadpłata" in text and "251,00\u00a0zł" in text
    page.goto("/my/overpayments")
    assert "10,00\u00a0zł" in page.get_by_role("table").inner_text()
    page.goto("/my/interest")
    owed = page.get_by_role("table").inner_text()
    assert shown_date(earliest_unpaid(taxpayer)) in owed and "100,00\u00a0zł" in owed


def test_the_installment_calendar_downloads_as_ics(page, taxpayer):
    page.goto("/my/installments")
    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz kalendarz rat (.ics)").click()
    assert download.value.suggested_filename == "raty.ics"
    calendar = icalendar.Calendar.from_ical(open(download.value.path(), "rb").read())
    events = calendar.walk("VEVENT")
    unpaid = [i for i in taxpayer["books"]["installments"] if i["status"] != "paid"]
    assert sorted(e.decoded("dtstart").isoformat() for e in events) == sorted(i["due_date"] for i in unpaid)
    first = next(e for e in events if e.decoded("dtstart").isoformat() == earliest_unpaid(taxpayer))
    waste = next(a for a in taxpayer["books"]["tax_accounts"] if a["tax_type"] == "waste_fee")
    assert waste["account_number"] in str(first["description"])
    assert "Opłata za gospodarowanie odpadami" in str(first["summary"])
    assert first.walk("VALARM")[0].decoded("trigger") == timedelta(days=-3)


def test_notification_settings_work_without_javascript(page, browser, served_gateway, taxpayer, client):
    context = browser.new_context(base_url=served_gateway, locale="pl-PL", java_script_enabled=False)
    context.add_cookies([{"name": "portal_session", "value": taxpayer["token"], "url": served_gateway}])
    plain = context.new_page()
    try:
        plain.goto("/my/notifications")
        plain.get_by_label("SMS-y na zweryfikowany numer telefonu").check()
        plain.get_by_label("Od (GG:MM)").fill("21:00")
        plain.get_by_role("button", name="Zapisz ustawienia").click()
        assert plain.get_by_role("link", name="Podaj obie godziny albo żadnej.").is_visible()
        plain.get_by_label("Do (GG:MM)").fill("7:00")
        plain.get_by_label("Język powiadomień").select_option("en")
        plain.get_by_role("button", name="Zapisz ustawienia").click()
        assert "Zapisano ustawienia powiadomień." in plain.locator("[role=status]").inner_text()
        shot(plain, "notifications-saved-without-javascript", FOLDER)
    finally:
        context.close()
    saved = client.get("/api/v1/me/notification-preferences",
                       headers={"Authorization": f"Bearer {taxpayer['token']}"}).get_json()
    assert (saved["sms"], saved["quiet_from"], saved["quiet_until"], saved["language"]) == (
        True, "21:00:00", "07:00:00", "en")
    # axe needs script: the form with an error is checked in the ordinary browser
    page.goto("/my/notifications")
    page.get_by_label("Do (GG:MM)").fill("")
    page.get_by_role("button", name="Zapisz ustawienia").click()
    page.get_by_role("link", name="Podaj obie godziny albo żadnej.").click()
    assert page.evaluate("document.activeElement.id") == "f-quiet_until"
    checked(page, "notifications-error")


def test_an_agent_sees_the_principals_books_and_not_without_a_mandate(page, client, make_account, rpc,
                                                                         nameko_config, served_gateway):
    agent = make_account(pesel=ANNA_PESEL, level="authenticated")
    assess(rpc, nameko_config, JAN_PESEL, 500_00, THIS_YEAR + 1, "transport_tax")
    page.goto(served_gateway + "/")
    token = sign_in_browser(page, client, agent)
    headers = {"Authorization": f"Bearer {token}"}
    page.goto("/my")
    assert "Podatek od środków transportowych" not in page.locator("main").inner_text()

    mandate = identity.GRANT_MANDATE(rpc, actor=OFFICER, principal=JAN_PESEL, principal_name="Jan Nowak",
                                     agent_account_id=agent["account_id"], kind="general_attorney",
                                     scopes=["view", "pay"], valid_from=date.today().isoformat())
    assert client.put("/api/v1/acting-for", json={"subject": JAN_PESEL}, headers=headers).status_code == 200
    page.goto("/my")
    main = page.locator("main").inner_text()
    assert f"Działasz w imieniu: {JAN_PESEL}" in main and "Podatek od środków transportowych" in main
    checked(page, "acting-for")

    identity.REVOKE_MANDATE(rpc, actor=OFFICER, mandate_id=mandate["mandate_id"])
    page.goto("/my")
    assert "Podatek od środków transportowych" not in page.locator("main").inner_text()


def test_an_account_not_yet_authenticated_is_sent_to_authenticate(page, client, make_account, served_gateway):
    newcomer = make_account(pesel=ANNA_PESEL, level="email_verified")
    page.goto(served_gateway + "/")
    sign_in_browser(page, client, newcomer)
    response = page.goto("/my")
    assert response.status == 403
    page.get_by_role("link", name="Uwierzytelnij konto").click()
    assert page.url.endswith("/account/authenticate")
    checked(page, "not-authenticated")
    page.goto("/my/payments")
    assert page.get_by_role("heading", name="Moje zobowiązania").is_visible()
