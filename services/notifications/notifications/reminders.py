"""Installment reminders: before each due date (configurable days before), everyone with an
unpaid amount gets a reminder, paged from ledger.

Several replicas run the scheduler; a run is claimed by inserting its row in
`scheduler_runs` (primary key = job + run key), so exactly one replica pages through ledger.
It hands each page to the `notifications.compose` queue, where every replica takes pages to
write the reminders (contacts, templates, one bulk insert per page). A run whose
replica died (still `running` after an hour) or that failed may be claimed again: messages
are unique per installment, due date and lead time, so a second pass sends nothing twice.
"""
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from notifications import delivery, recipients
from notifications.catalog import INSTALLMENT_DUE
from notifications.models import SchedulerRun
from portal_shared.contracts import ledger

JOB = "installment_reminders"
PAGE = 1000
STALE_AFTER = "interval '1 hour'"


def claim_run(session, run_key: str, replica: str) -> bool:
    table = SchedulerRun.__table__
    claimed = session.execute(
        insert(table).values(job=JOB, run_key=run_key, status="running", claimed_by=replica)
        .on_conflict_do_update(
            index_elements=["job", "run_key"],
            set_={"status": "running", "claimed_by": replica, "started_at": sa.func.now(), "finished_at": None},
            where=sa.or_(table.c.status == "failed",
                         sa.and_(table.c.status == "running",
                                 table.c.started_at < sa.func.now() - sa.text(STALE_AFTER))))
        .returning(table.c.job)).first()
    return claimed is not None


def finish_run(session, run_key: str, status: str, items: int) -> None:
    session.execute(sa.update(SchedulerRun).where(SchedulerRun.job == JOB, SchedulerRun.run_key == run_key)
                    .values(status=status, items=items, finished_at=sa.func.now()))


def due_dates(today: date, days_before: tuple[int, ...]) -> list[tuple[date, int]]:
    return [(today + timedelta(days=days), days) for days in days_before]


def run(session_factory, cluster, send_queue, due_date: date, days_before: int, replica: str) -> int | None:
    """Hand out one due date's installments; how many, or None when another replica claimed the run."""
    run_key = f"{due_date.isoformat()}:{days_before}"
    with session_factory() as session, session.begin():
        if not claim_run(session, run_key, replica):
            return None
    sent, after = 0, None
    try:
        while True:
            page = ledger.UNPAID_INSTALLMENTS_DUE(cluster, due_date=due_date.isoformat(),
                                                  after_installment_id=after, limit=PAGE)
            if not page:
                break
            send_queue.compose(page, days_before)
            sent += len(page)
            after = page[-1]["installment_id"]
            if len(page) < PAGE:
                break
    except Exception:
        with session_factory() as session, session.begin():
            finish_run(session, run_key, "failed", sent)
        raise
    with session_factory() as session, session.begin():
        finish_run(session, run_key, "finished", sent)
    return sent


def queue_page(session, cluster, page: list[dict], days_before: int, public_base_url: str) -> list[str]:
    contacts = recipients.contacts_by_subject(cluster, session, [item["subject"] for item in page])
    everyone = [c for group in contacts.values() for c in group]
    account_ids = [str(c["account_id"]) for c in everyone]
    preferences = recipients.preferences_of(session, account_ids)
    endpoints = recipients.push_endpoints_of(session, account_ids)
    now = datetime.now(UTC)
    drafts = []
    for item in page:
        payment_link = f"{public_base_url}/pay?installment={item['installment_id']}"
        context = {"tax_type": item["tax_type"], "amount_grosze": item["outstanding_grosze"],
                   "due_date": item["due_date"], "account_number": item["account_number"],
                   "title": item["title"], "payment_link": payment_link}
        drafts += recipients.drafts_for(
            session, INSTALLMENT_DUE, f"installment:{item['installment_id']}:{item['due_date']}:{days_before}",
            contacts.get(item["subject"], []), context, link=payment_link, now=now,
            preferences=preferences, endpoints=endpoints)
    return delivery.queue(session, drafts)
