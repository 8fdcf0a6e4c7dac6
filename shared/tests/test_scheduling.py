"""Two replicas' timers fire together: one of them does the job."""
import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal_shared.scheduling import job_lock


def test_only_one_transaction_holds_a_jobs_lock_until_it_ends(service_databases):
    engine = sa.create_engine(service_databases.url("ledger"))
    with Session(engine) as first, Session(engine) as second:
        assert job_lock(first, "ledger.issue_reminders") is True
        assert job_lock(second, "ledger.issue_reminders") is False
        assert job_lock(second, "ledger.other_job") is True  # jobs do not block each other
        first.commit()  # the end of the first replica's transaction frees the job
        assert job_lock(second, "ledger.issue_reminders") is True
    engine.dispose()
