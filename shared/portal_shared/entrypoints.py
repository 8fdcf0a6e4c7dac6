"""Entrypoints that honour the contracts: validated input, committed work, idempotent events.

Services write `@rpc_method(contract)` and `@handles(event_contract)` instead of nameko's bare
`@rpc` and `@event_handler`. The service's `Database` dependency must be named `db`.
"""
import functools

from nameko.events import event_handler
from nameko.rpc import rpc

from portal_shared.contracts.base import Event, RpcMethod
from portal_shared.errors import EXPECTED_ERRORS


def rpc_method(contract: RpcMethod):
    def decorate(method):
        @functools.wraps(method, assigned=("__name__", "__doc__"))
        def entrypoint(self, **kwargs):
            result = method(self, **contract.load_args(kwargs))
            db = getattr(self, "db", None)
            if db is not None:
                db.commit()
            return contract.dump_result(result)
        return rpc(expected_exceptions=EXPECTED_ERRORS)(entrypoint)
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
        return event_handler(event.source, event.name)(entrypoint)
    return decorate
