"""SQLAlchemy 2 sessions for nameko workers, with a transactional outbox for events.

One `Database` dependency per service. Each worker gets a `UnitOfWork`: a session that
commits when the worker succeeds and rolls back when it fails, and an `emit()` that writes
the event into the outbox in the same transaction, so an event leaves the service if and
only if the change that caused it is committed. The relay (see `outbox.py`) publishes it.
"""
import sqlalchemy as sa
from nameko.extensions import DependencyProvider
from sqlalchemy.dialects.postgresql import JSONB, UUID, insert
from sqlalchemy.orm import Session, sessionmaker

from portal_shared.config import database_url
from portal_shared.contracts.base import Event


def outbox_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """The two tables every service has: events to publish, events already handled."""
    outbox = sa.Table(
        "outbox_events", metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("headers", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Index("ix_outbox_events_unpublished", "id",
                 postgresql_where=sa.text("published_at IS NULL")),
    )
    processed = sa.Table(
        "processed_events", metadata,
        sa.Column("event_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )
    return outbox, processed


def make_engine(url: str) -> sa.Engine:
    return sa.create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True,
                            pool_recycle=1800)


class UnitOfWork:
    """What a worker sees: `session`, `emit(event, **fields)` and `first_delivery(event)`."""

    def __init__(self, session: Session, outbox: sa.Table, processed: sa.Table, headers: dict,
                 on_commit_with_events=None):
        self.session = session
        self._on_commit_with_events = on_commit_with_events
        self._outbox = outbox
        self._processed = processed
        self._headers = headers
        self.emitted = 0

    def emit(self, event: Event, **fields) -> dict:
        payload = event.build(**fields)
        self.session.execute(self._outbox.insert().values(
            event_id=payload["event_id"], source=event.source, event_type=event.name,
            payload=payload, headers=self._headers))
        self.emitted += 1
        return payload

    def commit(self) -> None:
        """Commit before the entrypoint answers: nameko replies (and acks) before
        `worker_result`, so a commit there could fail after the caller heard "done"."""
        self.session.commit()
        if self.emitted and self._on_commit_with_events:
            self._on_commit_with_events()
        self.emitted = 0

    def first_delivery(self, event_type: str, event_id: str) -> bool:
        """Record a consumed event; False when it was handled before (a redelivery)."""
        inserted = self.session.execute(
            insert(self._processed).values(event_id=event_id, event_type=event_type)
            .on_conflict_do_nothing().returning(self._processed.c.event_id)).first()
        return inserted is not None


class Database(DependencyProvider):
    def __init__(self, service: str, metadata: sa.MetaData):
        self.service = service
        self.metadata = metadata
        self.engine = None
        self.relay = None
        # Not in worker_ctx.data: nameko sends that as headers with every outgoing RPC call.
        self._units: dict = {}

    def setup(self):
        self.engine = make_engine(database_url(self.service))
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.outbox, self.processed = (self.metadata.tables["outbox_events"],
                                       self.metadata.tables["processed_events"])

    def start(self):
        from portal_shared.outbox import OutboxRelay  # relay needs the started container
        self.relay = OutboxRelay(self.engine, self.outbox, self.container.config)
        self.container.spawn_managed_thread(self.relay.run, identifier="outbox_relay")

    def stop(self):
        if self.relay:
            self.relay.stop()
        self.engine.dispose()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        uow = UnitOfWork(self.sessionmaker(), self.outbox, self.processed,
                         _context_headers(worker_ctx), self._wake_relay)
        self._units[id(worker_ctx)] = uow
        return uow

    def _wake_relay(self):
        if self.relay:
            self.relay.wake()

    def worker_teardown(self, worker_ctx):
        # Whatever the entrypoint did not commit is rolled back by close().
        uow = self._units.pop(id(worker_ctx), None)
        if uow is not None:
            uow.session.close()


def _context_headers(worker_ctx) -> dict:
    """The nameko context headers an event carries, so its consumer continues the call chain."""
    headers = {f"nameko.{key}": value for key, value in worker_ctx.context_data.items()
               if isinstance(value, (str, int, float, bool))}
    headers["nameko.call_id_stack"] = list(worker_ctx.call_id_stack)
    return headers


def create_outbox_tables_v1(bind) -> None:
    """For a service's first migration. A later change to these tables gets a new
    function and a new migration, so the first migration stays what it was."""
    for table in outbox_tables(sa.MetaData()):
        table.create(bind)
