"""The taxpayer's own pages against a fake RPC pool: what they ask the ledger (whose books, with
which actor), how they show money, the online-payment hand-over, the calendar and the settings form."""
import re

import icalendar
import pytest

from gateway.web.helpers import account_text
from portal_shared.contracts import identity, ledger, notifications

TOKEN = "t" * 40
AGENT_PESEL, PRINCIPAL = "44051401359", "02070803628"
ACCOUNT = {"account_id": "7f0c1a52-25a5-4a4c-9d56-8b3c1f0e2d11", "pesel": AGENT_PESEL, "level": "authenticated",
           "email": "anna@example.pl", "login": "anna", "first_name": "Anna", "last_name": "Kowalska"}
TAX_ACCOUNT = {"tax_account_id": "ta-1", "tax_type": "property_tax", "account_number": "48102053567001000000000002"}


def installment(number, due, status="due", outstanding=250_00):
    return {"installment_id": f"00000000-0000-4000-8000-00000000000{number}", "liability_id": "l-1",
            "tax_account_id": "ta-1", "tax_year": 2027, "number": number, "due_date": due,
            "amount_grosze": 250_00, "paid_grosze": 250_00 - outstanding, "outstanding_grosze": outstanding,
            "interest_today_grosze": 0, "status": status}


BOOKS = {
    "subject": PRINCIPAL, "tax_accounts": [TAX_ACCOUNT],
    "liabilities": [{"liability_id": "l-1", "tax_account_id": "ta-1", "tax_year": 2027, "taxpayer_kind": "natural",
                     "annual_amount_grosze": 1001_00, "status": "active", "replaces_id": None,
                     "declaration_id": None, "components": []}],
    "installments": [installment(1, "2027-03-15", "paid", 0), installment(2, "2027-05-17")],
    "payments": [], "overpayments": [], "reminders": [],
    "balance": {"assessed_grosze": 1001_00, "paid_grosze": 251_00, "outstanding_grosze": 750_00,
                "interest_today_grosze": 0, "reminder_costs_grosze": 0, "overpayment_grosze": 0,
                "received_grosze": 251_00, "refunded_grosze": 0, "balance_grosze": 750_00, "reconciles": True},
}
TRANSFER = {"installment_id": installment(2, "")["installment_id"], "recipient_name": "Urzad Miasta",
            "account_number": TAX_ACCOUNT["account_number"], "title": "44051401359 P.NIERUCH. 2027 R2",
            "amount_grosze": 250_00, "amount_in_qr": True,
            "qr_string": "|PL|48102053567001000000000002|025000|Urzad Miasta|44051401359 P.NIERUCH. 2027 R2|||",
            "qr_png_base64": ""}


@pytest.fixture
def signed_in(client, rpc):
    client.set_cookie("portal_session", TOKEN)
    rpc.on(identity.SESSION_ACCOUNT, lambda token: {**ACCOUNT, "acting_for": PRINCIPAL})  # the session acts for
    rpc.on(ledger.OVERVIEW, lambda actor, subject: BOOKS)
    rpc.on(ledger.TRANSFER_DETAILS, lambda actor, subject, installment_id: [TRANSFER])
    return client


