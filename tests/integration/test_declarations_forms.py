"""Every shipped form from draft to UPO through the gateway: valid and invalid steps, back and
forth, summary, each way of signing, idempotent submission."""
import hashlib
import io

import eventlet
import sqlalchemy as sa
from declarations_helpers import b64, new_pesel, sign_up, xades_sign
from PIL import Image

from declarations import pki

COMPANY_NIP = "5260250274"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


IN1_OBJECTS = [
    {"kind": "building_residential", "location": "Kraków, ul. Wielicka 28a/4", "cadastral_id": "126101_1.0045.1/2",
     "land_register": "KR1P/00012345/6", "base": "72,40"},
    {"kind": "land_other", "location": "Kraków, ul. Wielicka 28a", "cadastral_id": "126101_1.0045.1", "base": "10"},
]


def test_in1_from_draft_to_upo_with_a_qualified_signature(client, system, service_databases, qualified):
    anna = sign_up(client, system, service_databases, first_name="Anna", last_name="Kowalska")
    forms = anna.get("/api/v1/forms").get_json()
    assert {f["code"] for f in forms} == {"IN-1", "DN-1", "DO-1", "WPW", "WSN-1", "PPS-1"}

    draft = anna.start("IN-1")
    assert draft["subject"] == anna.account["pesel"]
    assert draft["values"]["first_name"] == "Anna" and draft["values"]["postal_code"] == "30-552"  # prefill
    assert [s["status"] for s in draft["steps"]] == ["todo"] * 4
    draft_id = draft["draft_id"]

    # an invalid step: errors per field, translated, nothing saved
    refused = anna.step(draft_id, "purpose", {"tax_year": 2031, "purpose": "filing", "obligation_date": "2099-01-01"},
                        lang="en")
    assert refused.status_code == 400
    fields = refused.get_json()["error"]["fields"]
    assert fields == {"tax_year": ["The value is too large."], "obligation_date": ["The date cannot be in the future."]}

    # a condition shows a field: a correction needs its reason
    correction = anna.step(draft_id, "purpose", {"tax_year": 2026, "purpose": "correction",
                                                 "obligation_date": "2026-03-10"})
    assert correction.get_json()["error"]["fields"] == {"correction_reason": ["To pole jest wymagane."]}
    saved = anna.step(draft_id, "purpose", {"tax_year": 2026, "purpose": "filing", "obligation_date": "2026-03-10"})
    assert saved.status_code == 200
    assert saved.get_json()["current_step"] == "taxpayer" and saved.get_json()["previous_step"] == "purpose"

    bad_rows = anna.step(draft_id, "objects", {"objects": [{**IN1_OBJECTS[0], "base": "-3"},
                                                           {**IN1_OBJECTS[1], "kind": "castle"}]})
    assert bad_rows.get_json()["error"]["fields"]["objects"] == {
        "0": {"base": ["Wartość jest za mała."]}, "1": {"kind": ["Wybierz jedną z dostępnych opcji."]}}

    values = draft["values"]
    anna.fill(draft_id, {
        "taxpayer": {"ownership": "owner", **{k: values[k] for k in ("first_name", "last_name", "pesel", "street",
                                                                     "building", "flat", "postal_code", "city")}},
        "objects": {"objects": IN1_OBJECTS},
        "statement": {"truthful": True, "email": "anna@example.pl"},
    })
    # resume on another device: the same draft, every step done, the tax computed from 2026 rates
    resumed = anna.get(f"/api/v1/drafts/{draft_id}").get_json()
    assert [s["status"] for s in resumed["steps"]] == ["done"] * 4
    assert resumed["complete"] is True
    computed = resumed["computed"]
    assert computed["components"] == [
        {"kind": "building_residential", "unit": "m2", "base": "72.40", "rate": "1.25", "amount_grosze": 9050},
        {"kind": "land_other", "unit": "m2", "base": "10", "rate": "0.77", "amount_grosze": 770}]
    assert computed["annual_amount_grosze"] == 9800       # 98.20 zł rounded to whole złoty
    assert computed["months_from"] == 4                   # from the month after the event
    summary = anna.get(f"/api/v1/drafts/{draft_id}/summary").get_json()
    assert summary["sections"][2]["section"].startswith("ZIN-1")

    # going back and changing an earlier step re-checks the later ones
    anna.step(draft_id, "purpose", {"tax_year": 2025, "purpose": "filing", "obligation_date": "2025-03-10"})
    assert anna.get(f"/api/v1/drafts/{draft_id}").get_json()["computed"]["components"][0]["rate"] == "1.19"

    # session confirmation is not allowed for IN-1; a signature is
    assert anna.submit(draft_id, method="session").get_json()["error"]["fields"] == {
        "method": ["Tego formularza nie można złożyć w ten sposób."]}
    document = anna.document(draft_id)
    signed = xades_sign(document, qualified.signer(anna.account["pesel"]))
    key = "double-click-0001"
    first = anna.submit(draft_id, key, method="qualified_signature", signed_xml_base64=b64(signed))
    assert first.status_code == 201, first.get_json()
    again = anna.submit(draft_id, key, method="qualified_signature", signed_xml_base64=b64(signed))
    assert again.status_code == 201 and again.get_json()["declaration_id"] == first.get_json()["declaration_id"]
    receipt = first.get_json()
    assert receipt["case_status"] == "received" and receipt["digest_algorithm"] == "SHA-256"
    assert len(anna.get("/api/v1/declarations").get_json()) == 1

    upo_xml = anna.get(f"/api/v1/declarations/{receipt['declaration_id']}/upo.xml")
    assert upo_xml.status_code == 200 and upo_xml.mimetype == "application/xml"
    text = upo_xml.data.decode()
    for expected in (receipt["upo_reference"], "IN-1", "2019-07-01", anna.account["pesel"], "Europe/Warsaw",
                     "DataWplynieciaUTC", receipt["document_digest"], receipt["structure_digest"], 'algorytm="SHA-256"',
                     "Urząd Miasta Krakowa"):
        assert expected in text
    assert "Mocodawca" not in text  # filed for herself
    for pdf in ("upo.pdf", "form.pdf"):
        found = anna.get(f"/api/v1/declarations/{receipt['declaration_id']}/{pdf}")
        assert found.status_code == 200 and found.data.startswith(b"%PDF-")
    # the draft is spent: it cannot be submitted again under another key
    assert anna.submit(draft_id, method="qualified_signature", signed_xml_base64=b64(signed)).status_code == 400


