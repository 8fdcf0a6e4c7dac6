"""Helpers for API views: the JSON body, the RPC call, and what the OpenAPI document says.

`@documented(...)` records a view's request and response schemas; `openapi.py` reads them.
"""
from flask import current_app, g, request

from portal_shared.errors import ValidationFailed


def documented(summary: str, body=None, response=None, status: int = 200, auth: bool = False,
               errors: tuple[int, ...] = (400,)):
    def decorate(view):
        view.openapi = {"summary": summary, "body": body, "response": response,
                        "status": status, "auth": auth, "errors": errors}
        return view
    return decorate


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed({"_body": ["body.not_json"]})
    return data


def call(method, **kwargs):
    """Call a service through the process's RPC pool, carrying the request id."""
    return current_app.extensions["rpc"].call(method, request_id=g.request_id, **kwargs)
