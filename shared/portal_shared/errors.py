"""Typed errors that travel over RPC and map to HTTP statuses in the gateway.

Registered with nameko's `deserialize_to_instance`, so a caller catches the real class,
not a `RemoteError`. Arguments must stay JSON-serialisable and `args` must be in the constructor's order: the
receiving side rebuilds the error as `cls(*args)`.
Messages are message codes (see `portal_shared.i18n`), translated at the edge.
"""
from nameko.exceptions import deserialize_to_instance


class PortalError(Exception):
    http_status = 500
    code = "error"

    def __init__(self, message: str | None = None, *args):
        super().__init__(message or self.code, *args)

    @property
    def message(self) -> str:
        return self.args[0]


@deserialize_to_instance
class ValidationFailed(PortalError):
    """Bad input. `field_errors` maps a field name to a list of message codes."""
    http_status = 400
    code = "validation_failed"

    def __init__(self, field_errors: dict | None = None, message: str | None = None):
        Exception.__init__(self, field_errors or {}, message or self.code)

    @property
    def field_errors(self) -> dict:
        return self.args[0]

    @property
    def message(self) -> str:
        return self.args[1]


@deserialize_to_instance
class Unauthorized(PortalError):
    http_status = 401
    code = "unauthorized"


@deserialize_to_instance
class Forbidden(PortalError):
    http_status = 403
    code = "forbidden"


@deserialize_to_instance
class NotFound(PortalError):
    http_status = 404
    code = "not_found"


@deserialize_to_instance
class Conflict(PortalError):
    http_status = 409
    code = "conflict"


@deserialize_to_instance
class TooManyAttempts(PortalError):
    """A limit on a secret or on sending was reached; `retry_after` in seconds."""
    http_status = 429
    code = "too_many_attempts"

    def __init__(self, message: str | None = None, retry_after: int = 60):
        super().__init__(message or self.code, retry_after)

    @property
    def retry_after(self) -> int:
        return int(self.args[1])  # nameko sends arguments that are not str/list/dict as text


@deserialize_to_instance
class ServiceUnavailable(PortalError):
    http_status = 503
    code = "service_unavailable"


EXPECTED_ERRORS = (ValidationFailed, Unauthorized, Forbidden, NotFound, Conflict,
                   TooManyAttempts)
