"""Rate limits per client and per account, counted in Redis so every gateway process shares them.

The services hold the hard limits on secrets (five tries per code, login lock-out); these stop
floods before they cost an RPC: CAPTCHA images, registrations, sign-in attempts spread over
many logins from one address, or one login attacked from many addresses. A page and its API
twin share one counter (`shared_limit` scopes), so switching between them gains nothing.
"""
import hashlib
import time

from flask import request
from flask_limiter import Limiter

EVERY_CLIENT = "1200 per minute"  # a ceiling no person reaches; stops scrapers and loops


def client_key() -> str:
    """A bearer-token client is one client wherever it connects from; others by address."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and len(header) > 20:
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return "address:" + (request.remote_addr or "unknown")


def _field(name: str) -> str:
    body = request.get_json(silent=True) if request.is_json else request.form
    value = body.get(name) if hasattr(body, "get") else None
    return str(value or "").strip().lower()


def login_key() -> str:
    return "login:" + hashlib.sha256(_field("login").encode()).hexdigest()[:32]


def account_key() -> str:
    return "account:" + _field("account_id")


# Flask-Limiter's own headers would put Retry-After on every response (even a 200 or a 503 of
# ours): `retry_after()` gives it on the 429 only.
limiter = Limiter(key_func=client_key, default_limits=[EVERY_CLIENT], headers_enabled=False,
                  strategy="moving-window")


def retry_after() -> int:
    """Seconds until the limit that was just hit lets a request through again."""
    current = limiter.current_limit
    return max(1, int(current.reset_at - time.time())) if current else 60

# Shared between the API view and the page that does the same thing.
GET, POST = ["GET"], ["POST"]
captcha_images = limiter.shared_limit("30 per minute", scope="captcha", methods=GET)
registrations = limiter.shared_limit("20 per hour", scope="registration", methods=POST)
sign_in_by_address = limiter.shared_limit("20 per minute", scope="sign-in-address", methods=POST)
sign_in_by_login = limiter.shared_limit("30 per hour", scope="sign-in-login", key_func=login_key,
                                        methods=POST)
codes_by_address = limiter.shared_limit("20 per minute", scope="code-address", methods=POST)
codes_by_account = limiter.shared_limit("30 per hour", scope="code-account", key_func=account_key,
                                        methods=POST)


def init_app(app, config) -> None:
    app.config.update(RATELIMIT_ENABLED=config.rate_limits_enabled,
                      RATELIMIT_STORAGE_URI=config.redis_url,
                      RATELIMIT_STORAGE_OPTIONS={"key_prefix": f"{config.redis_key_prefix}:limits"},
                      # Redis away: count in the process rather than refuse everyone or no one.
                      RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True)
    limiter.init_app(app)
