"""What every service answers: its health, and the events it could not handle."""
from marshmallow import fields, validate

from portal_shared.contracts.base import RpcMethod, StrictSchema


class Actor(StrictSchema):
    """Who is acting, as the gateway (or the staff tool) authenticated them.

    Every RPC that reads or changes someone's tax data takes an `actor`; the owning service
    checks it with `portal_shared.authz.require` (the one shared check).
    """
    account_id = fields.UUID(required=True)
    pesel = fields.String(load_default=None, allow_none=True)
    level = fields.String(required=True, validate=validate.OneOf(("registered", "email_verified", "authenticated")))
    roles = fields.List(fields.String(), load_default=list)  # staff roles: consultant, tax_officer, admin
    acting_for = fields.String(load_default=None, allow_none=True)  # the principal chosen in the session
    demo = fields.Boolean(load_default=False)  # the shared demo account: see `portal_shared.authz.forbid_demo`


class Health(StrictSchema):
    service = fields.String(required=True)
    status = fields.String(required=True)
    database = fields.String(required=True)
    unpublished_events = fields.Integer(required=True)


class StaffQuery(StrictSchema):
    actor = fields.Nested(Actor, required=True)


class FailedEventRef(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    event_id = fields.String(required=True)
    handler = fields.String(required=True)


class FailedEvent(StrictSchema):
    event_id = fields.String(required=True)
    handler = fields.String(required=True)
    event_type = fields.String(required=True)
    source = fields.String(required=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(required=True)
    first_failed_at = fields.AwareDateTime(required=True)
    last_failed_at = fields.AwareDateTime(required=True)
    dead_at = fields.AwareDateTime(allow_none=True)
    replayed_at = fields.AwareDateTime(allow_none=True)


def health(service: str) -> RpcMethod:
    return RpcMethod(service, "health", result=Health, summary="Liveness of the service and its database.")


def failed_events(service: str) -> RpcMethod:
    return RpcMethod(service, "failed_events", StaffQuery, FailedEvent, many=True,
                     summary="Staff (admin): events this service gave up on after bounded retries.")


def replay_failed_event(service: str) -> RpcMethod:
    return RpcMethod(service, "replay_failed_event", FailedEventRef, FailedEvent,
                     summary="Staff (admin): run a dead-lettered event's handler again.")


class StaffAuditQuery(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    subject = fields.String(load_default=None, allow_none=True)
    action = fields.String(load_default=None, allow_none=True)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class StaffAuditEntry(StrictSchema):
    id = fields.Integer(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    staff_account_id = fields.UUID(required=True)
    roles = fields.List(fields.String(), required=True)
    action = fields.String(required=True)
    subject = fields.String(allow_none=True)
    details = fields.Dict(required=True)


def read_staff_audit(service: str) -> RpcMethod:
    return RpcMethod(service, "read_staff_audit", StaffAuditQuery, StaffAuditEntry, many=True,
                     summary="Staff (admin): what staff did with this service's data, newest first.")
