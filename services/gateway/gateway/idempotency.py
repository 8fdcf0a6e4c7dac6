"""`Idempotency-Key` on every state-changing API call (the IETF httpapi draft's semantics).

A first request with a key claims it; its successful response is stored for 24 hours and a
replay with the same key and the same body gets that response again (marked
`Idempotent-Replayed: true`) without calling any service. The same key with another body is
refused (409 `idempotency.key_reused`); a replay while the first is still running gets 409
`idempotency.in_progress`. Error responses are not stored: services commit all or nothing, so
after an error nothing happened and the client may retry with the same key.

Why Redis and not a gateway table in PostgreSQL: the record is a short-lived cache with a
native expiry (no clean-up job), `SET NX` gives the in-flight claim atomically, and the rate
limiter already needs Redis. It is not the last line against double effects: every posting and
submission also takes an idempotency key in the service that owns the data, inside that
service's own transaction. If Redis is away, calls with a key get 503 (never a silent double).
"""
import base64
import hashlib
import json
import re
from datetime import timedelta

import redis
import structlog
from flask import current_app, g, request

from portal_shared.errors import Conflict, ServiceUnavailable, ValidationFailed

log = structlog.get_logger()
HEADER = "Idempotency-Key"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
LIFETIME = timedelta(hours=24)
CLAIM_SECONDS = 120  # a crashed request's claim lapses after this
REPLAYED_HEADERS = ("Content-Type", "Location", "Content-Language")


def idempotency_not_stored(view):
    """For views whose response holds a secret (a session token): the key is accepted, the
    response is not kept. Repeating such a call has no effect worth protecting against."""
    view.idempotency_stored = False
    return view


def applies() -> bool:
    return request.method in STATE_CHANGING and request.path.startswith("/api/")


def view_stores_responses() -> bool:
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "idempotency_stored", True)


def client_scope() -> str:
    """Keys are per client: a bearer token or session cookie, else the client address."""
    from gateway.auth import session_token  # auth imports the RPC helpers; keep this module light

    token = session_token()
    if token:
        return "s:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return "a:" + (request.remote_addr or "unknown")


class IdempotencyStore:
    def __init__(self, client: redis.Redis, prefix: str):
        self.redis = client
        self.prefix = prefix

    def record_key(self, scope: str, key: str) -> str:
        return f"{self.prefix}:idempotency:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"

    def claim(self, record_key: str, fingerprint: str) -> dict | None:
        """None when this request now owns the key; else the record already there."""
        claim = json.dumps({"state": "running", "fingerprint": fingerprint})
        if self.redis.set(record_key, claim, nx=True, ex=CLAIM_SECONDS):
            return None
        found = self.redis.get(record_key)
        return json.loads(found) if found else {"state": "running", "fingerprint": fingerprint}

    def store(self, record_key: str, fingerprint: str, response) -> None:
        record = {"state": "done", "fingerprint": fingerprint, "status": response.status_code,
                  "headers": {name: response.headers[name] for name in REPLAYED_HEADERS
                              if name in response.headers},
                  "body": base64.b64encode(response.get_data()).decode()}
        self.redis.set(record_key, json.dumps(record), ex=LIFETIME)

    def release(self, record_key: str) -> None:
        self.redis.delete(record_key)


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.full_path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def before_request():
    key = request.headers.get(HEADER)
    if key is None or not applies():
        return None
    if not KEY_PATTERN.match(key):
        raise ValidationFailed({HEADER: ["idempotency.key_invalid"]})
    if not view_stores_responses():
        return None
    store: IdempotencyStore = current_app.extensions["idempotency"]
    record_key, fingerprint = store.record_key(client_scope(), key), _fingerprint()
    try:
        existing = store.claim(record_key, fingerprint)
    except redis.RedisError as exc:
        raise ServiceUnavailable() from exc
    if existing is None:
        g.idempotency_claim = (record_key, fingerprint)
        return None
    if existing["fingerprint"] != fingerprint:
        raise Conflict("idempotency.key_reused")
    if existing["state"] != "done":
        raise Conflict("idempotency.in_progress")
    return _replay(existing)


def _replay(record: dict):
    response = current_app.response_class(base64.b64decode(record["body"]), status=record["status"])
    response.headers.update(record["headers"])
    response.headers["Idempotent-Replayed"] = "true"
    return response


def after_request(response):
    claim = g.pop("idempotency_claim", None)
    if claim is None:
        return response
    store: IdempotencyStore = current_app.extensions["idempotency"]
    record_key, fingerprint = claim
    try:
        if 200 <= response.status_code < 300:
            store.store(record_key, fingerprint, response)
        else:
            store.release(record_key)
    except redis.RedisError as exc:  # the claim lapses by itself; the client may retry
        log.warning("idempotency_record_not_saved", error=repr(exc))
    return response
