"""The building blocks of a contract: an RPC method and an event, each with marshmallow schemas."""
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields

from portal_shared.errors import ValidationFailed


class StrictSchema(Schema):
    """Unknown fields are refused: a typo in a contract must fail loudly, not vanish."""


class EventPayload(StrictSchema):
    event_id = fields.UUID(required=True)
    occurred_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    version = fields.Integer(required=True)


class Empty(StrictSchema):
    pass


def load_or_fail(schema: Schema, data: dict) -> dict:
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(exc.normalized_messages()) from None


@dataclass(frozen=True)
class RpcMethod:
    service: str
    name: str
    args: type[Schema] = Empty
    result: type[Schema] | None = None
    many: bool = False
    summary: str = ""

    def load_args(self, kwargs: dict) -> dict:
        return load_or_fail(self.args(), kwargs)

    def dump_result(self, result):
        if self.result is None:
            return result
        return self.result(many=self.many).dump(result)

    def __call__(self, proxy, **kwargs):
        """Call this method through a nameko proxy: `contract(rpc_proxy, arg=...)`."""
        return getattr(getattr(proxy, self.service), self.name)(**kwargs)


@dataclass(frozen=True)
class Event:
    source: str
    name: str
    version: int
    payload: type[EventPayload]

    def build(self, **fields_) -> dict:
        """A new event's wire payload, validated: adds its id, time and version."""
        data = {"event_id": str(uuid.uuid4()), "occurred_at": datetime.now(UTC).isoformat(),
                "version": self.version, **fields_}
        schema = self.payload()
        loaded = load_or_fail(schema, data)
        return schema.dump(loaded)

    def load(self, wire: dict) -> dict:
        return load_or_fail(self.payload(), wire)
