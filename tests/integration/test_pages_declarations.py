"""The declaration and letter pages through the gateway's test client (the browser test covers
the WPW journey): a form with repeating rows and conditions, signing with the trusted profile,
a refused signature, and a letter that looking at does not count as received."""
import io
import re

from browser_steps_declarations import office_asks_for_completion
from declarations_helpers import sign_up
from test_pages_flow import hidden

PASSWORD = "Zimowy-Spacer7"


def typed(page: str, name: str) -> str:
    """The value a text input shows."""
    return re.search(rf'name="{re.escape(name)}" type="text" value="([^"]*)"', page).group(1)


def signed_in_pages(client, system, service_databases):
    anna = sign_up(client, system, service_databases)
    login_page = client.get("/login").get_data(as_text=True)
    signed_in = client.post("/login", data={"csrf_token": hidden(login_page, "csrf_token"),
                                            "login": f"t{anna.account['pesel']}", "password": PASSWORD})
    assert signed_in.status_code == 302
    return anna


def save(client, location: str, **form) -> object:
    return client.post(location, data={"action": "next", **form})


def wpw_to_review(client, pesel: str) -> str:
    step = client.post("/declarations/drafts", data={"form_code": "WPW"}).headers["Location"]
    details = save(client, step, taxpayer_name="Anna Kowalska", taxpayer_id=pesel).headers["Location"]
    return save(client, details, payment_date="2026-01-15", amount="10,00", explanation="Błędny tytuł",
                target_liability_id="8d1f0c59-95a4-4a54-8b43-2b3c9c0a1f77").headers["Location"]


