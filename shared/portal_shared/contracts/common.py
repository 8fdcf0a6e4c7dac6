"""What every service answers: its health."""
from marshmallow import fields

from portal_shared.contracts.base import RpcMethod, StrictSchema


class Health(StrictSchema):
    service = fields.String(required=True)
    status = fields.String(required=True)
    database = fields.String(required=True)
    unpublished_events = fields.Integer(required=True)


def health(service: str) -> RpcMethod:
    return RpcMethod(service, "health", result=Health, summary="Liveness of the service and its database.")
