"""The health RPC every service answers (the database reachable, the outbox draining), and the
Prometheus metrics every service has: both come with the `HealthCheck` mixin."""
import sqlalchemy as sa

from portal_shared.contracts.common import health
from portal_shared.entrypoints import rpc_method
from portal_shared.observability import Metrics


class HealthCheck:
    """Mix into a service class that has `name` and a `Database` dependency named `db`."""

    metrics = Metrics()

    @rpc_method(health("any"))
    def health(self):
        unpublished = self.db.session.scalar(sa.text(
            "SELECT count(*) FROM outbox_events WHERE published_at IS NULL"))
        return {"service": self.name, "status": "ok", "database": "ok",
                "unpublished_events": unpublished}
