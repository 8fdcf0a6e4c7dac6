"""Chaos scenario: declarations submitted through the gateway while the declarations service
(submission, UPO) and notifications (the UPO e-mail fan-out) are SIGKILLed at random moments.

Each unit of work is one explanation of payment purpose (WPW, signed in the session): a draft,
its two steps, and the submission under one Idempotency-Key. A step or submission that fails is
tried again, the submission always under the same key, as the portal's page does.

Promises checked:
- every submission answered 201 is listed among the taxpayer's declarations;
- one declaration per draft (a retried or redelivered submission makes no second one), and each
  declaration has exactly one UPO, the one the 201 named;
- the UPO e-mail goes to the submitter exactly once per declaration; one stored but not yet
  handed to SMTP is "stranded" (counted apart);
- no UPO e-mail for a declaration that does not exist.
"""
import time
import uuid

import sqlalchemy as sa
from chaos import Report, Scenario, System, deliveries_by_message_id
from chaos_registration import pesel_for
from helpers import code_from, registration

TAXPAYERS = 4
WPW_STEPS = {
    "details": {"payment_date": "2026-01-15", "amount": "10,00", "explanation": "Wpłata na inny podatek",
                "target_liability_id": "6f1d3c2e-8a55-4c59-9d1e-0b7b2a6f3e10"},
}


