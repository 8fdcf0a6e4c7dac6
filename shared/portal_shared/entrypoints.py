"""Entrypoints that honour the contracts: validated input, committed work, idempotent events.

Services write `@rpc_method(contract)` and `@handles(event_contract)` instead of nameko's bare
`@rpc` and `@event_handler`. The service's `Database` dependency must be named `db`.

Their queues are declared with the broker queue type the config names (`AMQP_QUEUE_TYPE`):
RabbitMQ fixes a queue's type when it is declared (a policy cannot change it), so on a
clustered broker the services' durable queues are declared as replicated quorum queues here.
"""
import functools
import hashlib
import json

import amqp.exceptions
import eventlet
import kombu.exceptions
import sqlalchemy.exc
import structlog
from nameko.events import EventHandler
from nameko.rpc import Rpc, RpcConsumer

from portal_shared.contracts.base import Event, RpcMethod
from portal_shared.errors import EXPECTED_ERRORS, ServiceUnavailable, ValidationFailed

log = structlog.get_logger()

# The database is away (restarting, failing over, connections cut): the caller hears
# "unavailable, try again" (HTTP 503), not an internal error. The transaction did not commit,
# or (a cut during COMMIT) its outcome is unknown, which a retry with the same key settles.
DATABASE_AWAY = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)
BROKER_AWAY = (kombu.exceptions.OperationalError, amqp.exceptions.ConnectionError, OSError)


def _apply_queue_type(queue, config: dict) -> None:
    """Quorum queues must be durable and neither exclusive nor auto-deleted: others stay classic."""
    if config.get("QUEUE_TYPE", "classic") == "quorum" and queue.durable and not (
            queue.exclusive or queue.auto_delete):
        queue.queue_arguments = {**(queue.queue_arguments or {}), "x-queue-type": "quorum"}


class TypedRpcConsumer(RpcConsumer):
    """nameko's RPC consumer, declaring `rpc-<service>` with the configured queue type.
    It takes the place of nameko's own (same sharing key): one consumer per queue."""

    @property
    def sharing_key(self):
        return RpcConsumer

    def setup(self):
        super().setup()
        _apply_queue_type(self.queue, self.container.config)


class TypedRpc(Rpc):
    """nameko's RPC entrypoint on the typed queue, except that a reply which cannot be sent
    because the broker is away (restarting) is logged and dropped. nameko lets that error kill
    the whole container, so one reply in flight during a broker restart stopped the service for
    good. The caller times out (a 503 at the gateway); the work itself committed before."""
    rpc_consumer = TypedRpcConsumer()

    def handle_result(self, message, worker_ctx, result, exc_info):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_AWAY as exc:
            log.warning("rpc_reply_lost", method=self.method_name, error=repr(exc))
            return result, exc_info


class TypedEventHandler(EventHandler):
    def setup(self):
        super().setup()
        _apply_queue_type(self.queue, self.container.config)


def rpc_method(contract: RpcMethod):
    def decorate(method):
        @functools.wraps(method, assigned=("__name__", "__doc__"))
        def entrypoint(self, **kwargs):
            try:
                result = method(self, **contract.load_args(kwargs))
                db = getattr(self, "db", None)
                if db is not None:
                    db.commit()
            except DATABASE_AWAY as exc:
                log.warning("database_unavailable", method=method.__name__, error=str(exc)[:500])
                raise ServiceUnavailable() from exc
            return contract.dump_result(result)
        return TypedRpc.decorator(expected_exceptions=(*EXPECTED_ERRORS, ServiceUnavailable))(entrypoint)
    return decorate


MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (0.2, 1.0, 3.0, 10.0)


def handles(event: Event):
    """Consume `event` once: a redelivered `event_id` is acknowledged and ignored.

    The processed-event record commits in the same transaction as the handler's changes,
    so a crash before the commit lets the redelivery do the work again, and only then.
    A handler that fails is retried (requeued after a growing pause) up to `MAX_ATTEMPTS`;
    then the event is dead-lettered in `failed_events`, where staff can see and replay it.
    It never blocks the queue and is never retried forever. A malformed payload is dead at once.
    """
    def decorate(method):
        handler = method.__name__

        def consume(self, wire_payload, retries: bool):
            event_id = _event_id(wire_payload)
            try:
                payload = event.load(wire_payload)
                if not self.db.first_delivery(event.name, event_id):
                    return None
                result = method(self, payload)
                self.db.commit()
                log.info("event_handled", event_type=event.name, event_id=event_id, handler=handler)
                return result
            except Exception as exc:
                give_up_after = MAX_ATTEMPTS if retries and not isinstance(exc, ValidationFailed) else 1
                attempts = self.db.record_failure(
                    event_id=event_id, handler=handler, event_type=event.name, source=event.source,
                    payload=wire_payload, error=repr(exc), give_up_after=give_up_after)
                if attempts >= give_up_after:
                    log.error("event_dead_lettered", event_type=event.name, event_id=event_id,
                              handler=handler, attempts=attempts, error=repr(exc))
                    return None  # acknowledged: it waits in failed_events for a replay
                eventlet.sleep(BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])
                raise  # requeued by nameko, delivered again

        @functools.wraps(method, assigned=("__name__", "__doc__"))
        def entrypoint(self, wire_payload):
            return consume(self, wire_payload, retries=True)

        entrypoint.replay = lambda self, wire_payload: consume(self, wire_payload, retries=False)
        return TypedEventHandler.decorator(event.source, event.name, requeue_on_error=True)(entrypoint)
    return decorate


def _event_id(wire_payload) -> str:
    if isinstance(wire_payload, dict) and isinstance(wire_payload.get("event_id"), str):
        return wire_payload["event_id"]
    return "sha256:" + hashlib.sha256(json.dumps(wire_payload, sort_keys=True, default=str)
                                      .encode()).hexdigest()
