"""Browser steps for filing a declaration, its UPO and a letter, for a signed-in, authenticated
taxpayer (Polish pages). Each step checks every page it reaches with axe-core and hands it to
`shot(name)` (a screenshot). The full journey and test_browser_declarations.py call them."""
import re
import uuid

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
OFFICER = {"account_id": str(uuid.uuid4()), "pesel": None, "level": "authenticated",
           "roles": ["tax_officer"]}


def violations(page) -> list[str]:
    found = AXE.run(page).response["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in found]


def _seen(page, shot, name: str) -> None:
    assert violations(page) == [], name
    shot(name)


def _field(page, label: str):
    return page.get_by_label(label, exact=True)


def fill_wizard_with_a_corrected_step(page, shot, target_liability_id: str | None = None) -> str:
    """The explanation of payment purpose (WPW): the first step prefilled from the account, the
    second sent with three mistakes, corrected, saved for later, resumed from "my drafts" and
    reviewed. Returns the draft's id; the page is left on the review."""
    page.goto("/declarations")
    _seen(page, shot, "declarations")
    page.get_by_role("button", name="Wypełnij WPW").click()
    assert re.search(r"/declarations/drafts/[\w-]+/steps/who$", page.url)
    assert _field(page, "Podatnik").input_value()  # prefilled from the account
    assert re.fullmatch(r"\d{11}", _field(page, "PESEL lub NIP").input_value())
    _seen(page, shot, "wizard-step-1")
    page.get_by_role("button", name="Zapisz i dalej").click()

    assert page.url.endswith("/steps/details")
    _field(page, "Data wpłaty").fill("2099-01-15")
    _field(page, "Kwota wpłaty (PLN)").fill("12,345")
    _field(page, "Tytuł zobowiązania (na poczet którego)").fill("rata za styczeń")
    page.get_by_role("button", name="Zapisz i sprawdź całość").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible() and page.title().startswith("Błąd: ")
    assert summary.get_by_role("link").all_inner_texts() == [
        "Data nie może być z przyszłości.", "Podaj kwotę w złotych (np. 1234,56).",
        "Nieprawidłowy identyfikator.", "To pole jest wymagane."]
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "f-payment_date"
    assert _field(page, "Kwota wpłaty (PLN)").input_value() == "12,345"  # what was typed stays
    _seen(page, shot, "wizard-step-2-errors")

    _field(page, "Data wpłaty").fill("2026-01-15")
    _field(page, "Kwota wpłaty (PLN)").fill("1234,56")
    _field(page, "Tytuł zobowiązania (na poczet którego)").fill(target_liability_id or str(uuid.uuid4()))
    page.get_by_label("Tytuł przelewu").fill("PN 2026 rata 1")
    _field(page, "Wyjaśnienie").fill("Wpłata trafiła na inne zobowiązanie niż zamierzone.")
    _seen(page, shot, "wizard-step-2-corrected")
    page.get_by_role("button", name="Zapisz i dokończ później").click()

    assert "saved=" in page.url and page.locator("[role=status]").is_visible()
    drafts = page.locator("table", has=page.get_by_role("columnheader", name="Ostatni zapis"))
    assert drafts.get_by_role("rowheader").all_inner_texts() == ["WPW"]
    _seen(page, shot, "my-drafts")
    drafts.get_by_role("link", name=re.compile("^Kontynuuj")).click()

    assert page.url.endswith("/review")
    draft_id = page.url.split("/drafts/")[1].split("/")[0]
    main = page.locator("main").inner_text()
    assert re.search(r"1\s?234,56", main) and "PN 2026 rata 1" in main
    _seen(page, shot, "review")
    return draft_id


def submit_and_verify_upo(page, shot) -> dict:
    """From the review: submit (signed in the session), prove a second send of the same form
    files nothing new, download the UPO, verify it from the declaration and on the public page,
    and see a changed copy fail. Returns the declaration's and its case's ids."""
    assert page.url.endswith("/review")
    form = page.locator("form", has=page.get_by_role("button", name="Złóż deklarację"))
    resend = {"csrf_token": form.locator("input[name=csrf_token]").input_value(),
              "idempotency_key": form.locator("input[name=idempotency_key]").input_value(),
              "signing_method": "session"}
    action = form.get_attribute("action")
    page.get_by_role("button", name="Złóż deklarację").click()
    assert re.search(r"/declarations/[\w-]{36}$", page.url)
    declaration_id = page.url.rsplit("/", 1)[1]
    reference = page.locator("dt:text-is('Numer UPO') + dd").inner_text()
    assert reference
    _seen(page, shot, "declaration-filed")

    again = page.request.post(action, multipart=resend)  # a double click or a refreshed POST
    assert again.ok and again.url.endswith(f"/declarations/{declaration_id}")
    page.goto("/declarations")
    filed = page.locator("table", has=page.get_by_role("columnheader", name="Numer UPO"))
    assert filed.locator("tbody tr", has_text=reference).count() == 1
    page.goto(f"/declarations/{declaration_id}")

    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz UPO (XML z podpisem urzędu)").click()
    upo = download.value.path().read_bytes()
    assert reference.encode() in upo and b"Signature" in upo

    page.get_by_role("button", name="Sprawdź to UPO").click()
    assert "UPO jest prawidłowe" in page.locator("[role=status]").inner_text()
    _seen(page, shot, "upo-verified-by-the-office")

    page.goto("/upo-verification")  # the public check, with the downloaded file
    page.get_by_label("Plik UPO (XML)").set_input_files(
        files=[{"name": "upo.xml", "mimeType": "application/xml", "buffer": upo}])
    page.get_by_role("button", name="Sprawdź", exact=True).click()
    result = page.locator("[role=status]").inner_text()
    assert "UPO jest prawidłowe" in result and reference in result
    _seen(page, shot, "upo-verified-from-the-file")

    changed = upo.replace(reference.encode(), reference[:-1].encode() + (b"0" if reference[-1] != "0" else b"1"))
    page.get_by_label("Plik UPO (XML)").set_input_files(
        files=[{"name": "upo.xml", "mimeType": "application/xml", "buffer": changed}])
    page.get_by_role("button", name="Sprawdź", exact=True).click()
    result = page.locator("[role=status]").inner_text()
    assert "UPO jest nieprawidłowe" in result and "Podpis urzędu na UPO jest nieprawidłowy" in result
    _seen(page, shot, "upo-changed-fails")
    case_id = _case_of(page, declaration_id)
    return {"declaration_id": declaration_id, "case_id": case_id, "upo_reference": reference}


def _case_of(page, declaration_id: str) -> str:
    page.goto(f"/declarations/{declaration_id}")
    href = page.locator("dt:text-is('Status sprawy') + dd a").get_attribute("href")
    return href.rsplit("/", 1)[1]


def office_asks_for_completion(rpc, case_id: str, subject_line: str, body: str) -> dict:
    """What a tax officer does in the back office (staff RPC): review, ask, write."""
    rpc.declarations.change_case_status(actor=OFFICER, case_id=case_id, status="in_review")
    rpc.declarations.change_case_status(actor=OFFICER, case_id=case_id, status="needs_completion",
                                        note=subject_line)
    return rpc.declarations.send_letter(actor=OFFICER, case_id=case_id, subject_line=subject_line, body=body)


def read_a_letter(page, shot, rpc, case_id: str) -> dict:
    """The office writes in the case; the taxpayer finds it unopened, opens it (the receipt is
    recorded with its time) and downloads it. Returns the letter as the service sent it.

    The taxpayer must have agreed to electronic letters when registering ("Zgadzam się na
    doręczanie pism drogą elektroniczną"): without it the office's letters go by post."""
    subject_line = "Wezwanie do uzupełnienia wyjaśnienia"
    body = "Prosimy o przesłanie potwierdzenia przelewu w ciągu 7 dni.\nZ poważaniem, Urząd."
    letter = office_asks_for_completion(rpc, case_id, subject_line, body)
    assert letter["channel"] == "portal", "no consent to electronic letters: this one went by post"

    page.goto("/cases")
    cases = page.locator("table", has=page.get_by_role("columnheader", name="Status sprawy"))
    assert "wezwanie do uzupełnienia" in cases.inner_text()
    assert "nieodebrane" in page.locator("table", has=page.get_by_role("columnheader", name="Temat")).inner_text()
    _seen(page, shot, "cases")
    page.goto(f"/cases/{case_id}")
    assert subject_line in page.locator("main").inner_text()
    _seen(page, shot, "case")

    page.get_by_role("link", name=subject_line).click()
    assert body.split("\n")[0] not in page.locator("main").inner_text()  # unopened: no body yet
    _seen(page, shot, "letter-unopened")
    page.get_by_role("button", name="Otwórz pismo i potwierdź odbiór").click()
    main = page.locator("main").inner_text()
    assert body.split("\n")[0] in main and re.search(r"odebrane: \d{4}-\d{2}-\d{2} \d{2}:\d{2}", main)
    _seen(page, shot, "letter-opened")

    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz pismo (plik tekstowy)").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert subject_line in text and body in text
    return letter
