"""Entrypoints that honour the contracts: validated input, committed work, idempotent events.

Services write `@rpc_method(contract)` and `@handles(event_contract)` instead of nameko's bare
`@rpc` and `@event_handler`. The service's `Database` dependency must be named `db`.

Their queues are declared with the broker queue type the config names (`AMQP_QUEUE_TYPE`):
RabbitMQ fixes a queue's type when it is declared (a policy cannot change it), so on a
clustered broker the services' durable queues are declared as replicated quorum queues here.
"""
import functools

from nameko.events import EventHandler
from nameko.rpc import Rpc, RpcConsumer

from portal_shared.contracts.base import Event, RpcMethod
from portal_shared.errors import EXPECTED_ERRORS


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
    rpc_consumer = TypedRpcConsumer()


class TypedEventHandler(EventHandler):
    def setup(self):
        super().setup()
        _apply_queue_type(self.queue, self.container.config)


def rpc_method(contract: RpcMethod):
    def decorate(method):
        @functools.wraps(method, assigned=("__name__", "__doc__"))
        def entrypoint(self, **kwargs):
            result = method(self, **contract.load_args(kwargs))
            db = getattr(self, "db", None)
            if db is not None:
                db.commit()
            return contract.dump_result(result)
        return TypedRpc.decorator(expected_exceptions=EXPECTED_ERRORS)(entrypoint)
    return decorate


def handles(event: Event):
    """Consume `event` once: a redelivered `event_id` is acknowledged and ignored.

    The processed-event record commits in the same transaction as the handler's changes,
    so a crash before the commit lets the redelivery do the work again, and only then.
    """
    def decorate(method):
        @functools.wraps(method, assigned=("__name__", "__doc__"))
        def entrypoint(self, wire_payload):
            payload = event.load(wire_payload)
            if not self.db.first_delivery(event.name, str(payload["event_id"])):
                return None
            result = method(self, payload)
            self.db.commit()
            return result
        return TypedEventHandler.decorator(event.source, event.name)(entrypoint)
    return decorate
