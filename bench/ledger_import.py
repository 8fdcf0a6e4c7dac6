"""Scenario 3: a camt.053 statement of N payments (100,000) imported and allocated by the ledger,
beside PostgreSQL alone COPYing the same rows.

The import goes through the running ledger service's own path, the staff RPC
`ledger.import_statement` (parse, match, post in chunks, allocate to installments): each payment
goes to one of the data set's taxpayers by the individual account number it was paid to; a tenth
overpay (the rest goes to the overpayment), the rest pay part of what is open. The limit is COPY of
the parsed rows into an empty table shaped like `payments`, in the ledger's database.
Goal: at least 10,000 payments/s.

The notifications service is paused meanwhile: every posted payment is an event it answers with a
confirmation e-mail, and 100,000 of those on the same two cores would be measured as the import.
"""
import base64
import io
import random
import time
import uuid
from datetime import timedelta

import sqlalchemy as sa

from bench import dataset, measure
from ledger import imports
from ledger.clock import today
from ledger.fakes import camt053
from portal_shared.contracts import ledger as contract
from portal_shared.rpc_client import RpcPool

GOAL_PER_S = 10_000
COLLECTION_ACCOUNT = "10205356700100000000000000"
STAFF = {"account_id": str(uuid.uuid4()), "level": "authenticated", "roles": ["tax_officer"]}


def credits(count: int, taxpayers: int, run_id: str) -> list[camt053.Credit]:
    rng = random.Random(7)
    booked = today() - timedelta(days=1)
    return [camt053.Credit(f"BENCH-{run_id}-{i:08d}", 150_000 if rng.random() < 0.1 else rng.randrange(1_000, 100_000),
                           booked, dataset.account_number(n))
            for i, n in enumerate(rng.sample(range(taxpayers), count))]


def connected(engine, attempts: int = 30):
    """A connection, waiting while the shared PostgreSQL has no slot free (other people's tests)."""
    for attempt in range(attempts):
        try:
            return engine.raw_connection()
        except sa.exc.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(2)


def plain_copy_seconds(url: str, raw: bytes) -> float:
    """PostgreSQL alone: the same rows COPYed into an empty table shaped like `payments`."""
    rows = [(str(uuid.uuid4()), e.key, "bank_statement", None, e.amount_grosze, e.booked_on, e.title,
             e.payer_name, e.payer_account) for e in imports.parse(raw, "camt053")]
    buffer = io.StringIO("".join("\t".join("\\N" if v is None else str(v) for v in row) + "\n" for row in rows))
    engine = sa.create_engine(url)
    try:
        connection = connected(engine)
        try:
            connection.cursor().execute("CREATE TABLE bench_copy_only (LIKE payments INCLUDING ALL)")
            connection.commit()
            started = time.perf_counter()
            connection.cursor().copy_expert(
                "COPY bench_copy_only (id, idempotency_key, source, tax_account_id, amount_grosze, paid_on, title, "
                "payer_name, payer_account) FROM STDIN", buffer)
            connection.commit()
            return time.perf_counter() - started
        finally:
            connection.cursor().execute("DROP TABLE bench_copy_only")
            connection.commit()
            connection.close()
    finally:
        engine.dispose()


def copy_limit(url: str, raw: bytes, count: int) -> float | None:
    """Rows/s of the plain COPY, or None when the shared PostgreSQL had no connection to give."""
    try:
        rate = count / plain_copy_seconds(url, raw)
    except sa.exc.OperationalError as exc:
        print(f"    COPY limit not measured: {exc.orig}", flush=True)
        return None
    print(f"    COPY of the same rows: {rate:,.0f} rows/s", flush=True)
    return rate


def scenario(system, settings) -> dict:
    count = settings.import_payments
    raw = camt053.statement(credits(count, settings.taxpayers, system.run_id), COLLECTION_ACCOUNT,
                            msg_id=f"BENCH-{system.run_id}")
    content = base64.b64encode(raw).decode()
    copy_rate = copy_limit(system.database_urls["ledger"], raw, count)  # first: later the server may have no slot free
    pool = RpcPool({"AMQP_URI": system.amqp_uri}, size=1, timeout=1800)
    ledger_pid = system.processes["ledger"].pid
    try:
        with system.paused("notifications"), measure.Usage(system) as usage, \
                measure.profiled(ledger_pid, settings.profile_path(3)) as profile:
            started = time.perf_counter()
            report = pool.call(contract.IMPORT_STATEMENT, actor=STAFF, format="camt053", content_base64=content)
            import_s = time.perf_counter() - started
    finally:
        pool.close()
    rate = report["posted"] / import_s
    print(f"    import {report['posted']:,} in {import_s:.1f} s ({rate:,.0f}/s)", flush=True)
    return {"figures": {"payments": count, "posted": report["posted"], "matched": report["matched"],
                        "import_s": round(import_s, 2), "payments_per_s": round(rate), "statement_mb":
                        round(len(raw) / 1e6, 1)},
            "limit": {"copy_rows_per_s": copy_rate and round(copy_rate)},
            "cpu_s": usage.cpu, "bounding": "ledger", "profile_during_run": profile and str(profile),
            "goal": f">= {GOAL_PER_S:,} payments/s", "met": rate >= GOAL_PER_S,
            "summary": f"{rate:,.0f} payments/s ({report['posted']:,} in {import_s:.1f} s) vs COPY "
                       f"{copy_rate or 0:,.0f} rows/s; goal {GOAL_PER_S:,}/s"}
