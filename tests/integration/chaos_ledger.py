"""Chaos scenario: bank statements imported while the ledger is SIGKILLed at random moments.

Each unit of work is one camt.053 statement of a few credits to taxpayers' individual accounts,
imported by a tax officer through the `import_statement` RPC. When the call fails (the ledger
died under it), the officer imports the same file again, as the office would, until it answers.
A killed import may also be taken again from the RPC queue by the restarted ledger.

Promises checked, through the ledger's own RPCs as the taxpayer sees them:
- every credit of an imported statement is one payment (none lost, none posted twice), and its
  allocations sum to its amount (not allocated twice);
- each taxpayer's received total is the sum of their credits and the balance reconciles;
- each payment has exactly one `payment_posted` event in the outbox, and it was published
  (an unpublished one is "stranded": kept, and the relay has not sent it yet).
A statement the officer gave up on may have been imported in part or whole: its credits then obey
the same promises.
"""
import base64
import random
import time
import uuid
import zlib
from datetime import date

from chaos import Report, Scenario, System
from chaos_registration import pesel_for
from nameko.standalone.events import event_dispatcher

from ledger.fakes import camt053
from portal_shared.contracts import declarations
from portal_shared.contracts import ledger as contract
from portal_shared.errors import ServiceUnavailable

COLLECTION_ACCOUNT = "10205356700100000000000000"
ANNUAL = 1001_00
OFFICER = {"account_id": str(uuid.uuid4()), "pesel": None, "level": "authenticated", "roles": ["tax_officer"]}


def taxpayer(subject: str) -> dict:
    """The subject asking about their own money (no mandate lookup: the ledger alone suffices)."""
    return {"account_id": str(uuid.uuid5(uuid.NAMESPACE_OID, subject)), "pesel": subject, "level": "authenticated"}