def test_rows_and_conditions_of_in1_then_the_trusted_profile_signs(client, system, service_databases,
                                                                    trusted_profile_service):
    anna = signed_in_pages(client, system, service_databases)
    started = client.post("/declarations/drafts", data={"form_code": "IN-1"})
    purpose = started.headers["Location"]
    assert purpose.endswith("/steps/purpose")
    page = client.get(purpose).get_data(as_text=True)
    assert "Wypełnij, jeśli wymaga tego odpowiedź w polu „Okoliczności złożenia”." in page  # shown by a choice

    taxpayer = save(client, purpose, tax_year="2026", purpose="filing", obligation_date="2026-01-10",
                    correction_reason="").headers["Location"]
    assert taxpayer.endswith("/steps/taxpayer")
    page = client.get(taxpayer).get_data(as_text=True)
    assert f'value="{anna.account["pesel"]}"' in page and 'value="Wielicka"' in page  # prefilled
    form = {name: typed(page, name) for name in ("first_name", "last_name", "pesel", "street", "building",
                                                  "postal_code", "city")}
    objects = save(client, taxpayer, ownership="owner", **form).headers["Location"]

    more = client.post(objects, data={"action": "add_row", "rows_of": "objects", "objects.count": "1",
                                      "objects.0.kind": "building_residential", "objects.0.location": "Wielicka 28a"})
    page = more.get_data(as_text=True)
    assert 'name="objects.count" value="2"' in page and 'value="Wielicka 28a"' in page
    refused = save(client, objects, **{"objects.count": "2",
                                       "objects.0.kind": "building_residential", "objects.0.location": "Wielicka 28a",
                                       "objects.0.cadastral_id": "126101_1.0012.123/4", "objects.0.base": "84,5",
                                       "objects.1.kind": "land_other", "objects.1.location": "Wielicka",
                                       "objects.1.base": "-3"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert '<a href="#f-objects-1-cadastral_id">To pole jest wymagane.</a>' in text
    assert '<a href="#f-objects-1-base">Wartość jest za mała.</a>' in text
    assert 'id="f-objects-1-base" name="objects.1.base" type="text" value="-3"' in text

    statement = save(client, objects, **{"objects.count": "2",
                                         "objects.0.kind": "building_residential", "objects.0.location": "Wielicka 28a",
                                         "objects.0.cadastral_id": "126101_1.0012.123/4", "objects.0.base": "84,5",
                                         "objects.1.kind": "", "objects.1.location": "",
                                         "objects.1.base": ""}).headers["Location"]
    assert statement.endswith("/steps/statement")  # the blank second row was left out
    assert save(client, statement, truthful="").status_code == 400  # the statement is required
    review = save(client, statement, truthful="yes").headers["Location"]
    assert review.endswith("/review")

    page = client.get(review).get_data(as_text=True)
    assert "84,5" in page and 'value="session"' not in page  # IN-1 needs a signature
    client.post(review.replace("/review", "/trusted-profile-signing"))
    page = client.get(review).get_data(as_text=True)
    link = re.search(r'href="(http://127\.0\.0\.1:\d+/sign/[\w-]+)"', page).group(1)
    trusted_profile_service.approve(link, anna.account["pesel"])
    back = client.get(review.replace("/review", "/signed")).get_data(as_text=True)  # the service's return address
    filed = client.post(review.replace("/review", "/submission"), data={
        "idempotency_key": hidden(back, "idempotency_key"), "signing_method": "trusted_profile"})
    assert filed.status_code == 302, filed.get_data(as_text=True)
    declaration = client.get(filed.headers["Location"]).get_data(as_text=True)
    assert "IN-1" in declaration and "Profil zaufany" in declaration


def test_a_signature_that_does_not_verify_is_shown_on_the_field(client, system, service_databases):
    anna = signed_in_pages(client, system, service_databases)
    review = wpw_to_review(client, anna.account["pesel"])
    page = client.get(review).get_data(as_text=True)
    refused = client.post(review.replace("/review", "/submission"), data={
        "idempotency_key": hidden(page, "idempotency_key"), "signing_method": "qualified_signature",
        "signed_xml": (io.BytesIO(b"<Deklaracja/>"), "podpisany.xml")}, content_type="multipart/form-data")
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert re.search(r'<a href="#f-signed_xml">(Podpis jest nieprawidłowy|Certyfikat podpisu)', text)
    assert hidden(text, "idempotency_key") == hidden(page, "idempotency_key")  # the same attempt, retried
    assert client.get("/declarations").get_data(as_text=True).count("/declarations/drafts/") >= 1  # still a draft


def test_looking_at_a_letter_does_not_receive_it_opening_does(client, system, service_databases, rpc):
    anna = signed_in_pages(client, system, service_databases)
    review = wpw_to_review(client, anna.account["pesel"])
    page = client.get(review).get_data(as_text=True)
    filed = client.post(review.replace("/review", "/submission"), data={
        "idempotency_key": hidden(page, "idempotency_key"), "signing_method": "session"})
    declaration = client.get(filed.headers["Location"]).get_data(as_text=True)
    case_id = re.search(r'href="/cases/([\w-]+)"', declaration).group(1)
    back = client.get(review)  # the back button after filing
    assert back.headers["Location"] == "/declarations#submitted"
    assert "Ten projekt został już złożony" in client.get("/declarations").get_data(as_text=True)
    letter = office_asks_for_completion(rpc, case_id, "Wezwanie", "Prosimy o potwierdzenie przelewu.")

    path = f"/letters/{letter['letter_id']}"
    assert "Prosimy" not in client.get(path).get_data(as_text=True)
    assert client.get(f"{path}/letter.txt").headers["Location"] == path  # not before it is opened
    [listed] = anna.get("/api/v1/letters").get_json()
    assert listed["delivery"] == "pending" and listed["delivered_at"] is None

    assert client.post(f"{path}/opening").headers["Location"] == path
    [listed] = anna.get("/api/v1/letters").get_json()
    assert listed["delivery"] == "opened" and listed["delivered_at"]
    download = client.get(f"{path}/letter.txt")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "Prosimy o potwierdzenie przelewu." in download.get_data(as_text=True)
    assert client.get(f"/letters/{'0' * 8}-0000-4000-8000-{'0' * 12}").status_code == 404


def test_an_attachment_uploaded_on_its_step_can_be_ticked_and_a_bad_one_is_refused(client, system,
                                                                                     service_databases):
    anna = signed_in_pages(client, system, service_databases)
    review = wpw_to_review(client, anna.account["pesel"])
    draft = review.removesuffix("/review")
    uploaded = client.post(f"{draft}/attachments", data={
        "step": "details", "file": (io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "przelew.pdf")},
        content_type="multipart/form-data")
    assert uploaded.headers["Location"] == f"{draft}/steps/details#attachments"
    page = client.get(f"{draft}/steps/details").get_data(as_text=True)
    attachment_id = re.search(r'name="attachments" type="checkbox" value="([\w-]+)"', page).group(1)
    assert "przelew.pdf" in page

    client.post(f"{draft}/attachments", data={"step": "details", "file": (io.BytesIO(b""), "pusty.pdf")},
                content_type="multipart/form-data")
    refused = client.get(f"{draft}/steps/details").get_data(as_text=True)
    assert '<a href="#f-upload">Plik jest pusty.</a>' in refused
    assert "Plik jest pusty." not in client.get(f"{draft}/steps/details").get_data(as_text=True)  # shown once

    form = {name: typed(page, name) for name in ("payment_date", "amount", "target_liability_id", "explanation")}
    assert save(client, f"{draft}/steps/details", attachments=attachment_id, **form).headers["Location"] == review
    assert "przelew.pdf" in client.get(f"{draft}/steps/details").get_data(as_text=True)
    [kept] = anna.get(draft.replace("/declarations/", "/api/v1/")).get_json()["values"]["attachments"]
    assert kept == attachment_id
