"""The authorisation matrix of the HTTP API: every operation of the OpenAPI document is classified
(a new endpoint fails `test_every_operation_is_classified` until it is), and each class is tried
against the callers it must refuse:

- `PUBLIC`: anyone (CAPTCHA-, code- or rate-limited instead);
- `SIGNED`: outside systems' callbacks, refused without their signature;
- `OWN`: the signed-in account's own things, nothing that names someone else: 401 without a session;
- `STAFF`: staff only: a taxpayer's session is refused;
- `SUBJECT`: someone's tax data named by `{subject}`: the owner and an agent whose mandate is valid
  and has the scope are let in; a mandate without the scope, an expired one, a revoked one and a
  stranger are refused, and a stranger asking about a subject that has data and one that has none
  get the same refusal;
- `OBJECT`: a thing by its id (draft, declaration, case, letter, attachment, device, session,
  mandate): a stranger gets the same refusal for the owner's object as for one that does not exist,
  and the owner's things are untouched afterwards.
"""
import base64
import uuid
from datetime import date, timedelta

from declarations_helpers import new_pesel, sign_up
from nameko.standalone.events import event_dispatcher

from portal_shared.contracts import declarations as declarations_contract
from portal_shared.contracts import identity as identity_contract

TODAY = date.today()
OFFICER = {"account_id": str(uuid.uuid4()), "level": "authenticated", "roles": ["tax_officer"]}
PDF = base64.b64encode(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").decode()

PUBLIC = {
    ("GET", "/api/v1/captcha"), ("GET", "/api/v1/csrf-token"), ("GET", "/api/v1/forms"),
    ("GET", "/api/v1/forms/{code}"),
    ("GET", "/api/v1/interest-calculator"), ("GET", "/api/v1/push/vapid-public-key"),
    ("POST", "/api/v1/registrations"), ("POST", "/api/v1/email-verifications"),
    ("POST", "/api/v1/email-verifications/link"), ("POST", "/api/v1/email-verifications/resend"),
    ("POST", "/api/v1/phone-verifications"), ("POST", "/api/v1/phone-verifications/resend"),
    ("POST", "/api/v1/password-resets"), ("POST", "/api/v1/password-resets/complete"),
    ("POST", "/api/v1/sessions"), ("POST", "/api/v1/device-sessions"), ("POST", "/api/v1/upo-verifications"),
    # the anonymous chat: its unguessable conversation id is the caller's only handle
    ("POST", "/api/v1/chatbot/messages"), ("POST", "/api/v1/chatbot/conversations/{conversation_id}/handover"),
    ("POST", "/api/v1/chatbot/conversations/{conversation_id}/survey"),
}
SIGNED = {
    ("GET", "/api/v1/callbacks/sms"), ("POST", "/api/v1/callbacks/sms"),
    ("POST", "/api/v1/payments/notifications/przelewy24"), ("POST", "/api/v1/authentications/trusted-profile/acs"),
    ("POST", "/api/v1/ivr/calls/{call_id}/events"), ("POST", "/api/v1/ivr/calls/{call_id}/input"),
    ("POST", "/api/v1/ivr/calls/{call_id}/survey"),
}
OWN = {
    ("GET", "/api/v1/acting-for"), ("PUT", "/api/v1/acting-for"), ("GET", "/api/v1/authentications"),
    ("POST", "/api/v1/authentications/qualified-signature"),
    ("GET", "/api/v1/authentications/qualified-signature/statement"),
    ("POST", "/api/v1/authentications/trusted-profile"), ("GET", "/api/v1/cases"), ("GET", "/api/v1/declarations"),
    ("GET", "/api/v1/drafts"), ("POST", "/api/v1/drafts"), ("GET", "/api/v1/letters"), ("GET", "/api/v1/devices"),
    ("POST", "/api/v1/devices"), ("GET", "/api/v1/mandates"), ("GET", "/api/v1/me"), ("PATCH", "/api/v1/me"),
    ("GET", "/api/v1/me/notification-preferences"), ("PUT", "/api/v1/me/notification-preferences"),
    ("PUT", "/api/v1/me/password"), ("POST", "/api/v1/me/push-subscriptions"), ("POST", "/api/v1/payments"),
    ("GET", "/api/v1/sessions"), ("DELETE", "/api/v1/sessions"), ("DELETE", "/api/v1/sessions/current"),
    ("GET", "/api/v1/telepin"), ("PUT", "/api/v1/telepin"), ("DELETE", "/api/v1/telepin"),
}
STAFF = {("GET", "/api/v1/chatbot/handovers")}
SUBJECT = {("GET", f"/api/v1/taxpayers/{{subject}}/{what}") for what in (
    "balance", "installments", "interest-due", "liabilities", "overpayments", "overview", "payments", "reminders",
    "tax-accounts", "transfer-details")}
OBJECT = {
    ("GET", "/api/v1/attachments/{attachment_id}"), ("GET", "/api/v1/cases/{case_id}"),
    ("POST", "/api/v1/cases/{case_id}/answers"), ("POST", "/api/v1/cases/{case_id}/attachments"),
    ("GET", "/api/v1/declarations/{declaration_id}"), ("GET", "/api/v1/declarations/{declaration_id}/form.pdf"),
    ("GET", "/api/v1/declarations/{declaration_id}/upo.pdf"), ("GET", "/api/v1/declarations/{declaration_id}/upo.xml"),
    ("DELETE", "/api/v1/devices/{device_id}"), ("PUT", "/api/v1/devices/{device_id}/push-token"),
    ("GET", "/api/v1/drafts/{draft_id}"), ("DELETE", "/api/v1/drafts/{draft_id}"),
    ("POST", "/api/v1/drafts/{draft_id}/attachments"), ("GET", "/api/v1/drafts/{draft_id}/document"),
    ("PUT", "/api/v1/drafts/{draft_id}/steps/{step}"), ("POST", "/api/v1/drafts/{draft_id}/submission"),
    ("GET", "/api/v1/drafts/{draft_id}/summary"), ("POST", "/api/v1/drafts/{draft_id}/trusted-profile-signing"),
    ("POST", "/api/v1/letters/{letter_id}/opening"), ("DELETE", "/api/v1/mandates/{mandate_id}"),
    ("DELETE", "/api/v1/sessions/{session_id}"),
}
CLASSES = {"public": PUBLIC, "signed": SIGNED, "own": OWN, "staff": STAFF, "subject": SUBJECT, "object": OBJECT}

# Bodies valid but for who asks, so a refusal is about the caller and not the body.
BODIES = {
    ("POST", "/api/v1/cases/{case_id}/answers"): {"text": "W załączeniu wyjaśnienie.", "attachment_ids": []},
    ("POST", "/api/v1/cases/{case_id}/attachments"): {"filename": "wyjasnienie.pdf", "content_base64": PDF},
    ("POST", "/api/v1/drafts/{draft_id}/attachments"): {"filename": "potwierdzenie.pdf", "content_base64": PDF},
    ("PUT", "/api/v1/devices/{device_id}/push-token"): {"push_token": "stranger-token"},
    ("PUT", "/api/v1/drafts/{draft_id}/steps/{step}"): {"values": {"taxpayer_name": "Ktoś Obcy",
                                                                   "taxpayer_id": "44051401359"}},
    ("POST", "/api/v1/drafts/{draft_id}/submission"): {"method": "session"},
}
WPW = {"who": None, "details": {"payment_date": "2026-01-15", "amount": "10,00", "explanation": "Pomyłka w tytule",
                                "target_liability_id": "6f1d3c2e-8a55-4c59-9d1e-0b7b2a6f3e10"}}


def operations(client) -> set[tuple[str, str]]:
    document = client.get("/api/openapi.json").get_json()
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item
            if method in ("get", "put", "post", "patch", "delete")}


