"""After submission: the UPO verified by anyone (and a tampered one failing), the case through
every status with a letter and its delivery receipt, the effects of accepted forms as the
DECLARATION_ACCEPTED events ledger and identity consume, and drafts of a deleted account."""
import base64
import io
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from declarations_helpers import b64, sign_up, xades_sign
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter

from portal_shared.contracts import identity

OFFICER = {"account_id": str(uuid.uuid4()), "pesel": None, "level": "authenticated", "roles": ["tax_officer"]}
CONSULTANT = {**OFFICER, "roles": ["consultant"]}


def _explanation(taxpayer, target: str) -> dict:
    draft_id = taxpayer.start("WPW")["draft_id"]
    taxpayer.fill(draft_id, {
        "who": {"taxpayer_name": "Anna Kowalska", "taxpayer_id": taxpayer.account["pesel"]},
        "details": {"payment_date": "2026-01-15", "amount": "1234,56", "payment_reference": "PN 2026 rata 1",
                    "target_liability_id": target, "explanation": "Wpłata z błędnym tytułem"}})
    done = taxpayer.submit(draft_id, method="session")
    assert done.status_code == 201, done.get_json()
    return done.get_json()


def test_anyone_verifies_a_upo_and_a_changed_byte_fails(client, system, service_databases):
    anna = sign_up(client, system, service_databases)
    receipt = _explanation(anna, str(uuid.uuid4()))
    xml = anna.get(f"/api/v1/declarations/{receipt['declaration_id']}/upo.xml").data
    public = client.application.test_client()  # no session: the endpoint is public

    valid = public.post("/api/v1/upo-verifications", json={"xml_base64": b64(xml)}).get_json()
    assert valid["valid"] is True and valid["reference"] == receipt["upo_reference"]
    assert valid["digest_algorithm"] == "SHA-256" and valid["form_code"] == "WPW"
    by_reference = public.post("/api/v1/upo-verifications", json={
        "reference": receipt["upo_reference"], "digest": receipt["document_digest"]}).get_json()
    assert by_reference["valid"] is True
    wrong_digest = public.post("/api/v1/upo-verifications", json={
        "reference": receipt["upo_reference"], "digest": base64.b64encode(b"x" * 32).decode()}).get_json()
    assert wrong_digest == {"valid": False, "reasons": ["upo.not_in_register"]}

    # change one byte inside the signed content, then one inside the signature value
    marker = receipt["upo_reference"].encode()
    tampered = xml.replace(marker, marker[:-1] + (b"0" if marker[-1:] != b"0" else b"1"))
    result = public.post("/api/v1/upo-verifications", json={"xml_base64": b64(tampered)}).get_json()
    assert result == {"valid": False, "reasons": ["upo.signature_invalid"]}
    start = xml.index(b"<ds:SignatureValue>") + len(b"<ds:SignatureValue>")
    flipped = xml[:start] + (b"A" if xml[start:start + 1] != b"A" else b"B") + xml[start + 1:]
    assert public.post("/api/v1/upo-verifications", json={"xml_base64": b64(flipped)}).get_json()["valid"] is False
    # a byte outside the signed part (the XML declaration) still fails against the register
    outside = xml.replace(b"encoding='UTF-8'", b"encoding='utf-8'", 1)
    assert outside != xml
    outside_result = public.post("/api/v1/upo-verifications",
                                 data={"file": (io.BytesIO(outside), "upo.xml")},
                                 content_type="multipart/form-data").get_json()
    assert outside_result["valid"] is False and "upo.file_changed" in outside_result["reasons"]
    bomb = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b"<l>&b;</l>")
    assert public.post("/api/v1/upo-verifications", json={"xml_base64": b64(bomb)}).get_json()["valid"] is False
    assert public.post("/api/v1/upo-verifications", json={}).status_code == 400


