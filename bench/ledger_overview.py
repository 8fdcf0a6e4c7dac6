"""Benchmark: a taxpayer's overview over RPC (p50/p95/p99) with 1,000,000 payments in the database.

    .venv/bin/python bench/ledger_overview.py [--payments 1000000] [--calls 1000]

Builds a throw-away database (bench_ledger_ov_<pid>) with payments / 4 taxpayers, each with one
property-tax liability of four installments, four payments each with its allocation and two
journal lines (bulk SQL: the rows are what posting writes, without running allocation for each),
starts the ledger service in a nameko container on a private RabbitMQ vhost, and calls
`ledger.overview` for random taxpayers. Target: p95 under 20 ms.
"""
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import date  # noqa: E402
from urllib.parse import quote, urlsplit, urlunsplit  # noqa: E402

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from ledger import overview  # noqa: E402
from ledger.bulk import copy_rows  # noqa: E402
from portal_shared.config import Config, database_url  # noqa: E402
from portal_shared.migrate import drop_database, migrate  # noqa: E402

RABBIT_API = os.environ.get("RABBIT_MANAGEMENT_URL", "http://guest:guest@127.0.0.1:15672")


def pesel(n: int) -> str:
    """A valid PESEL for the n-th taxpayer: a birth date in 1950-1999 and a serial."""
    born = date(1950, 1, 1).toordinal() + n % 18_000
    day = date.fromordinal(born)
    digits = f"{day.year % 100:02d}{day.month:02d}{day.day:02d}{n // 18_000:04d}"
    check = (10 - sum(int(d) * w for d, w in zip(digits, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3), strict=True)) % 10) % 10
    return digits + str(check)


def build(engine, taxpayers: int) -> list[str]:
    subjects = [pesel(n) for n in range(taxpayers)]
    statements = [
        "INSERT INTO liabilities (id, tax_account_id, tax_year, taxpayer_kind, annual_amount_grosze, months_from, "
        "status) SELECT gen_random_uuid(), id, 2026, 'natural', 400000, 1, 'active' FROM tax_accounts",
        "INSERT INTO installments (id, liability_id, tax_account_id, number, due_date, amount_grosze, paid_grosze) "
        "SELECT gen_random_uuid(), l.id, l.tax_account_id, n, d, 100000, CASE WHEN n < 4 THEN 100000 ELSE 0 END "
        "FROM liabilities l, (VALUES (1, DATE '2026-03-16'), (2, DATE '2026-05-15'), (3, DATE '2026-09-15'), "
        "(4, DATE '2026-11-16')) AS s(n, d)",
        # four payments a taxpayer: three pay an installment, the fourth is an overpayment of 10 zł
        "INSERT INTO payments (id, idempotency_key, source, tax_account_id, amount_grosze, paid_on, title) "
        "SELECT id, 'bench:' || id, 'bank_statement', tax_account_id, CASE WHEN number < 4 THEN amount_grosze "
        "ELSE 1000 END, due_date - 3, 'PODATEK' FROM installments",
        "INSERT INTO allocations (payment_id, tax_account_id, kind, grosze, installment_id, operation) "
        "SELECT p.id, p.tax_account_id, CASE WHEN i.number < 4 THEN 'principal' ELSE 'overpayment' END, "
        "p.amount_grosze, CASE WHEN i.number < 4 THEN i.id END, 'posting' FROM payments p JOIN installments i "
        "ON i.id = p.id",
        "INSERT INTO journal_lines (entry_id, operation, subject, account, debit_grosze, credit_grosze) "
        "SELECT p.id, 'payment', t.subject, x.account, CASE WHEN x.debit THEN p.amount_grosze ELSE 0 END, "
        "CASE WHEN x.debit THEN 0 ELSE p.amount_grosze END FROM payments p JOIN tax_accounts t "
        "ON t.id = p.tax_account_id, (VALUES ('bank', true), ('receivable:property_tax', false)) AS x(account, debit)",
        "ANALYZE",
    ]
    with Session(engine) as session:
        copy_rows(session, "tax_accounts", ("id", "subject", "tax_type", "account_number"),
                  ((str(uuid.uuid4()), s, "property_tax", f"{n:026d}") for n, s in enumerate(subjects)))
        session.commit()
        for statement in statements:
            started = time.perf_counter()
            session.execute(sa.text(statement))
            session.commit()
            print(f"  {statement.split()[0]} {statement.split()[2] if len(statement.split()) > 2 else ''}: "
                  f"{time.perf_counter() - started:.1f} s")
    return subjects