def test_a_signature_that_does_not_fit_is_refused(client, system, service_databases, qualified):
    anna = sign_up(client, system, service_databases)
    draft_id = anna.start("PPS-1")["draft_id"]
    anna.fill(draft_id, _pps_steps(anna.account["pesel"], relation="spouse"))
    document = anna.document(draft_id)
    someone_else = xades_sign(document, qualified.signer(new_pesel()))
    refused = anna.submit(draft_id, method="qualified_signature", signed_xml_base64=b64(someone_else))
    assert refused.get_json()["error"]["fields"] == {"signed_xml_base64": [
        "Dokument podpisała inna osoba niż zalogowana."]}
    rogue_ca = pki.new_ca("Not trusted")
    untrusted = xades_sign(document, qualified.signer(anna.account["pesel"], ca=rogue_ca))
    assert anna.submit(draft_id, method="qualified_signature", signed_xml_base64=b64(untrusted)).get_json()[
        "error"]["fields"]["signed_xml_base64"] == ["Certyfikat podpisu nie pochodzi od zaufanego dostawcy."]
    other = document.replace(b"Nowak", b"Nowek")
    changed = xades_sign(other, qualified.signer(anna.account["pesel"]))
    assert anna.submit(draft_id, method="qualified_signature", signed_xml_base64=b64(changed)).get_json()[
        "error"]["fields"]["signed_xml_base64"] == ["Podpisano inny dokument niż bieżący projekt."]
    entity = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
              b"<d>&x;</d>")
    assert anna.submit(draft_id, method="qualified_signature", signed_xml_base64=b64(entity)).status_code == 400
    valid = xades_sign(document, qualified.signer(anna.account["pesel"]))
    assert anna.submit(draft_id, method="qualified_signature", signed_xml_base64=b64(valid)).status_code == 201