def url(path: str, **values) -> str:
    defaults = {"subject": "44051401359", "code": "IN-1", "step": "who"}
    return path.format(**{name: values.get(name, defaults.get(name, str(uuid.uuid4()))) for name in _names(path)})


def _names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def request(client, method: str, path: str, headers: dict | None = None, **values):
    headers = {**(headers or {}), "Idempotency-Key": uuid.uuid4().hex, "Accept-Language": "en"}
    return client.open(url(path, **values), method=method, headers=headers, json=BODIES.get((method, path), {}))


def is_error(response, status: int) -> bool:
    body = response.get_json(silent=True)
    return response.status_code == status and isinstance(body, dict) and isinstance(body.get("error"), dict) \
        and isinstance(body["error"].get("code"), str)


def test_every_operation_is_classified(client):
    classified = set().union(*CLASSES.values())
    assert sum(len(c) for c in CLASSES.values()) == len(classified), "an operation is in two classes"
    found = operations(client)
    assert found - classified == set(), "classify these new operations in this module"
    assert classified - found == set(), "these operations are gone from the API: drop them here"


def test_without_a_session_only_public_and_signed_operations_answer(client, system):
    anonymous = client.application.test_client()
    for method, path in sorted(OWN | STAFF | SUBJECT | OBJECT):
        response = request(anonymous, method, path)
        assert is_error(response, 401), (method, path, response.status_code, response.get_json(silent=True))
        forged = request(anonymous, method, path, headers={"Authorization": "Bearer " + "x" * 40})
        assert forged.status_code == 401 and forged.get_json() == response.get_json(), (method, path)
    for method, path in sorted(SIGNED):
        response = request(anonymous, method, path)
        assert 400 <= response.status_code < 500, (method, path, response.status_code)
    for method, path in sorted(PUBLIC):
        assert request(anonymous, method, path).status_code not in (401, 403, 500), (method, path)


