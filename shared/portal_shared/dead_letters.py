"""Staff RPCs every service has for the events it gave up on (see `entrypoints.handles`)."""
import sqlalchemy as sa

from portal_shared.authz import require_role
from portal_shared.contracts.common import failed_events, replay_failed_event
from portal_shared.entrypoints import rpc_method
from portal_shared.errors import NotFound


class DeadLetters:
    """Mix into a service class that has a `Database` dependency named `db`."""

    @rpc_method(failed_events("any"))
    def failed_events(self, actor):
        require_role(actor, "admin")
        table = self.db.failed_events
        rows = self.db.session.execute(sa.select(table).order_by(table.c.last_failed_at.desc())
                                       .limit(500)).mappings().all()
        return [dict(row) for row in rows]

    @rpc_method(replay_failed_event("any"))
    def replay_failed_event(self, actor, event_id, handler):
        require_role(actor, "admin")
        table = self.db.failed_events
        where = (table.c.event_id == event_id) & (table.c.handler == handler)
        row = self.db.session.execute(sa.select(table).where(where)).mappings().first()
        replay = getattr(getattr(type(self), handler, None), "replay", None)
        if row is None or replay is None:
            raise NotFound()
        self.db.session.execute(table.update().where(where).values(
            dead_at=None, replayed_at=sa.func.now()))
        self.db.commit()
        replay(self, row["payload"])  # as a delivery would, but one try: dead again if it fails
        return dict(self.db.session.execute(sa.select(table).where(where)).mappings().one())