def private_vhost() -> tuple[str, str]:
    vhost = f"bench-{uuid.uuid4().hex[:8]}"
    api = RABBIT_API.rstrip("/")
    requests.put(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10).raise_for_status()
    requests.put(f"{api}/api/permissions/{quote(vhost, safe='')}/guest",
                 json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10).raise_for_status()
    base = urlsplit(Config().amqp_uri)
    return vhost, urlunsplit((base.scheme, base.netloc, "/" + quote(vhost, safe=""), "", ""))


def percentile(values: list[float], p: float) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * p))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    url = make_url(database_url("ledger")).set(database=f"bench_ledger_ov_{os.getpid()}").render_as_string(False)
    drop_database(url)
    migrate("ledger", url)
    os.environ["LEDGER_DATABASE_URL"] = url
    engine = sa.create_engine(url)
    vhost, amqp_uri = private_vhost()
    container = None
    try:
        started = time.perf_counter()
        subjects = build(engine, args.payments // 4)
        with engine.connect() as conn:
            counts = conn.execute(sa.text("SELECT (SELECT count(*) FROM payments), (SELECT count(*) FROM allocations), "
                                          "(SELECT count(*) FROM journal_lines)")).one()
        load = os.getloadavg()[0]
        print(f"machine load average (1 min): {load:.1f} on {os.cpu_count()} cores")
        print(f"dataset: {counts[0]:,} payments, {counts[1]:,} allocations, {counts[2]:,} journal lines, "
              f"{len(subjects):,} taxpayers ({time.perf_counter() - started:.0f} s)")

        from nameko.containers import ServiceContainer
        from nameko.standalone.rpc import ClusterRpcProxy

        from ledger.service import Service
        config = {**Config().nameko_config(), "AMQP_URI": amqp_uri}
        container = ServiceContainer(Service, config)
        container.start()
        rng = random.Random(1)
        with ClusterRpcProxy(config, timeout=30) as rpc:
            def call(subject):
                actor = {"account_id": str(uuid.uuid4()), "pesel": subject, "level": "authenticated", "roles": []}
                started = time.perf_counter()
                result = rpc.ledger.overview(actor=actor, subject=subject)
                elapsed = (time.perf_counter() - started) * 1000
                assert len(result["payments"]) == 4 and result["balance"]["reconciles"]
                return elapsed
            for _ in range(50):
                call(rng.choice(subjects))
            timings = [call(rng.choice(subjects)) for _ in range(args.calls)]
            baseline = []
            for _ in range(200):   # the bus and nameko alone: a health call does one trivial query
                started = time.perf_counter()
                rpc.ledger.health()
                baseline.append((time.perf_counter() - started) * 1000)
        with Session(engine) as session:
            domain = []
            for _ in range(200):
                started = time.perf_counter()
                overview.overview(session, rng.choice(subjects), date(2026, 12, 1))
                domain.append((time.perf_counter() - started) * 1000)
        print(f"overview over RPC, {args.calls} calls: p50 {statistics.median(timings):.1f} ms, "
              f"p95 {percentile(timings, 0.95):.1f} ms, p99 {percentile(timings, 0.99):.1f} ms")
        print(f"baseline: ledger.health over RPC: p50 {statistics.median(baseline):.1f} ms, "
              f"p95 {percentile(baseline, 0.95):.1f} ms")
        print(f"overview in-process (queries only, 200 calls): p50 {statistics.median(domain):.1f} ms, "
              f"p95 {percentile(domain, 0.95):.1f} ms")
    finally:
        if container:
            container.stop()
        engine.dispose()
        drop_database(url)
        requests.delete(f"{RABBIT_API.rstrip('/')}/api/vhosts/{quote(vhost, safe='')}", timeout=10)


if __name__ == "__main__":
    main()
