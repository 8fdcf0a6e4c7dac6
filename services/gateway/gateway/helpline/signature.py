"""The IVR platform's webhook signature: HMAC-SHA256 over "<timestamp>.<body>" with a shared
secret, sent as `X-IVR-Timestamp` and `X-IVR-Signature: sha256=<hex>`. The timestamp bounds
replays to a few minutes."""
import hashlib
import hmac
import time

MAX_SKEW_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def valid(secret: str, timestamp: str | None, signature: str | None, body: bytes,
          now: float | None = None) -> bool:
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs((now or time.time()) - int(timestamp)) > MAX_SKEW_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)
