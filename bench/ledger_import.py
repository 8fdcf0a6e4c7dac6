"""Benchmark: import and allocate a camt.053 statement of N payments (default 100,000), beside the
time PostgreSQL alone needs to COPY the same rows into a table of the same shape.

    .venv/bin/python bench/ledger_import.py [--payments 100000]

Uses its own throw-away database (bench_ledger_<pid>) on the configured PostgreSQL; prints figures.
Every payment goes to a taxpayer's individual account with four installments (property tax,
natural person); a tenth of them overpay, a tenth pay late (interest split), so allocation does
real work. Target: 10,000 payments/s on a 2-core machine.
"""
import argparse
import io
import os
import random
import time
import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ledger import accounts, imports, statements
from ledger.bulk import copy_rows
from ledger.fakes import camt053
from portal_shared.config import database_url
from portal_shared.migrate import drop_database, migrate

SORT_CODE, PREFIX = "10205356", "7001"


def pesel_like(n: int) -> str:
    return f"9{n:010d}"    # not validated on this path: subjects come from our own accounts


def seed_accounts(engine, count: int) -> list[str]:
    numbers = [accounts.individual_nrb(SORT_CODE, PREFIX, n) for n in range(1, count + 1)]
    with Session(engine) as session:
        copy_rows(session, "tax_accounts", ("id", "subject", "tax_type", "account_number"),
                  ((str(uuid.uuid4()), pesel_like(n), "property_tax", numbers[n]) for n in range(count)))
        session.execute(sa.text(
            "INSERT INTO liabilities (id, tax_account_id, tax_year, taxpayer_kind, annual_amount_grosze, months_from, "
            "status) SELECT gen_random_uuid(), id, 2026, 'natural', 400000, 1, 'active' FROM tax_accounts"))
        session.execute(sa.text(
            "INSERT INTO installments (id, liability_id, tax_account_id, number, due_date, amount_grosze) "
            "SELECT gen_random_uuid(), l.id, l.tax_account_id, n, d, 100000 FROM liabilities l, "
            "(VALUES (1, DATE '2026-03-16'), (2, DATE '2026-05-15'), (3, DATE '2026-09-15'), "
            "(4, DATE '2026-11-16')) AS s(n, d)"))
        session.commit()
    return numbers


def credits(numbers: list[str]) -> list[camt053.Credit]:
    rng = random.Random(7)
    result = []
    for n, number in enumerate(numbers):
        roll = rng.random()
        amount = 150_000 if roll < 0.1 else rng.randrange(1_000, 100_000)
        day = date(2026, 4, 20) if roll > 0.9 else date(2026, 3, 10)   # a tenth pays the first one late
        result.append(camt053.Credit(f"BENCH-{n:08d}", amount, day, number))
    return result


def plain_copy_seconds(engine, raw: bytes) -> float:
    """PostgreSQL alone: the same rows COPYed into an empty table shaped like `payments`."""
    rows = [(str(uuid.uuid4()), e.key, "bank_statement", None, e.amount_grosze, e.booked_on, e.title,
             e.payer_name, e.payer_account) for e in imports.parse(raw, "camt053")]
    with Session(engine) as session:
        session.execute(sa.text("CREATE TABLE copy_only (LIKE payments INCLUDING ALL)"))
        session.commit()
        buffer = io.StringIO("".join("\t".join("\\N" if v is None else str(v) for v in row) + "\n" for row in rows))
        started = time.perf_counter()
        cursor = session.connection().connection.driver_connection.cursor()
        cursor.copy_expert("COPY copy_only (id, idempotency_key, source, tax_account_id, amount_grosze, paid_on, "
                           "title, payer_name, payer_account) FROM STDIN", buffer)
        session.commit()
        return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=100_000)
    args = parser.parse_args()
    url = make_url(database_url("ledger")).set(database=f"bench_ledger_{os.getpid()}").render_as_string(False)
    drop_database(url)
    migrate("ledger", url)
    engine = sa.create_engine(url)
    try:
        started = time.perf_counter()
        numbers = seed_accounts(engine, args.payments)
        raw = camt053.statement(credits(numbers), "10205356700100000000000000")
        print(f"setup: {args.payments:,} accounts with 4 installments, statement {len(raw) / 1e6:.1f} MB "
              f"({time.perf_counter() - started:.1f} s)")

        started = time.perf_counter()
        parsed = sum(1 for _ in statements.parse_camt053(raw))
        parse_s = time.perf_counter() - started

        with Session(engine) as session:
            started = time.perf_counter()
            report = imports.run(session, raw, "camt053", commit=session.commit)
            import_s = time.perf_counter() - started
        with Session(engine) as session:
            started = time.perf_counter()
            again = imports.run(session, raw, "camt053", commit=session.commit)
            again_s = time.perf_counter() - started
            lines = session.scalar(sa.text("SELECT count(*) FROM journal_lines"))
            allocations = session.scalar(sa.text("SELECT count(*) FROM allocations"))
            unbalanced = session.scalar(sa.text(
                "SELECT count(*) FROM (SELECT entry_id FROM journal_lines GROUP BY entry_id "
                "HAVING sum(debit_grosze) <> sum(credit_grosze)) AS u"))
        copy_s = plain_copy_seconds(engine, raw)

        print(f"machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"parse only (ElementTree):        {parsed:,} entries in {parse_s:.2f} s "
              f"({parsed / parse_s:,.0f}/s)")
        print(f"import + match + allocate:       {report['posted']:,} payments in {import_s:.2f} s "
              f"({report['posted'] / import_s:,.0f} payments/s); matched {report['matched']:,}, "
              f"{allocations:,} allocations, {lines:,} journal lines, unbalanced entries: {unbalanced}")
        print(f"same file again (one job, no-op):  {again_s:.3f} s, duplicate_file={again['duplicate_file']}")
        print(f"PostgreSQL COPY of the same rows: {copy_s:.2f} s ({parsed / copy_s:,.0f} rows/s)")
    finally:
        engine.dispose()
        drop_database(url)


if __name__ == "__main__":
    main()
