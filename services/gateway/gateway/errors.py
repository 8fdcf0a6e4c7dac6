"""One error shape for the whole API, and the one table from typed errors to HTTP.

    {"error": {"code": "validation_failed", "message": "...", "fields": {"pesel": ["..."]}}}
"""
import structlog
from flask import jsonify
from werkzeug.exceptions import HTTPException

from gateway.i18n import language, translate, translate_tree
from portal_shared.errors import PortalError, ServiceUnavailable, TooManyAttempts

log = structlog.get_logger()
RETRY_AFTER_UNAVAILABLE = 5


def error_response(status: int, code: str, message_code: str | None = None, fields=None,
                   headers=None):
    lang = language()
    body = {"code": code, "message": translate(message_code or code, lang)}
    if fields:
        body["fields"] = translate_tree(fields, lang)
    response = jsonify({"error": body})
    response.status_code = status
    response.headers["Content-Language"] = lang
    for name, value in (headers or {}).items():
        response.headers[name] = str(value)
    return response


def handle_portal_error(exc: PortalError):
    headers = {}
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = exc.retry_after
    if isinstance(exc, ServiceUnavailable):
        headers["Retry-After"] = RETRY_AFTER_UNAVAILABLE
    return error_response(exc.http_status, exc.code, exc.message,
                          getattr(exc, "field_errors", None), headers)


def handle_http_error(exc: HTTPException):
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 500, code, exc.description and code)


def handle_unexpected(exc: Exception):
    log.exception("unhandled_error")
    return error_response(500, "internal_error")


def register(app) -> None:
    app.register_error_handler(PortalError, handle_portal_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