class LedgerImportScenario(Scenario):
    services = ("ledger",)
    kill_targets = ("ledger",)
    subjects_count = 40
    credits_per_statement = 4
    tries = 30

    def __init__(self, run_tag: str):
        self.run_tag = run_tag
        self.rng = random.Random(zlib.crc32(run_tag.encode()))
        self.accounts: dict[str, str] = {}    # subject -> individual account number
        self.system: System | None = None

    def prepare(self, system: System) -> None:
        """Liabilities next year (nothing is due yet, so no interest), as declarations announce them."""
        self.system = system
        subjects = [pesel_for(self.run_tag, 5000 + n) for n in range(self.subjects_count)]
        dispatch = event_dispatcher(system.nameko_config)
        for subject in subjects:
            dispatch("declarations", "declaration_accepted", declarations.DECLARATION_ACCEPTED.build(
                declaration_id=str(uuid.uuid4()), case_id=str(uuid.uuid4()), form_code="IN-1",
                submitter_account_id=str(uuid.uuid4()), subject=subject, assessment={
                    "tax_type": "property_tax", "tax_year": date.today().year + 1, "taxpayer_kind": "natural",
                    "annual_amount_grosze": ANNUAL, "months_from": 1, "corrects": None,
                    "components": [{"kind": "building_residential", "base": "100.00", "rate": "1.25",
                                    "amount_grosze": ANNUAL}]}))
        deadline = time.monotonic() + 60
        while len(self.accounts) < len(subjects):
            if time.monotonic() > deadline:
                raise TimeoutError(f"ledger assessed {len(self.accounts)} of {len(subjects)} subjects")
            for subject in set(subjects) - set(self.accounts):
                found = system.pool.call(contract.TAX_ACCOUNTS, actor=taxpayer(subject), subject=subject)
                if found:
                    self.accounts[subject] = found[0]["account_number"]
            time.sleep(0.2)

    def drive_one(self, client, number: int) -> dict:
        credits = []
        for index in range(self.credits_per_statement):
            subject = self.rng.choice(sorted(self.accounts))
            ref = f"CH{self.run_tag}-{number}-{index}"
            credits.append(camt053.Credit(ref, self.rng.randint(1, 400_00), date.today(), self.accounts[subject],
                                          title=f"chaos {ref}"))
        raw = camt053.statement(credits, COLLECTION_ACCOUNT, msg_id=f"CH{self.run_tag}-{number}")
        record = {"credits": [(c.ref, self._subject_of(c.credited_account), c.amount_grosze) for c in credits],
                  "status": None, "tries": 0}
        for _ in range(self.tries):
            record["tries"] += 1
            try:
                report = self.system.pool.call(contract.IMPORT_STATEMENT, actor=OFFICER, format="camt053",
                                               content_base64=base64.b64encode(raw).decode())
                record["status"] = "imported"
                record["report"] = {k: report[k] for k in ("entries", "posted", "duplicates", "duplicate_file")}
                return record
            except ServiceUnavailable:
                record["status"] = 503
                time.sleep(0.5)
            except Exception as exc:  # an error other than "unavailable" is a finding
                record["status"] = f"raised {exc!r}"
                return record
        return record

    def _subject_of(self, account_number: str) -> str:
        return next(s for s, n in self.accounts.items() if n == account_number)

    def check(self, system: System, records: list[dict], report: Report) -> None:
        imported = [r for r in records if r["status"] == "imported"]
        report.accepted = len(imported)
        report.notes["gave_up"] = sum(1 for r in records if r["status"] == 503)
        report.notes["raised"] = sum(1 for r in records if str(r["status"]).startswith("raised"))
        report.notes["retried_imports"] = sum(1 for r in imported if r["tries"] > 1)
        report.notes["credits"] = sum(len(r["credits"]) for r in imported)
        expected = {ref: (subject, amount, r["status"] == "imported")
                    for r in records for ref, subject, amount in r["credits"]}
        payments = self._payments(system)
        found = {}
        for subject, payment in payments:
            ref = payment["title"].removeprefix("chaos ")
            found[ref] = found.get(ref, 0) + 1
            allocated = sum(part["grosze"] for part in payment["allocations"])
            if allocated != payment["amount_grosze"]:
                report.duplicated.append(("allocations", ref, allocated, payment["amount_grosze"]))
        received = {}
        for ref, (subject, amount, promised) in expected.items():
            if found.get(ref, 0) > 1:
                report.duplicated.append(("payment", ref))
            if promised and not found.get(ref):
                report.lost.append(("payment", ref))
            if found.get(ref):
                received[subject] = received.get(subject, 0) + amount
        for subject in self.accounts:
            balance = system.pool.call(contract.BALANCE, actor=taxpayer(subject), subject=subject)
            if not balance["reconciles"]:
                report.duplicated.append(("unreconciled", subject))
            if balance["received_grosze"] != received.get(subject, 0):
                report.lost.append(("received", subject, balance["received_grosze"], received.get(subject, 0)))
        self._check_events(system, [p["payment_id"] for _, p in payments], report)

    def _payments(self, system: System) -> list[tuple[str, dict]]:
        """Every payment of the run's subjects, from the ledger's own tables: the `payments` RPC
        shows a taxpayer's latest 200, and a fast soak posts more than that to some subjects."""
        by_number = {number: subject for subject, number in self.accounts.items()}
        rows = system.query(
            "ledger", "SELECT t.account_number, p.id::text, p.title, p.amount_grosze, "
                      "coalesce((SELECT sum(a.grosze) FROM allocations a WHERE a.payment_id = p.id), 0) "
                      "FROM payments p JOIN tax_accounts t ON t.id = p.tax_account_id "
                      "WHERE t.account_number = ANY(:numbers)", numbers=list(by_number))
        return [(by_number[number], {"payment_id": payment_id, "title": title, "amount_grosze": amount,
                                     "allocations": [{"grosze": allocated}]})
                for number, payment_id, title, amount, allocated in rows]

    @staticmethod
    def _check_events(system: System, payment_ids: list[str], report: Report) -> None:
        rows = system.query("ledger", "SELECT payload->>'payment_id', count(*), count(published_at) "
                                      "FROM outbox_events WHERE event_type = 'payment_posted' GROUP BY 1")
        events = {payment_id: (count, published) for payment_id, count, published in rows}
        for payment_id in payment_ids:
            count, published = events.get(payment_id, (0, 0))
            if count == 0:
                report.lost.append(("payment_posted", payment_id))
            elif count > 1:
                report.duplicated.append(("payment_posted", payment_id))
            elif not published:
                report.stranded.append(("payment_posted", payment_id))