def _pps_steps(pesel: str, relation: str, stamp_duty=None) -> dict:
    scope = {"kind": "general_attorney", "scopes": ["pay", "view"], "valid_from": "2026-01-01",
             "valid_to": "2026-12-31"}
    if stamp_duty is not None:
        scope["stamp_duty_proof"] = stamp_duty
    return {
        "principal": {"principal_kind": "person", "principal_name": "Anna Kowalska", "principal_pesel": pesel},
        "agent": {"agent_name": "Jan Nowak", "agent_pesel": "02070803628",
                  "agent_account_id": "6f1d3c2e-8a55-4c59-9d1e-0b7b2a6f3e10", "relation": relation},
        "scope": scope,
    }


def test_pps1_power_of_attorney_needs_stamp_duty_proof_unless_family(client, system, service_databases, qualified):
    anna = sign_up(client, system, service_databases)
    draft = anna.start("PPS-1")
    draft_id = draft["draft_id"]
    steps = _pps_steps(anna.account["pesel"], relation="advisor")
    anna.fill(draft_id, {"principal": steps["principal"], "agent": steps["agent"]})
    missing = anna.step(draft_id, "scope", steps["scope"])
    assert missing.get_json()["error"]["fields"] == {"stamp_duty_proof": ["Dołącz wymagany plik."]}
    backwards = anna.step(draft_id, "scope", {**steps["scope"], "valid_to": "2025-12-31"})
    assert backwards.get_json()["error"]["fields"]["valid_to"] == ["Data jest wcześniejsza niż dopuszczalna."]

    renamed = anna.post(f"/api/v1/drafts/{draft_id}/attachments",
                        json={"filename": "potwierdzenie.pdf", "content_base64": b64(b"MZ\x90\x00 not a pdf")})
    assert renamed.status_code == 400
    assert renamed.get_json()["error"]["fields"]["content_base64"] == [
        "Dozwolone są tylko pliki PDF, JPEG, PNG i podpisane XML."]
    unsigned_xml = anna.post(f"/api/v1/drafts/{draft_id}/attachments",
                             json={"filename": "a.xml", "content_base64": b64(b"<a/>")})
    assert unsigned_xml.status_code == 400
    png = _png()
    stored = anna.post(f"/api/v1/drafts/{draft_id}/attachments",
                       data={"file": (io.BytesIO(png), "potwierdzenie.png")}, content_type="multipart/form-data")
    assert stored.status_code == 201, stored.get_json()
    attachment = stored.get_json()
    assert attachment["media_type"] == "image/png" and attachment["sha256"] == hashlib.sha256(png).hexdigest()
    anna.fill(draft_id, {"scope": {**steps["scope"], "stamp_duty_proof": [attachment["attachment_id"]]}})
    document = anna.document(draft_id)
    assert attachment["sha256"].encode() in document  # the signature covers the attachment by its digest
    signed = xades_sign(document, qualified.signer(anna.account["pesel"]))
    done = anna.submit(draft_id, method="qualified_signature", signed_xml_base64=b64(signed))
    assert done.status_code == 201, done.get_json()