def test_a_case_runs_through_every_status_with_a_letter_and_its_receipt(client, system, service_databases, rpc,
                                                                         declaration_events):
    anna = sign_up(client, system, service_databases)
    target = str(uuid.uuid4())
    receipt = _explanation(anna, target)
    case_id = receipt["case_id"]
    assert declaration_events.wait_for("case_status_changed", case_id=case_id, new_status="received")

    assert anna.post(f"/api/v1/cases/{case_id}/answers", json={"text": "?"}).status_code == 400  # nothing asked
    try:
        rpc.declarations.change_case_status(actor=CONSULTANT, case_id=case_id, status="in_review")
        raise AssertionError("a consultant may not decide cases")
    except Exception as exc:  # noqa: BLE001
        assert type(exc).__name__ == "Forbidden"
    rpc.declarations.change_case_status(actor=OFFICER, case_id=case_id, status="in_review")
    try:
        rpc.declarations.change_case_status(actor=OFFICER, case_id=case_id, status="received")
        raise AssertionError("a case does not go back to received")
    except Exception as exc:  # noqa: BLE001
        assert type(exc).__name__ == "ValidationFailed"
    rpc.declarations.change_case_status(actor=OFFICER, case_id=case_id, status="needs_completion",
                                        note="Prosimy o potwierdzenie przelewu.")
    letter = rpc.declarations.send_letter(actor=OFFICER, case_id=case_id, subject_line="Wezwanie do uzupełnienia",
                                          body="Prosimy o przesłanie potwierdzenia przelewu w ciągu 7 dni.")
    assert letter["channel"] == "portal"  # the registration consented to e-correspondence
    assert declaration_events.wait_for("letter_sent", letter_id=letter["letter_id"])["account_id"] == \
        anna.account["account_id"]

    [listed] = anna.get("/api/v1/letters").get_json()
    assert listed["body"] is None and listed["delivery"] == "pending"
    sent_day = datetime.fromisoformat(listed["sent_at"]).astimezone(ZoneInfo("Europe/Warsaw"))
    assert listed["deemed_delivery_date_local"] == (sent_day.date() + timedelta(days=14)).isoformat()
    assert listed["deemed_delivery_date_local"] in listed["delivery_note"]
    opened = anna.post(f"/api/v1/letters/{letter['letter_id']}/opening").get_json()
    assert opened["delivery"] == "opened" and opened["body"].startswith("Prosimy")
    delivered = declaration_events.wait_for("letter_delivered", letter_id=letter["letter_id"])
    assert delivered["how"] == "opened" and delivered["delivered_at"] == opened["delivered_at"]
    again = anna.post(f"/api/v1/letters/{letter['letter_id']}/opening").get_json()
    assert again["delivered_at"] == opened["delivered_at"]  # the receipt records the first opening only

    proof = anna.post(f"/api/v1/cases/{case_id}/attachments",
                      json={"filename": "przelew.pdf", "content_base64": b64(b"%PDF-1.7\n%%EOF\n")})
    assert proof.status_code == 201
    answered = anna.post(f"/api/v1/cases/{case_id}/answers", json={
        "text": "W załączeniu potwierdzenie.", "attachment_ids": [proof.get_json()["attachment_id"]]})
    assert answered.status_code == 201 and answered.get_json()["status"] == "in_review"
    final = rpc.declarations.change_case_status(actor=OFFICER, case_id=case_id, status="accepted")
    assert [h["new_status"] for h in final["history"] if h["kind"] == "status"] == [
        "received", "in_review", "needs_completion", "in_review", "accepted"]

    accepted = declaration_events.wait_for("declaration_accepted", case_id=case_id)
    assert accepted["rebooking"] == {"payment_date": "2026-01-15", "amount_grosze": 123456,
                                     "payment_reference": "PN 2026 rata 1", "target_liability_id": target}
    assert accepted["assessment"] is None and accepted["mandate"] is None
    case = anna.get(f"/api/v1/cases/{case_id}").get_json()
    assert case["status"] == "accepted" and case["letters"][0]["delivery"] == "opened"
    assert {d["kind"] for d in case["documents"]} >= {"declaration_pdf", "upo_xml", "upo_pdf", "attachment"}
    [attached] = [d for d in case["documents"] if d["kind"] == "attachment"]
    downloaded = anna.get(f"/api/v1/attachments/{attached['attachment_id']}")
    assert downloaded.status_code == 200 and downloaded.data == b"%PDF-1.7\n%%EOF\n"
    stranger = sign_up(client, system, service_databases)
    assert stranger.get(f"/api/v1/attachments/{attached['attachment_id']}").status_code == 404
    assert declaration_events.wait_for("case_status_changed", case_id=case_id, new_status="accepted")["old_status"] \
        == "in_review"


def test_an_unopened_letter_is_deemed_delivered_after_14_days(client, system, service_databases, rpc,
                                                              declaration_events):
    anna = sign_up(client, system, service_databases)
    receipt = _explanation(anna, str(uuid.uuid4()))
    rpc.declarations.change_case_status(actor=OFFICER, case_id=receipt["case_id"], status="in_review")
    rpc.declarations.change_case_status(actor=OFFICER, case_id=receipt["case_id"], status="rejected",
                                        note="Wpłata została już rozliczona.")
    letter = rpc.declarations.send_letter(actor=OFFICER, case_id=receipt["case_id"], subject_line="Decyzja",
                                          body="Odmowa przeksięgowania.")
    engine = sa.create_engine(service_databases.url("declarations"))
    with engine.begin() as connection:  # fifteen days pass
        connection.execute(sa.text("UPDATE letters SET sent_at = sent_at - interval '15 days', "
                                   "deemed_delivered_at = deemed_delivered_at - interval '15 days'"))
    engine.dispose()
    assert rpc.declarations.run_housekeeping()["letters_deemed_delivered"] == 1
    delivered = declaration_events.wait_for("letter_delivered", letter_id=letter["letter_id"])
    assert delivered["how"] == "deemed_after_14_days"
    opened_late = anna.post(f"/api/v1/letters/{letter['letter_id']}/opening").get_json()
    assert opened_late["delivery"] == "deemed_after_14_days" and "Uznano za doręczone" in opened_late["delivery_note"]
    assert datetime.fromisoformat(opened_late["delivered_at"]) < datetime.now(UTC) - timedelta(hours=1)


