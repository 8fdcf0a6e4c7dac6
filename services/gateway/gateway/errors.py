"""One error shape for the whole API, and the one table from typed errors to HTTP.

    {"error": {"code": "validation_failed", "message": "...", "fields": {"pesel": ["..."]}}}

Pages get the same statuses as an HTML page in the person's language; an expired session on a
page leads to the sign-in page instead.
"""
import structlog
from flask import jsonify, make_response, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from gateway.i18n import is_page, language, translate, translate_tree
from portal_shared.errors import PortalError, ServiceUnavailable, TooManyAttempts, Unauthorized

log = structlog.get_logger()
RETRY_AFTER_UNAVAILABLE = 5


def error_response(status: int, code: str, message_code: str | None = None, fields=None,
                   headers=None):
    lang = language()
    message = translate(message_code or code, lang)
    if is_page():
        response = make_response(render_template("error.html", status=status, message=message))
    else:
        body = {"code": code, "message": message}
        if fields:
            body["fields"] = translate_tree(fields, lang)
        response = jsonify({"error": body})
    response.status_code = status
    response.headers["Content-Language"] = lang
    for name, value in (headers or {}).items():
        response.headers[name] = str(value)
    return response


def handle_portal_error(exc: PortalError):
    if isinstance(exc, Unauthorized) and is_page():
        return redirect(url_for("account.login", next=request.full_path.rstrip("?")))
    headers = {}
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = exc.retry_after
    if isinstance(exc, ServiceUnavailable):
        headers["Retry-After"] = RETRY_AFTER_UNAVAILABLE
    return error_response(exc.http_status, exc.code, exc.message,
                          getattr(exc, "field_errors", None), headers)


def handle_rate_limited(exc: RateLimitExceeded):
    from gateway.limits import retry_after

    return error_response(429, "too_many_requests", headers={"Retry-After": retry_after()})


def handle_csrf_error(exc: CSRFError):
    return error_response(400, "csrf_failed", "csrf.invalid")


def handle_http_error(exc: HTTPException):
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 500, code, exc.description and code)


def handle_unexpected(exc: Exception):
    log.exception("unhandled_error")
    return error_response(500, "internal_error")


def register(app) -> None:
    app.register_error_handler(PortalError, handle_portal_error)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