def test_dn1_for_a_company_signed_with_the_trusted_profile(client, system, service_databases, rpc,
                                                          trusted_profile_service, identity_grants, declaration_events):
    jan = sign_up(client, system, service_databases, first_name="Jan", last_name="Nowak")
    assert jan.post("/api/v1/drafts", json={"form_code": "DN-1", "subject": COMPANY_NIP}).status_code == 403
    identity_grants(jan.account["account_id"], COMPANY_NIP)
    assert jan.post("/api/v1/drafts", json={"form_code": "DN-1"}).get_json()["error"]["fields"] == {
        "subject": ["Ten formularz składa się dla innego rodzaju podmiotu (PESEL/NIP)."]}
    draft = jan.start("DN-1", subject=COMPANY_NIP)
    assert draft["values"]["nip"] == COMPANY_NIP
    assert "first_name" not in draft["values"]  # no personal prefill when filing for someone else
    draft_id = draft["draft_id"]
    jan.fill(draft_id, {
        "purpose": {"tax_year": 2026, "purpose": "filing", "months_from": 1},
        "entity": {"entity_kind": "legal_person", "ownership": "owner", "name": "Piekarnia Wawel sp. z o.o.",
                   "nip": COMPANY_NIP, "krs": "0000123456", "street": "Grodzka", "building": "1",
                   "postal_code": "31-001", "city": "Kraków"},
        "objects": {"objects": [
            {"kind": "building_business", "location": "Kraków, Grodzka 1", "cadastral_id": "1.0001.7/1",
             "base": "1000.50"},
            {"kind": "land_business", "location": "Kraków, Grodzka 1", "cadastral_id": "1.0001.7", "base": "2500"},
            {"kind": "structures", "location": "Kraków, Grodzka 1", "cadastral_id": "1.0001.7",
             "base": "150000"}]},
        "contact": {"representative_first_name": "Jan", "representative_last_name": "Nowak", "truthful": True},
    })
    computed = jan.get(f"/api/v1/drafts/{draft_id}").get_json()["computed"]
    assert computed["total_exact_grosze"] == 4217277      # 35 547,77 + 3 625,00 + 3 000,00
    assert computed["annual_amount_grosze"] == 4217300    # rounded to whole złoty

    started = jan.post(f"/api/v1/drafts/{draft_id}/trusted-profile-signing")
    assert started.status_code == 201, started.get_json()
    start = started.get_json()
    not_yet = jan.submit(draft_id, method="trusted_profile", signing_id=start["signing_id"])
    assert not_yet.status_code == 409
    trusted_profile_service.approve(start["redirect_url"], new_pesel())  # someone else logged in there
    wrong = jan.submit(draft_id, method="trusted_profile", signing_id=start["signing_id"])
    assert wrong.get_json()["error"]["fields"] == {"signing_id": ["Dokument podpisała inna osoba niż zalogowana."]}
    again = jan.post(f"/api/v1/drafts/{draft_id}/trusted-profile-signing").get_json()
    trusted_profile_service.approve(again["redirect_url"], jan.account["pesel"], "Jan", "Nowak")
    done = jan.submit(draft_id, method="trusted_profile", signing_id=again["signing_id"])
    assert done.status_code == 201, done.get_json()
    receipt = done.get_json()
    upo = jan.get(f"/api/v1/declarations/{receipt['declaration_id']}/upo.xml").data.decode()
    assert f'<Identyfikator typ="NIP">{COMPANY_NIP}</Identyfikator>' in upo  # the principal
    assert "Jan Nowak" in upo
    submitted = declaration_events.wait_for("declaration_submitted", declaration_id=receipt["declaration_id"])
    assert submitted["subject"] == COMPANY_NIP and submitted["upo_reference"] == receipt["upo_reference"]

    # accepted: ledger gets the liability with the declared monthly schedule
    officer = {"account_id": "5b0f6a52-3f43-4a43-9d3e-0d7c1b2a9e11", "level": "authenticated",
               "roles": ["tax_officer"]}
    rpc.declarations.change_case_status(actor=officer, case_id=receipt["case_id"], status="in_review")
    rpc.declarations.change_case_status(actor=officer, case_id=receipt["case_id"], status="accepted")
    assessment = declaration_events.wait_for("declaration_accepted", case_id=receipt["case_id"])["assessment"]
    assert assessment["taxpayer_kind"] == "legal" and assessment["annual_amount_grosze"] == 4217300
    installments = assessment["installments"]
    assert [i["due_date"] for i in installments[:3]] == ["2026-01-31", "2026-02-15", "2026-03-15"]
    assert len(installments) == 12 and sum(i["amount_grosze"] for i in installments) == 4217300
    assert installments[0]["amount_grosze"] == 351900 and installments[1]["amount_grosze"] == 351400