def test_accepted_forms_carry_their_effects_for_ledger_and_identity(client, system, service_databases, rpc,
                                                                   declaration_events, qualified):
    anna = sign_up(client, system, service_databases)
    draft_id = anna.start("WSN-1")["draft_id"]
    anna.fill(draft_id, {
        "liability": {"taxpayer_name": "Anna Kowalska", "tax_type": "waste_fee", "tax_year": 2025,
                      "from_correction": False},
        "correction": {"paid_amount": "420,00", "due_amount": "405,00", "reason": "Zmiana liczby mieszkańców"},
        "refund": {"claimed_amount": "15,00", "bank_account": "61109010140000071219812874"}})
    refund = anna.submit(draft_id, method="session").get_json()

    draft_id = anna.start("PPS-1")["draft_id"]
    agent = str(uuid.uuid4())
    anna.fill(draft_id, {
        "principal": {"principal_kind": "person", "principal_name": "Anna Kowalska",
                      "principal_pesel": anna.account["pesel"]},
        "agent": {"agent_name": "Jan Nowak", "agent_pesel": "02070803628", "agent_account_id": agent,
                  "relation": "descendant"},
        "scope": {"kind": "general_attorney", "scopes": ["view", "submit"], "valid_from": "2026-02-01"}})
    signed = xades_sign(anna.document(draft_id), qualified.signer(anna.account["pesel"]))
    mandate = anna.submit(draft_id, method="qualified_signature", signed_xml_base64=b64(signed)).get_json()

    draft_id = anna.start("IN-1")["draft_id"]
    values = anna.get(f"/api/v1/drafts/{draft_id}").get_json()["values"]
    anna.fill(draft_id, {
        "purpose": {"tax_year": 2026, "purpose": "filing", "obligation_date": "2025-06-01"},
        "taxpayer": {"ownership": "owner", **{k: values[k] for k in ("first_name", "last_name", "pesel", "street",
                                                                     "building", "postal_code", "city")}},
        "objects": {"objects": [{"kind": "building_residential", "location": "Kraków", "cadastral_id": "1.2",
                                 "base": "100"}]},
        "statement": {"truthful": True}})
    signed = xades_sign(anna.document(draft_id), qualified.signer(anna.account["pesel"]))
    assessment = anna.submit(draft_id, method="qualified_signature", signed_xml_base64=b64(signed)).get_json()

    for receipt in (refund, mandate, assessment):
        rpc.declarations.change_case_status(actor=OFFICER, case_id=receipt["case_id"], status="in_review")
        rpc.declarations.change_case_status(actor=OFFICER, case_id=receipt["case_id"], status="accepted")
    assert declaration_events.wait_for("declaration_accepted", case_id=refund["case_id"])["refund_claim"] == {
        "amount_grosze": 1500, "bank_account": "61109010140000071219812874"}
    granted = declaration_events.wait_for("declaration_accepted", case_id=mandate["case_id"])
    assert granted["mandate"] == {"principal": anna.account["pesel"], "principal_name": "Anna Kowalska",
                                  "agent_account_id": agent, "kind": "general_attorney",
                                  "scopes": ["view", "submit"], "valid_from": "2026-02-01", "valid_to": None}
    assessed = declaration_events.wait_for("declaration_accepted", case_id=assessment["case_id"])["assessment"]
    assert assessed == {"tax_type": "property_tax", "tax_year": 2026, "taxpayer_kind": "natural",
                        "annual_amount_grosze": 12500, "months_from": 1, "corrects": None,
                        "installments": None,  # the office's decision sets a natural person's installments
                        "components": [{"kind": "building_residential", "base": "100", "rate": "1.25",
                                        "amount_grosze": 12500}]}


def test_a_deleted_account_loses_its_drafts_but_not_its_submissions(client, system, service_databases,
                                                                    service_containers, nameko_config, rpc):
    anna = sign_up(client, system, service_databases)
    receipt = _explanation(anna, str(uuid.uuid4()))
    anna.start("DO-1")
    assert len(anna.get("/api/v1/drafts").get_json()) == 1
    dispatch = event_dispatcher(nameko_config)
    event = identity.ACCOUNT_DELETED.build(account_id=anna.account["account_id"], pesel=anna.account["pesel"],
                                           reason="someone_elses_pesel")
    container = service_containers("declarations")["declarations"]
    with entrypoint_waiter(container, "on_account_deleted"):
        dispatch("identity", "account_deleted", event)
    with entrypoint_waiter(container, "on_account_deleted"):
        dispatch("identity", "account_deleted", event)  # a redelivery does nothing more
    engine = sa.create_engine(service_databases.url("declarations"))
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM drafts WHERE status = 'open'")) == 0
        assert connection.scalar(sa.text("SELECT count(*) FROM declarations WHERE id = :id"),
                                 {"id": receipt["declaration_id"]}) == 1
    engine.dispose()
    assert rpc.declarations.upo_documents(declaration_id=receipt["declaration_id"])["reference"] == \
        receipt["upo_reference"]
