"""The OpenAPI 3 document, generated from the views' `@documented` marshmallow schemas."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app

bp = Blueprint("openapi", __name__)
ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "fields": {"type": "object", "additionalProperties": True}}}},
}
STATUS_TEXT = {400: "Invalid input, with field errors", 401: "Not signed in",
               403: "Forbidden", 404: "Not found", 409: "Conflict", 429: "Too many attempts",
               503: "A service is unavailable; retry after Retry-After seconds"}


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _schema_name(schema) -> str:
    # apispec passes a class for a view's schema but an instance for a nested one.
    return (schema if isinstance(schema, type) else type(schema)).__name__


def build_spec(app) -> dict:
    spec = APISpec(title="Portal Podatnika API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
                   info={"description": "Public API of the tax e-services platform. Errors "
                                        "are translated by Accept-Language (pl, en)."})
    spec.components.schema("Error", ERROR_SCHEMA)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("cookie", {"type": "apiKey", "in": "cookie",
                                               "name": "portal_session"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "openapi", None)
        if meta is None:
            continue
        operations = {method.lower(): _operation(meta, rule)
                      for method in sorted(rule.methods - {"HEAD", "OPTIONS"})}
        spec.path(path=_openapi_path(rule.rule), operations=operations)
    return spec.to_dict()


def _operation(meta: dict, rule) -> dict:
    operation = {"summary": meta["summary"], "responses": {}}
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
              for name in rule.arguments]
    if params:
        operation["parameters"] = params
    if meta["body"] is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": meta["body"]}}}
    success = {"description": "Success"}
    if meta["response"] is not None:
        success["content"] = {"application/json": {"schema": meta["response"]}}
    operation["responses"][str(meta["status"])] = success
    for status in sorted({*meta["errors"], 503}):
        operation["responses"][str(status)] = {
            "description": STATUS_TEXT[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if meta["auth"]:
        operation["security"] = [{"bearer": []}, {"cookie": []}]
    return operation


@bp.get("/api/openapi.json")
def openapi_document():
    if "openapi" not in current_app.extensions:
        current_app.extensions["openapi"] = build_spec(current_app)
    return current_app.extensions["openapi"]