def test_waste_fee_confirmed_in_the_session_is_not_rounded(client, system, service_databases):
    ewa = sign_up(client, system, service_databases, first_name="Ewa", last_name="Lis")
    draft_id = ewa.start("DO-1")["draft_id"]
    ewa.fill(draft_id, {
        "purpose": {"purpose": "first", "tax_year": 2025, "months_from": 7},
        "property": {"holder_kind": "owner", "holder_name": "Ewa Lis", "property_kind": "multi_family",
                     "street": "Wielicka", "building": "28a", "postal_code": "30-552"},
    })
    no_card = ewa.step(draft_id, "fee", {"residents": 3, "sorted": True, "large_family_card": True,
                                         "truthful": True})
    assert no_card.get_json()["error"]["fields"] == {"card_numbers": ["To pole jest wymagane."]}
    ewa.fill(draft_id, {"fee": {"residents": 3, "sorted": True, "large_family_card": True,
                                "card_numbers": "KKR-1234", "truthful": True}})
    computed = ewa.get(f"/api/v1/drafts/{draft_id}").get_json()["computed"]
    # July-August at 27 zł, September-December at 35 zł (from 2025-09-01), one fifth waived: exact grosze
    assert [(c["base"], c["rate"], c["amount_grosze"]) for c in computed["components"]] == [
        ("6", "21.6", 12960), ("12", "28", 33600)]
    assert computed["annual_amount_grosze"] == 46560 and computed["monthly_fee_grosze"] == 8400
    done = ewa.submit(draft_id, method="session")
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["signing_method"] == "session"


def test_explanation_of_payment_purpose_with_attachments(client, system, service_databases):
    piotr = sign_up(client, system, service_databases, first_name="Piotr", last_name="Zieliński")
    draft = piotr.start("WPW")
    draft_id = draft["draft_id"]
    assert draft["values"]["taxpayer_name"] == "Piotr Zieliński"
    piotr.fill(draft_id, {"who": {"taxpayer_name": "Piotr Zieliński", "taxpayer_id": piotr.account["pesel"]}})
    bad = piotr.step(draft_id, "details", {"payment_date": "2026-13-01", "amount": "12,345",
                                           "target_liability_id": "nope", "explanation": "Pomyłka w tytule"})
    assert bad.get_json()["error"]["fields"] == {
        "payment_date": ["Podaj datę (RRRR-MM-DD)."], "amount": ["Podaj kwotę w złotych (np. 1234,56)."],
        "target_liability_id": ["Nieprawidłowy identyfikator."]}
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    stored = piotr.post(f"/api/v1/drafts/{draft_id}/attachments",
                        json={"filename": "potwierdzenie.pdf", "content_base64": b64(pdf)}).get_json()
    assert stored["media_type"] == "application/pdf"
    foreign = "0b0e7d5c-79a1-4c3b-8d3c-6a2b9f1e4d21"
    unknown = piotr.step(draft_id, "details", {"payment_date": "2026-01-15", "amount": "1234,56",
                                               "target_liability_id": foreign, "explanation": "Pomyłka",
                                               "attachments": [foreign]})
    assert unknown.get_json()["error"]["fields"] == {"attachments": ["Nie ma takiego załącznika w tym projekcie."]}
    piotr.fill(draft_id, {"details": {"payment_date": "2026-01-15", "amount": "1234,56",
                                      "payment_reference": "PIT 2025", "target_liability_id": foreign,
                                      "explanation": "Wpłata dotyczyła podatku od nieruchomości",
                                      "attachments": [stored["attachment_id"]]}})
    assert piotr.get(f"/api/v1/drafts/{draft_id}").get_json()["values"]["amount"] == 123456
    assert piotr.submit(draft_id, method="session").status_code == 201