def test_staff_operations_refuse_a_taxpayer(client, system, service_databases):
    taxpayer = sign_up(client, system, service_databases)
    for method, path in sorted(STAFF):
        assert is_error(request(client, method, path, taxpayer.headers), 403), (method, path)


def _grant(rpc, agent, principal, scopes, valid_from=TODAY - timedelta(days=30), valid_to=None) -> dict:
    return identity_contract.GRANT_MANDATE(
        rpc, actor=OFFICER, principal=principal, principal_name="Jan Nowak",
        agent_account_id=agent.account["account_id"], kind="general_attorney", scopes=scopes,
        valid_from=valid_from.isoformat(), valid_to=valid_to.isoformat() if valid_to else None)


def _assess(nameko_config, subject: str) -> None:
    accepted = declarations_contract.DECLARATION_ACCEPTED
    event_dispatcher(nameko_config)("declarations", "declaration_accepted", accepted.build(
        declaration_id=str(uuid.uuid4()), case_id=str(uuid.uuid4()), form_code="IN-1",
        submitter_account_id=str(uuid.uuid4()), subject=subject, assessment={
            "tax_type": "property_tax", "tax_year": TODAY.year + 1, "taxpayer_kind": "natural",
            "annual_amount_grosze": 1001_00, "months_from": 1, "corrects": None,
            "components": [{"kind": "building_residential", "base": "100.00", "rate": "1.25",
                            "amount_grosze": 1001_00}]}))