class DeclarationSubmissionScenario(Scenario):
    services = ("identity", "notifications", "declarations")
    kill_targets = ("declarations", "notifications")
    tries = 40

    def __init__(self, run_tag: str):
        self.run_tag = run_tag
        self.taxpayers: list[dict] = []

    def prepare(self, system: System) -> None:
        """A few taxpayers, registered and verified through the gateway, raised to `authenticated`
        in identity's database (test only: the real ways need a login node or a signature)."""
        for n in range(TAXPAYERS):
            client = system.gateway.test_client()   # a browser each: a session cookie would need CSRF
            pesel, login = pesel_for(self.run_tag, 7000 + n), f"decl{self.run_tag}{n}"
            form = registration(client, pesel=pesel, login=login, email=f"{login}@example.pl")
            created = client.post("/api/v1/registrations", json=form)
            assert created.status_code == 201, created.get_json()
            account_id = created.get_json()["account_id"]
            message = self._wait_for_mail(system, form["email"])
            verified = client.post("/api/v1/email-verifications",
                                   json={"account_id": account_id, "code": code_from(message)})
            assert verified.status_code == 200, verified.get_json()
            with system.engines["identity"].begin() as conn:
                conn.execute(sa.text("UPDATE accounts SET level = 'authenticated' WHERE id = :id"), {"id": account_id})
            token = client.post("/api/v1/sessions", json={"login": login, "password": form["password"]}
                                ).get_json()["token"]
            self.taxpayers.append({"pesel": pesel, "email": form["email"], "account_id": account_id,
                                   "headers": {"Authorization": f"Bearer {token}"}})

    @staticmethod
    def _wait_for_mail(system: System, email: str, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := system.mail_sink.messages(email):
                return found[0]
            time.sleep(0.1)
        raise TimeoutError(f"no verification e-mail to {email}")

    def drive_one(self, client, number: int) -> dict:
        taxpayer = self.taxpayers[number % len(self.taxpayers)]
        record = {"number": number, "account_id": taxpayer["account_id"], "status": None, "tries": 0,
                  "key": f"chaos-{self.run_tag}-{number}-{uuid.uuid4().hex[:8]}"}
        headers = taxpayer["headers"]
        record["step"] = "draft"
        draft = self._retry(record, lambda: client.post("/api/v1/drafts", headers=headers,
                                                        json={"form_code": "WPW"}), 201)
        if draft is None:
            return record
        record["draft_id"] = draft_id = draft.get_json()["draft_id"]
        steps = {"who": {"taxpayer_name": "Anna Kowalska", "taxpayer_id": taxpayer["pesel"]}, **WPW_STEPS}
        for step, values in steps.items():
            record["step"] = step
            if self._retry(record, lambda s=step, v=values: client.put(
                    f"/api/v1/drafts/{draft_id}/steps/{s}", headers=headers, json={"values": v}), 200) is None:
                return record
        record["step"] = "submission"
        submitted = self._retry(record, lambda: client.post(
            f"/api/v1/drafts/{draft_id}/submission", headers={**headers, "Idempotency-Key": record["key"]},
            json={"method": "session"}), 201)
        if submitted is not None:
            body = submitted.get_json()
            record.update(status=201, declaration_id=body["declaration_id"], upo_reference=body["upo_reference"])
        return record

    def _retry(self, record: dict, request, expected: int):
        """Again while the answer is 503 (a service is restarting) or 409 (the same key is still
        being processed); any other answer ends the unit of work."""
        for _ in range(self.tries):
            record["tries"] += 1
            response = request()
            if response.status_code == expected:
                return response
            record["status"] = response.status_code
            if response.status_code not in (503, 409):
                record["body"] = response.get_json(silent=True)
                return None
            time.sleep(0.3)
        return None

    def check(self, system: System, records: list[dict], report: Report) -> None:
        accepted = [r for r in records if r["status"] == 201]
        report.accepted = len(accepted)
        report.notes["gave_up"] = sum(1 for r in records if r["status"] in (503, 409))
        report.notes["refused"] = sorted({f"{r['status']}:{r.get('step')}:{_reason(r.get('body'))}" for r in records
                                          if r["status"] not in (201, 503, 409)})
        account_ids = [t["account_id"] for t in self.taxpayers]
        declarations = system.query(
            "declarations",
            "SELECT d.id::text, d.draft_id::text, d.idempotency_key, count(u.declaration_id), min(u.reference) "
            "FROM declarations d LEFT JOIN upos u ON u.declaration_id = d.id "
            "WHERE d.account_id = ANY(CAST(:ids AS uuid[])) GROUP BY 1, 2, 3", ids=account_ids)
        by_draft, references = {}, {}
        for declaration_id, draft_id, _key, upos, reference in declarations:
            by_draft.setdefault(draft_id, []).append(declaration_id)
            references[declaration_id] = reference
            if upos != 1:
                (report.lost if upos == 0 else report.duplicated).append(("upo", declaration_id, upos))
        for draft_id, ids in by_draft.items():
            if len(ids) > 1:
                report.duplicated.append(("declaration", draft_id, ids))
        for record in accepted:
            if record["declaration_id"] not in references:
                report.lost.append(("declaration", record["declaration_id"]))
            elif references[record["declaration_id"]] != record["upo_reference"]:
                report.duplicated.append(("upo_reference", record["declaration_id"]))
        self._check_mail(system, references, report)

    def _check_mail(self, system: System, references: dict, report: Report) -> None:
        emails = {t["email"] for t in self.taxpayers}
        ours = [m for m in system.mail_sink.messages() if set(m["rcpt_to"]) & emails]
        by_message_id, report.notes["resent_same_message_id"] = deliveries_by_message_id(ours)
        texts = [mail.get("text") or "" for mail, *_resends in by_message_id.values()]  # one per Message-ID
        unsent = [body for body, in system.query(
            "notifications", "SELECT body_text FROM messages WHERE message_type = 'upo_receipt' AND status <> 'sent'")]
        for declaration_id, reference in references.items():
            count = sum(reference in text for text in texts)
            if count > 1:
                report.duplicated.append(("upo_email", reference))
            elif count == 0 and any(reference in body for body in unsent):
                report.stranded.append(("upo_email", reference))
            elif count == 0:
                report.lost.append(("upo_email", declaration_id, reference))
        known = set(references.values())
        strays = [text for text in texts if "UPO" in text and not any(reference in text for reference in known)]
        report.duplicated += [("upo_email_without_declaration", text[:80]) for text in strays]


def _reason(body) -> str:
    error = body.get("error", {}) if isinstance(body, dict) else {}
    return f"{error.get('code')} {sorted(error.get('fields') or {})}"
