"""Scheduled work that must happen once however many replicas run the timer.

Every replica's nameko `@timer` fires; the first to take the job's PostgreSQL advisory lock does
the work inside that transaction, the others skip. The lock is released at commit or rollback,
so a crashed replica never leaves it held. The job itself still records what it did (e.g. the
reminders it issued) so that the next tick does not repeat it.

    @timer(interval=60)
    def issue_reminders(self):
        if not job_lock(self.db.session, "ledger.issue_reminders"):
            return
        ...
        self.db.commit()
"""
import sqlalchemy as sa
from sqlalchemy.orm import Session


def job_lock(session: Session, job: str) -> bool:
    """True if this transaction now holds `job`'s lock; False if another replica holds it."""
    return bool(session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(sa.func.hashtext(job)))))