def test_someones_tax_data_by_mandate_scope_validity_and_existence(client, system, service_databases, rpc,
                                                                    nameko_config):
    owner = sign_up(client, system, service_databases)
    agent = sign_up(client, system, service_databases)
    stranger = sign_up(client, system, service_databases)
    _assess(nameko_config, owner.account["pesel"])
    in_scope, out_of_scope, expired, revoked, nobody = (new_pesel() for _ in range(5))
    _grant(rpc, agent, in_scope, ["view"])
    _grant(rpc, agent, out_of_scope, ["pay", "submit"])
    _grant(rpc, agent, expired, ["view"], valid_from=TODAY - timedelta(days=60), valid_to=TODAY - timedelta(days=1))
    withdrawn = _grant(rpc, agent, revoked, ["view"])
    identity_contract.REVOKE_MANDATE(rpc, actor=OFFICER, mandate_id=withdrawn["mandate_id"])
    for method, path in sorted(SUBJECT):
        own = request(client, method, path, owner.headers, subject=owner.account["pesel"])
        assert own.status_code == 200, (path, own.get_json())
        assert request(client, method, path, agent.headers, subject=in_scope).status_code == 200, path
        refusal = request(client, method, path, stranger.headers, subject=owner.account["pesel"])
        assert is_error(refusal, 403), (path, refusal.status_code)
        for who, subject in ((stranger, nobody), (agent, out_of_scope), (agent, expired), (agent, revoked)):
            refused = request(client, method, path, who.headers, subject=subject)
            assert (refused.status_code, refused.get_json()) == (403, refusal.get_json()), (path, subject)


def _owned_objects(client, owner, rpc) -> dict:
    """One of each thing the owner has, by the path parameter that names it."""
    wpw = {**WPW, "who": {"taxpayer_name": "Anna Kowalska", "taxpayer_id": owner.account["pesel"]}}
    draft_id = owner.start("WPW")["draft_id"]
    owner.fill(draft_id, wpw)
    attachment = owner.post(f"/api/v1/drafts/{draft_id}/attachments",
                            json={"filename": "potwierdzenie.pdf", "content_base64": PDF}).get_json()
    submitted_draft = owner.start("WPW")["draft_id"]
    owner.fill(submitted_draft, wpw)
    receipt = owner.submit(submitted_draft, method="session").get_json()
    letter = declarations_contract.SEND_LETTER(rpc, actor=OFFICER, case_id=receipt["case_id"],
                                               subject_line="Wezwanie", body="Prosimy o wyjaśnienie.")
    device = owner.post("/api/v1/devices", json={"name": "Telefon", "platform": "android", "pin": "2580",
                                                 "pin_repeat": "2580"}).get_json()
    [session] = owner.get("/api/v1/sessions").get_json()
    mandate = _grant(rpc, owner, new_pesel(), ["view"])
    return {"draft_id": draft_id, "attachment_id": attachment["attachment_id"],
            "declaration_id": receipt["declaration_id"], "case_id": receipt["case_id"],
            "letter_id": str(letter["letter_id"]), "device_id": device["device_id"],
            "session_id": session["session_id"], "mandate_id": mandate["mandate_id"]}


def test_a_strangers_object_is_refused_as_if_it_did_not_exist(client, system, service_databases, rpc):
    owner = sign_up(client, system, service_databases)
    stranger = sign_up(client, system, service_databases)
    objects = _owned_objects(client, owner, rpc)
    for method, path in sorted(OBJECT):
        names = [n for n in _names(path) if n.endswith("_id")]
        existing = request(client, method, path, stranger.headers, **{n: objects[n] for n in names})
        absent = request(client, method, path, stranger.headers, **{n: str(uuid.uuid4()) for n in names})
        assert existing.status_code in (403, 404), (method, path, existing.status_code, existing.get_json())
        assert (existing.status_code, existing.get_json()) == (absent.status_code, absent.get_json()), (method, path)
    # nothing the stranger tried reached the owner's things
    assert owner.get("/api/v1/me").status_code == 200
    assert owner.get(f"/api/v1/drafts/{objects['draft_id']}").status_code == 200
    assert [d["device_id"] for d in owner.get("/api/v1/devices").get_json()] == [objects["device_id"]]
    assert owner.get(f"/api/v1/attachments/{objects['attachment_id']}").status_code == 200
    assert owner.get(f"/api/v1/cases/{objects['case_id']}").get_json()["letters"][0]["delivery"] == "pending"
    assert any(m["mandate_id"] == objects["mandate_id"] and m["active"] for m in
               owner.get("/api/v1/mandates").get_json()["as_agent"])
