"""The outbox relay: publishes committed events with publisher confirms, then marks them sent.

Runs as a managed thread in every service container. Several replicas may run it at once:
`FOR UPDATE SKIP LOCKED` gives each batch to one of them. A crash between publishing and
marking sends the event again later; consumers drop the redelivery by its `event_id`.
"""
import eventlet
import sqlalchemy as sa
import structlog
from eventlet.queue import Empty, LightQueue
from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange

log = structlog.get_logger()
BATCH_SIZE = 200
IDLE_POLL_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 30.0


class OutboxRelay:
    def __init__(self, engine: sa.Engine, outbox: sa.Table, nameko_config: dict):
        self.engine = engine
        self.outbox = outbox
        self.config = nameko_config
        self.publisher = Publisher(nameko_config["AMQP_URI"], serializer="json",
                                   use_confirms=True)
        self._wakeups = LightQueue()
        self._running = True

    def wake(self):
        self._wakeups.put(None)

    def stop(self):
        self._running = False
        self.wake()

    def run(self):
        backoff = 1.0
        while self._running:
            try:
                published = self.publish_pending()
                backoff = 1.0
            except Exception as exc:  # broker or database away: keep the rows, try later
                log.warning("outbox_relay_failed", error=str(exc), retry_in=backoff)
                eventlet.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            if published < BATCH_SIZE:
                self._wait_for_work()

    def _wait_for_work(self):
        try:
            self._wakeups.get(timeout=IDLE_POLL_SECONDS)
            while True:  # many commits may have woken us: one pass serves them all
                self._wakeups.get_nowait()
        except Empty:
            pass

    def publish_pending(self) -> int:
        table = self.outbox
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(table.c.id, table.c.source, table.c.event_type, table.c.payload,
                          table.c.headers, table.c.event_id)
                .where(table.c.published_at.is_(None)).order_by(table.c.id)
                .limit(BATCH_SIZE).with_for_update(skip_locked=True)).all()
            for row in rows:
                self.publisher.publish(
                    row.payload, exchange=get_event_exchange(row.source, self.config),
                    routing_key=row.event_type, extra_headers=row.headers,
                    message_id=row.event_id,
                    declare=[get_event_exchange(row.source, self.config)])
            if rows:
                conn.execute(table.update().where(table.c.id.in_([r.id for r in rows]))
                             .values(published_at=sa.func.now(),
                                     attempts=table.c.attempts + 1))
                log.info("outbox_published", count=len(rows))
        return len(rows)
