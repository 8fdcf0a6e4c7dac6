"""The OpenAPI 3 document, generated from the views' `@documented` marshmallow schemas."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Blueprint, current_app, render_template

from gateway.idempotency import HEADER as IDEMPOTENCY_HEADER
from gateway.idempotency import STATE_CHANGING

bp = Blueprint("openapi", __name__)
ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "fields": {"type": "object", "additionalProperties": True}}}},
}
STATUS_TEXT = {400: "Invalid input, with field errors", 401: "Not signed in",
               403: "Forbidden", 404: "Not found",
               409: "Conflict (for an Idempotency-Key: used with another body, or still running)",
               429: "Too many requests or attempts; retry after Retry-After seconds",
               503: "A service is unavailable; retry after Retry-After seconds"}


DESCRIPTION = (
    "Public API of the tax e-services platform. Errors have one shape and are translated by "
    "Accept-Language (pl, en). Every state-changing call accepts an `Idempotency-Key` header: a "
    "replay within 24 hours with the same body returns the stored response (with "
    "`Idempotent-Replayed: true`), the same key with another body is refused with 409. Clients "
    "authenticate with `Authorization: Bearer <token>`; a browser riding on the session cookie "
    "must also send `X-CSRF-Token` (from `GET /api/v1/csrf-token`) on every change. Limits per "
    "client and per account answer 429 with Retry-After.")
IDEMPOTENCY_PARAMETER = {
    "name": IDEMPOTENCY_HEADER, "in": "header", "required": False,
    "description": "A unique key per intended operation (e.g. a UUID), 1-255 printable ASCII "
                   "characters. Replays within 24 h return the stored response.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255}}
NOT_STORED_NOTE = (" The Idempotency-Key is accepted but the response (it holds a session token) "
                   "is never stored; repeating the call is harmless.")


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _schema_name(schema) -> str | None:
    """`identity.Account`: contracts of different services may reuse a class name. A partial
    instance (`only=`/`exclude=`) is drawn inline, so it never clashes with the whole schema."""
    if not isinstance(schema, type) and (schema.only or schema.exclude):
        return None
    cls = resolve_schema_cls(schema)
    return f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}"


def build_spec(app) -> dict:
    spec = APISpec(title="Portal Podatnika API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
                   info={"description": DESCRIPTION})
    spec.components.schema("Error", ERROR_SCHEMA)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("cookie", {"type": "apiKey", "in": "cookie",
                                               "name": "portal_session"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "openapi", None)
        if meta is None:
            continue
        operations = {method.lower(): _operation(meta, rule, method, view)
                      for method in sorted(rule.methods - {"HEAD", "OPTIONS"})}
        spec.path(path=_openapi_path(rule.rule), operations=operations)
    return spec.to_dict()


def _operation(meta: dict, rule, method: str, view) -> dict:
    operation = {"summary": meta["summary"], "responses": {},
                 "operationId": f"{method.lower()}_{rule.endpoint.replace('.', '_')}"}
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
              for name in sorted(rule.arguments)]
    errors = {*meta["errors"], 429, 503}
    if method in STATE_CHANGING:
        params.append(IDEMPOTENCY_PARAMETER)
        errors |= {400, 409}  # 400: a change riding on the session cookie without its CSRF token
        if not getattr(view, "idempotency_stored", True):
            operation["description"] = NOT_STORED_NOTE.strip()
    if params:
        operation["parameters"] = params
    if meta["body"] is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": meta["body"]}}}
    success = {"description": "Success"}
    if meta["response"] is not None:
        success["content"] = {"application/json": {"schema": meta["response"]}}
    operation["responses"][str(meta["status"])] = success
    # Any input (a path parameter or a body) can be refused with field errors.
    refusable = {400} if rule.arguments or meta["body"] is not None else set()
    for status in sorted({*errors, *refusable}):
        operation["responses"][str(status)] = {
            "description": STATUS_TEXT[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if meta["auth"]:
        operation["security"] = [{"bearer": []}, {"cookie": []}]
    return operation


def document() -> dict:
    if "openapi" not in current_app.extensions:
        current_app.extensions["openapi"] = build_spec(current_app)
    return current_app.extensions["openapi"]


@bp.get("/api/openapi.json")
def openapi_document():
    return document()


@bp.get("/api/docs")
def api_docs():
    """The same document as a page: readable without JavaScript or anything from a CDN."""
    return render_template("api_docs.html", spec=document())
