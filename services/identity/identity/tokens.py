"""One-time secrets: generated here, stored only as keyed digests."""
import hashlib
import hmac
import secrets

from portal_shared import constant_time
from portal_shared.config import Config

_KEY = Config().secret_key.encode()


def digest(secret: str) -> str:
    """Keyed, so a leaked table of 6-digit code digests cannot be brute-forced offline."""
    return hmac.new(_KEY, secret.encode(), hashlib.sha256).hexdigest()


def numeric_code(digits: int = 6) -> str:
    return f"{secrets.randbelow(10 ** digits):0{digits}d}"


def url_token() -> str:
    return secrets.token_urlsafe(32)


def matches(secret: str, stored_digest: str) -> bool:
    return constant_time.equal(digest(secret), stored_digest)
