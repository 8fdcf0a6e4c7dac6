"""One bank statement = one import job: parse, match, post in chunks, with progress and a report.

Each chunk of entries commits on its own (progress is visible while the job runs, memory stays
flat); a job that fails part-way can run again, and the entries it already posted are
recognised by their idempotency keys. The same file (by SHA-256) is one job: importing it again
returns the first job's report.
"""
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from ledger import matching, postings, statements
from ledger.bulk import copy_rows, new_id
from ledger.models import import_jobs
from portal_shared.contracts import ledger as contract

CHUNK = 10_000
UNMATCHED_LISTED = 100


def _chunks(entries: Iterable, size: int) -> Iterator[list]:
    iterator = iter(entries)
    while chunk := list(islice(iterator, size)):
        yield chunk


def parse(raw: bytes, fmt: str) -> Iterator[statements.Entry]:
    if fmt == "camt053":
        return statements.parse_camt053(raw)
    if fmt == "mt940":
        return statements.parse_mt940(raw)
    raise ValueError(f"unknown statement format {fmt!r}")


def start_job(session, raw: bytes, fmt: str) -> tuple[str, bool]:
    """(job id, True when this file was imported before and finished)."""
    digest = statements.file_digest(raw)
    job_id = session.scalar(insert(import_jobs).values(
        id=new_id(), idempotency_key=digest, format=fmt, status="running")
        .on_conflict_do_nothing().returning(import_jobs.c.id))
    if job_id:
        return job_id, False
    job = session.execute(sa.select(import_jobs).where(import_jobs.c.idempotency_key == digest)).one()
    if job.status == "done":
        return job.id, True
    session.execute(import_jobs.update().where(import_jobs.c.id == job.id).values(status="running", processed=0))
    return job.id, False


def matcher_for(session, chunk: list[statements.Entry]) -> matching.Matcher:
    """Accounts the chunk's entries may be for. Nearly every entry names our individual account
    number; only the others have their titles searched for numbers and identifiers (regexes and
    checksums on 10,000 titles cost more than the query)."""
    rows = _accounts_where(session, "account_number", {entry.credited_account[-26:] for entry in chunk})
    known = {row.account_number for row in rows}
    numbers, subjects = set(), set()
    for entry in chunk:
        if entry.credited_account[-26:] not in known:
            numbers.update(matching.account_numbers_in(entry.title))
            subjects.update(matching.identifiers_in(entry.title))
    rows += _accounts_where(session, "account_number", numbers - known)
    rows += _accounts_where(session, "subject", subjects)
    return matching.Matcher(rows)


def _accounts_where(session, column: str, values: set[str]) -> list:
    if not values:
        return []
    # An array, not an IN list: 10,000 bound parameters cost more to compile than to run.
    return session.execute(sa.text(
        f"SELECT id::text, subject, tax_type, account_number FROM tax_accounts WHERE {column} = ANY(:values)"),  # noqa: S608 (a column name of ours)
        {"values": sorted(values)}).all()


def run(session, raw: bytes, fmt: str, commit: Callable[[], None] | None = None) -> dict:
    """Import a statement; `commit` is called after each chunk (the unit of work's commit)."""
    job_id, finished_before = start_job(session, raw, fmt)
    if finished_before:
        report = session.scalar(sa.select(import_jobs.c.report).where(import_jobs.c.id == job_id))
        return {**report, "job_id": job_id, "duplicate_file": True}
    report = {"entries": 0, "posted": 0, "duplicates": 0, "matched": 0, "unmatched": 0, "rejected": 0,
              "posted_grosze": 0, "overpayment_grosze": 0, "unmatched_entries": [], "rejected_entries": []}
    for chunk in _chunks(parse(raw, fmt), CHUNK):
        _import_chunk(session, job_id, chunk, report)
        session.execute(import_jobs.update().where(import_jobs.c.id == job_id).values(
            processed=report["entries"], total=report["entries"]))
        if commit:
            commit()
    session.execute(import_jobs.update().where(import_jobs.c.id == job_id).values(
        status="done", report=report, finished_at=datetime.now(UTC)))
    if commit:
        commit()
    return {**report, "job_id": job_id, "duplicate_file": False}


def _import_chunk(session, job_id: str, chunk: list[statements.Entry], report: dict) -> None:
    report["entries"] += len(chunk)
    accepted = []
    for entry in chunk:
        if entry.currency != "PLN":
            report["rejected"] += 1
            if len(report["rejected_entries"]) < UNMATCHED_LISTED:
                report["rejected_entries"].append({"key": entry.key, "reason": "currency", "currency": entry.currency})
            continue
        accepted.append(entry)
    finder = matcher_for(session, accepted)
    batch = [postings.IncomingPayment(
        idempotency_key=e.key, amount_grosze=e.amount_grosze, paid_on=e.booked_on, source="bank_statement",
        tax_account_id=finder.match(e.credited_account, e.title), title=e.title[:500], payer_name=e.payer_name[:200],
        payer_account=e.payer_account, import_job_id=job_id) for e in accepted]
    results = postings.post(session, batch, subjects=finder.accounts)
    by_key = {p.idempotency_key: p for p in batch}
    events = []
    for posted in results:
        if posted.duplicate:
            report["duplicates"] += 1
            continue
        payment = by_key[posted.idempotency_key]
        report["posted"] += 1
        report["posted_grosze"] += payment.amount_grosze
        if posted.tax_account_id:
            report["matched"] += 1
            report["overpayment_grosze"] += posted.overpayment_grosze
            events.append((posted, payment))
        else:
            report["unmatched"] += 1
            if len(report["unmatched_entries"]) < UNMATCHED_LISTED:
                report["unmatched_entries"].append({"key": payment.idempotency_key, "amount_grosze":
                                                    payment.amount_grosze, "title": payment.title})
    _emit_posted(session, events, finder.accounts)


def _emit_posted(session, events, accounts: dict[str, tuple[str, str]]) -> None:
    """PAYMENT_POSTED for each matched payment, written to the outbox in bulk (one COPY)."""
    now = datetime.now(UTC).isoformat()
    rows = []
    for posted, payment in events:
        event_id = new_id()
        payload = {"event_id": event_id, "occurred_at": now, "version": contract.PAYMENT_POSTED.version,
                   "payment_id": posted.payment_id, "subject": accounts[posted.tax_account_id][0],
                   "amount_grosze": payment.amount_grosze, "overpayment_grosze": posted.overpayment_grosze,
                   "source": "bank_statement"}
        rows.append((event_id, contract.SERVICE, contract.PAYMENT_POSTED.name, json.dumps(payload), "{}"))
    copy_rows(session, "outbox_events", ("event_id", "source", "event_type", "payload", "headers"), rows)


def job(session, job_id: str) -> dict | None:
    row = session.execute(sa.select(import_jobs).where(import_jobs.c.id == job_id)).first()
    if row is None:
        return None
    return {"job_id": row.id, "format": row.format, "status": row.status, "processed": row.processed,
            "report": row.report, "started_at": row.started_at, "finished_at": row.finished_at}