def csrf_from(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def test_money_dates_and_account_numbers_read_the_way_people_write_them(client):
    page = client.get("/my").headers["Location"]
    assert page == "/login?next=/my"   # no session: sign in first
    assert account_text("48102053567001000000000002") == "48 1020 5356 7001 0000 0000 0002"


def test_the_dashboard_shows_the_principals_books_asked_for_with_the_agent_as_actor(signed_in, rpc):
    page = signed_in.get("/my").get_data(as_text=True)
    [(_, asked)] = [(m, kw) for m, kw in rpc.calls if m is ledger.OVERVIEW]
    assert asked["subject"] == PRINCIPAL
    assert asked["actor"]["pesel"] == AGENT_PESEL and asked["actor"]["acting_for"] == PRINCIPAL
    assert f"Działasz w imieniu: {PRINCIPAL}" in page
    assert "750,00\u00a0zł" in page and "1 001,00\u00a0zł" in page and "17.05.2027" in page
    signed_in.get("/language/en")
    english = signed_in.get("/my").get_data(as_text=True)
    assert "750.00\u00a0zł" in english and "2027-05-17" in english and "Property tax" in english


def test_an_account_not_authenticated_gets_a_way_to_authenticate_and_no_ledger_call(signed_in, rpc):
    rpc.on(identity.SESSION_ACCOUNT, lambda token: {**ACCOUNT, "level": "email_verified"})
    answer = signed_in.get("/my/payments")
    assert answer.status_code == 403 and 'href="/account/authenticate"' in answer.get_data(as_text=True)
    assert not [m for m, _ in rpc.calls if m.service == "ledger"]


def test_a_paid_installment_has_no_transfer_details_and_an_unknown_one_is_404(signed_in, rpc):
    paid = signed_in.get(f"/my/installments/{BOOKS['installments'][0]['installment_id']}").get_data(as_text=True)
    assert "Ta rata jest zapłacona." in paid and "<svg" not in paid
    assert not [m for m, _ in rpc.calls if m is ledger.TRANSFER_DETAILS]
    assert signed_in.get("/my/installments/00000000-0000-4000-8000-000000000009").status_code == 404


def test_an_unpaid_installment_shows_the_transfer_and_its_qr_code_inline(signed_in):
    page = signed_in.get(f"/my/installments/{TRANSFER['installment_id']}").get_data(as_text=True)
    assert "48 1020 5356 7001 0000 0000 0002" in page and "44051401359 P.NIERUCH. 2027 R2" in page
    assert re.search(r'<div role="img" aria-labelledby="qr-caption"><svg [^>]*class="qr"', page)


def test_pay_online_starts_one_payment_per_form_and_links_to_the_operator(signed_in, rpc):
    started = []
    rpc.on(ledger.START_ONLINE_PAYMENT, lambda **kw: started.append(kw) or {
        "online_payment_id": "p-1", "amount_grosze": 250_00, "redirect_url": "https://operator.example/trnRequest/T1"})
    path = f"/my/installments/{TRANSFER['installment_id']}"
    token = csrf_from(signed_in, path)
    assert signed_in.post(f"{path}/payment", data={"csrf_token": token, "payment_key": "x"}).status_code == 400
    assert signed_in.post(f"{path}/payment", data={"payment_key": "a" * 32}).status_code == 400   # no CSRF token
    page = signed_in.post(f"{path}/payment", data={"csrf_token": token, "payment_key": "a" * 32})
    assert page.status_code == 200 and 'href="https://operator.example/trnRequest/T1"' in page.get_data(as_text=True)
    [args] = started
    assert args["installment_ids"] == [TRANSFER["installment_id"]] and args["subject"] == PRINCIPAL
    assert args["idempotency_key"] == f"{ACCOUNT['account_id']}:web:{'a' * 32}"
    assert args["return_url"].endswith("/payments/return")
    assert args["status_url"].endswith("/api/v1/payments/notifications/przelewy24")


def test_the_calendar_has_an_event_with_a_reminder_for_each_unpaid_installment(signed_in):
    answer = signed_in.get("/my/installments.ics")
    assert answer.mimetype == "text/calendar" and "attachment" in answer.headers["Content-Disposition"]
    [event] = icalendar.Calendar.from_ical(answer.data).walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == "2027-05-17"
    assert str(event["uid"]) == f"{TRANSFER['installment_id']}@portal-podatnika"
    assert "Podatek od nieruchomości" in str(event["summary"]) and "250,00" in str(event["summary"])
    assert TAX_ACCOUNT["account_number"] in str(event["description"])


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"quiet_from": "21:00"}, "quiet_until", "Podaj obie godziny albo żadnej."),
    ({"quiet_from": "25:00", "quiet_until": "07:00"}, "quiet_from", "Wpisz godzinę jako GG:MM"),
])
def test_notification_settings_refuse_half_or_wrong_quiet_hours(signed_in, rpc, form, field, message):
    rpc.on(notifications.PREFERENCES, lambda account_id: {"account_id": account_id, "sms": False, "push": True,
                                                          "language": None, "quiet_from": None, "quiet_until": None})
    token = csrf_from(signed_in, "/my/notifications")
    answer = signed_in.post("/my/notifications", data={"csrf_token": token, **form})
    assert answer.status_code == 400
    assert f'<a href="#f-{field}">{message}' in answer.get_data(as_text=True)
    assert not [m for m, _ in rpc.calls if m is notifications.SET_PREFERENCES]


def test_notification_settings_save_for_the_signed_in_person_not_the_principal(signed_in, rpc):
    saved = []
    rpc.on(notifications.PREFERENCES, lambda account_id: {"account_id": account_id, "sms": False, "push": True,
                                                          "language": None, "quiet_from": None, "quiet_until": None})
    rpc.on(notifications.SET_PREFERENCES, lambda **kw: saved.append(kw) or kw)
    token = csrf_from(signed_in, "/my/notifications")
    answer = signed_in.post("/my/notifications", data={"csrf_token": token, "sms": "yes", "quiet_from": "21:00",
                                                        "quiet_until": "7:00", "language": "en"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/my/notifications"
    assert saved == [{"account_id": ACCOUNT["account_id"], "sms": True, "push": False, "language": "en",
                      "quiet_from": "21:00", "quiet_until": "07:00"}]