def test_overpayment_claim_from_a_correction(client, system, service_databases, trusted_profile_service):
    ola = sign_up(client, system, service_databases, first_name="Ola", last_name="Wiśniewska")
    draft_id = ola.start("WSN-1")["draft_id"]
    ola.fill(draft_id, {"liability": {"taxpayer_name": "Ola Wiśniewska", "tax_type": "property_tax",
                                      "tax_year": 2025, "from_correction": True}})
    # the condition: with a correction the correction's fields are asked, not the paid/due ones
    hidden = ola.step(draft_id, "correction", {"paid_amount": "10,00"})
    assert set(hidden.get_json()["error"]["fields"]) == {"corrected_declaration_id", "declared_amount",
                                                        "corrected_amount", "correction_reason"}
    ola.fill(draft_id, {"correction": {"corrected_declaration_id": "3c4a1f0e-2b7d-4e8a-9c61-5f0d2e7b8a90",
                                       "declared_amount": "1200,00", "corrected_amount": "950,50",
                                       "correction_reason": "Błędna powierzchnia lokalu"}})
    too_much = ola.step(draft_id, "refund", {"claimed_amount": "300,00", "bank_account": "61109010140000071219812874"})
    assert too_much.get_json()["error"]["fields"] == {"claimed_amount": [
        "Kwota przekracza nadpłatę wynikającą z korekty."]}
    bad_nrb = ola.step(draft_id, "refund", {"claimed_amount": "249,50", "bank_account": "61109010140000071219812875"})
    assert bad_nrb.get_json()["error"]["fields"] == {"bank_account": ["Nieprawidłowy numer rachunku."]}
    ola.fill(draft_id, {"refund": {"claimed_amount": "249,50", "bank_account": "61 1090 1014 0000 0712 1981 2874"}})
    assert ola.get(f"/api/v1/drafts/{draft_id}").get_json()["computed"] == {"overpayment_grosze": 24950}
    start = ola.post(f"/api/v1/drafts/{draft_id}/trusted-profile-signing").get_json()
    trusted_profile_service.approve(start["redirect_url"], ola.account["pesel"], "Ola", "Wiśniewska")
    assert ola.submit(draft_id, method="trusted_profile", signing_id=start["signing_id"]).status_code == 201


