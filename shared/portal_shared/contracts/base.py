"""The building blocks of a contract: an RPC method and an event, each with marshmallow schemas."""
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, pre_load

from portal_shared.errors import ValidationFailed

# NUL and other C0 controls (but tab and newlines), and lone surrogates: no text of ours
# contains them, and PostgreSQL refuses NUL outright.
_FORBIDDEN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


class StrictSchema(Schema):
    """Unknown fields are refused: a typo in a contract must fail loudly, not vanish.
    So is text with control characters, anywhere in the input."""

    @pre_load
    def refuse_control_characters(self, data, **kwargs):
        if isinstance(data, dict):
            bad = {key: ["text.invalid_characters"] for key, value in data.items()
                   if _has_forbidden_text(value)}
            if bad:
                raise ValidationError(bad)
        return data


def _has_forbidden_text(value) -> bool:
    if isinstance(value, str):
        return bool(_FORBIDDEN_TEXT.search(value))
    if isinstance(value, list):
        return any(_has_forbidden_text(item) for item in value)
    return False  # nested objects are checked by their own schema


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
