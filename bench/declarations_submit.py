"""Scenario 5: a declaration submitted with a qualified (XAdES) signature and its UPO fetched,
through the gateway, open-loop at rising rates.

Before each rate, drafts of the WPW form are filled in through the gateway by the data set's
taxpayers (own sessions, own certificates from a bench CA the declarations service trusts), and
signed as the taxpayer's software would, outside the measured time. An operation is then
`POST /api/v1/drafts/<id>/submission` (signature verified, form rebuilt and validated, stored,
UPO signed by the office) and `GET /api/v1/declarations/<id>/upo.xml`.
Goal: 100 submissions/s with p95 under 300 ms (the UK's national peak is about 14 returns/s).
"""
import base64
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests
from lxml import etree
from signxml.xades import XAdESSigner

from bench import dataset, measure
from declarations import pki

GOAL_PER_S, GOAL_P95_MS = 100, 300
RATES = (2, 5, 10, 20, 40, 70, 100)
SIGNERS = 40


class Taxpayers:
    """The first SIGNERS taxpayers of the data set, each with a session and a certificate."""

    def __init__(self, system, anchors_file: str):
        ca = pki.new_ca("Bench Qualified CA")
        with open(anchors_file, "wb") as handle:
            handle.write(ca.cert_pem)
        self.system = system
        self.certificates = [pki.issue_signing_cert(ca, f"Anna Nowak-{n}", f"PNOPL-{dataset.pesel(n)}")
                             for n in range(SIGNERS)]

    def headers(self, n: int) -> dict:
        return {"Authorization": f"Bearer {dataset.session_token(n, self.system.run_id)}"}

    def signed_draft(self, n: int) -> list[dict]:
        """One taxpayer's filled-in, signed draft, as the operation that submits it."""
        base, headers, pesel = self.system.gateway_url, self.headers(n), dataset.pesel(n)
        with requests.Session() as http:
            created = http.post(f"{base}/api/v1/drafts", json={"form_code": "WPW"}, headers=headers, timeout=30)
            created.raise_for_status()
            draft_id = created.json()["draft_id"]
            for step, values in (("who", {"taxpayer_name": f"Anna Nowak-{n}", "taxpayer_id": pesel}),
                                 ("details", {"payment_date": "2026-01-15", "amount": "1234,56",
                                              "target_liability_id": str(uuid.uuid4()), "explanation": "Pomyłka"})):
                http.put(f"{base}/api/v1/drafts/{draft_id}/steps/{step}", json={"values": values}, headers=headers,
                         timeout=30).raise_for_status()
            document = http.get(f"{base}/api/v1/drafts/{draft_id}/document", headers=headers, timeout=30)
            document.raise_for_status()
        signer = self.certificates[n]
        signed = etree.tostring(XAdESSigner(signature_algorithm="ecdsa-sha256").sign(
            etree.fromstring(base64.b64decode(document.json()["xml_base64"])), key=signer.key_pem,
            cert=signer.cert_pem))
        return [{"method": "POST", "path": f"/api/v1/drafts/{draft_id}/submission", "expect": 201,
                 "headers": {**headers, "Idempotency-Key": uuid.uuid4().hex},
                 "json": {"method": "qualified_signature", "signed_xml_base64": base64.b64encode(signed).decode()}},
                {"method": "GET", "path": "/api/v1/declarations/{declaration_id}/upo.xml", "headers": headers}]

    def drafts(self, count: int) -> list:
        with ThreadPoolExecutor(4) as pool:
            return list(pool.map(lambda i: self.signed_draft(i % SIGNERS), range(count)))


def scenario(system, settings) -> dict:
    taxpayers = Taxpayers(system, system.environment()["QUALIFIED_TRUST_ANCHORS_FILE"])
    measure.load_run(system.gateway_url, taxpayers.drafts(5), 2, 2.5, warmup=0)  # warm-up

    def step(rate: float) -> dict:
        ops = taxpayers.drafts(int(rate * (settings.step_seconds + settings.warmup_seconds)) + 1)
        return measure.load_run(system.gateway_url, ops, rate, settings.step_seconds, settings.warmup_seconds)

    with measure.Usage(system) as usage:
        steps = measure.ladder(step, list(RATES))
    sustained = [s for s in steps if measure.sustained(s)]
    best = sustained[-1] if sustained else steps[0]
    met = best["offered_rate"] >= GOAL_PER_S and (best["p95_ms"] or 1e9) < GOAL_P95_MS
    return {"figures": {"max_sustained_per_s": best["achieved_rate"] if sustained else 0,
                        "p95_ms_at_max_sustained": best["p95_ms"] if sustained else None},
            "limit": {"goal_per_s": GOAL_PER_S, "goal_p95_ms": GOAL_P95_MS, "uk_national_peak_per_s": 14},
            "ladders": {"gateway submission + UPO": steps}, "cpu_s": usage.cpu, "bounding": usage.bounding(),
            "busiest_pid": usage.busiest_pid,
            "goal": f"{GOAL_PER_S}/s with p95 < {GOAL_P95_MS} ms", "met": met,
            "summary": f"{best['achieved_rate'] if sustained else 0:.0f} submissions/s sustained (p95 "
                       f"{best['p95_ms'] if sustained else '-'} ms); goal {GOAL_PER_S}/s, p95 < {GOAL_P95_MS} ms",
            "_taxpayers": taxpayers}


def profile_load(system, settings, result) -> None:
    taxpayers = result.pop("_taxpayers")
    rate = max(result["figures"]["max_sustained_per_s"], 5)
    measure.load_run(system.gateway_url, taxpayers.drafts(int(rate * settings.profile_seconds) + 1), rate,
                     settings.profile_seconds, warmup=0)