def test_tax_data_needs_an_authenticated_account_and_drafts_are_private(client, system, service_databases):
    weak = sign_up(client, system, service_databases, authenticated=False)
    refused = weak.post("/api/v1/drafts", json={"form_code": "WPW"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 403
    assert "authenticated account" in refused.get_json()["error"]["message"]
    for listing in ("drafts", "declarations", "cases", "letters"):
        assert weak.get(f"/api/v1/{listing}").status_code == 403
    owner = sign_up(client, system, service_databases)
    draft_id = owner.start("WPW")["draft_id"]
    other = sign_up(client, system, service_databases)
    assert other.get(f"/api/v1/drafts/{draft_id}").status_code == 404
    assert client.application.test_client().get(f"/api/v1/drafts/{draft_id}").status_code == 401  # no cookie


def test_abandoned_drafts_expire_and_a_reused_key_is_refused(client, system, service_databases, rpc):
    anna = sign_up(client, system, service_databases)
    abandoned = anna.start("WSN-1")["draft_id"]
    first = anna.start("WPW")["draft_id"]
    anna.fill(first, {"who": {"taxpayer_name": "Anna", "taxpayer_id": anna.account["pesel"]},
                      "details": {"payment_date": "2026-01-15", "amount": "10,00", "explanation": "x",
                                  "target_liability_id": "6f1d3c2e-8a55-4c59-9d1e-0b7b2a6f3e10"}})
    assert anna.submit(first, "shared-key-0001", method="session").status_code == 201
    second = anna.start("WPW")["draft_id"]
    anna.fill(second, {"who": {"taxpayer_name": "Anna", "taxpayer_id": anna.account["pesel"]},
                       "details": {"payment_date": "2026-01-16", "amount": "20,00", "explanation": "y",
                                   "target_liability_id": "6f1d3c2e-8a55-4c59-9d1e-0b7b2a6f3e10"}})
    reused = anna.submit(second, "shared-key-0001", method="session")
    assert reused.status_code == 409

    engine = sa.create_engine(service_databases.url("declarations"))
    with engine.begin() as connection:  # a month and a day without a save
        connection.execute(sa.text("UPDATE drafts SET expires_at = now() - interval '1 day' WHERE id = :id"),
                           {"id": abandoned})
    engine.dispose()
    assert anna.get(f"/api/v1/drafts/{abandoned}").status_code == 404
    assert rpc.declarations.run_housekeeping()["drafts_expired"] == 1
    assert {d["draft_id"] for d in anna.get("/api/v1/drafts").get_json()} == {second}


def test_a_double_click_makes_one_submission(client, system, service_databases, qualified):
    anna = sign_up(client, system, service_databases)
    draft_id = anna.start("WPW")["draft_id"]
    anna.fill(draft_id, {"who": {"taxpayer_name": "Anna", "taxpayer_id": anna.account["pesel"]},
                         "details": {"payment_date": "2026-01-15", "amount": "10,00", "explanation": "x",
                                     "target_liability_id": "6f1d3c2e-8a55-4c59-9d1e-0b7b2a6f3e10"}})
    signed = b64(xades_sign(anna.document(draft_id), qualified.signer(anna.account["pesel"])))

    def click(_):
        browser = client.application.test_client()
        return browser.post(f"/api/v1/drafts/{draft_id}/submission", headers={
            **anna.headers, "Idempotency-Key": "click-click-0001"},
            json={"method": "qualified_signature", "signed_xml_base64": signed})

    answers = list(eventlet.GreenPool(3).imap(click, range(3)))
    # The gateway answers a click that arrives while the first is running with 409 "in progress";
    # one that arrives after it, with the stored answer. Either way: one submission.
    assert sorted(a.status_code for a in answers)[0] == 201, [a.get_json() for a in answers]
    assert {a.status_code for a in answers} <= {201, 409}
    assert len({a.get_json()["declaration_id"] for a in answers if a.status_code == 201}) == 1
    assert len(anna.get("/api/v1/declarations").get_json()) == 1
    again = click(None)  # a retry after the first finished gets the same submission
    assert again.status_code == 201
    assert again.get_json()["declaration_id"] == next(a.get_json()["declaration_id"] for a in answers
                                                      if a.status_code == 201)


def test_an_agent_files_for_a_person_who_then_sees_it(client, system, service_databases, identity_grants):
    anna = sign_up(client, system, service_databases, first_name="Anna", last_name="Kowalska")
    jan = sign_up(client, system, service_databases, first_name="Jan", last_name="Nowak")
    identity_grants(jan.account["account_id"], anna.account["pesel"])
    draft = jan.start("WPW", subject=anna.account["pesel"])
    assert draft["values"] == {"taxpayer_id": anna.account["pesel"]}  # Jan's own data is not prefilled
    jan.fill(draft["draft_id"], {
        "who": {"taxpayer_name": "Anna Kowalska", "taxpayer_id": anna.account["pesel"]},
        "details": {"payment_date": "2026-01-15", "amount": "10,00", "explanation": "x",
                    "target_liability_id": "6f1d3c2e-8a55-4c59-9d1e-0b7b2a6f3e10"}})
    receipt = jan.submit(draft["draft_id"], method="session").get_json()
    upo = jan.get(f"/api/v1/declarations/{receipt['declaration_id']}/upo.xml").data.decode()
    assert "<Nazwa>Jan Nowak</Nazwa>" in upo and f'typ="PESEL">{anna.account["pesel"]}<' in upo
    assert [d["declaration_id"] for d in anna.get("/api/v1/declarations").get_json()] == [receipt["declaration_id"]]
    assert anna.get(f"/api/v1/cases/{receipt['case_id']}").status_code == 200
    stranger = sign_up(client, system, service_databases)
    assert stranger.get(f"/api/v1/cases/{receipt['case_id']}").status_code == 404
    assert stranger.get(f"/api/v1/declarations/{receipt['declaration_id']}/upo.xml").status_code == 404
