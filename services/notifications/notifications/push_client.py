"""The push channel: Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload
encryption (RFC 8291), through pywebpush."""
import json
from urllib.parse import urlsplit

import requests
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from notifications.failures import PermanentFailure, TemporaryFailure
from portal_shared.config import Config

GONE = (404, 410)  # the subscription no longer exists: forget it
TTL_SECONDS = 24 * 3600


class PushClient:
    def __init__(self, config: Config):
        self.vapid = Vapid.from_string(config.vapid_private_key)
        self.subject = config.vapid_subject
        self.http = requests.Session()

    @property
    def public_key(self) -> str:
        """The applicationServerKey a browser subscribes with (base64url, uncompressed point)."""
        from cryptography.hazmat.primitives import serialization
        from py_vapid.utils import b64urlencode
        return b64urlencode(self.vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    def send(self, subscription: dict, title: str, body: str, link: str | None, message_id: str) -> None:
        payload = json.dumps({"title": title, "body": body, "url": link, "message_id": message_id})
        endpoint = urlsplit(subscription["endpoint"])
        claims = {"sub": self.subject, "aud": f"{endpoint.scheme}://{endpoint.netloc}"}
        try:
            webpush(subscription, data=payload, vapid_private_key=self.vapid, vapid_claims=claims,
                    ttl=TTL_SECONDS, timeout=15, requests_session=self.http,
                    headers={"Urgency": "normal"})
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status in GONE:
                raise SubscriptionGone(f"push endpoint answered {status}") from exc
            if status is None or status == 429 or status >= 500:
                raise TemporaryFailure(f"push service answered {status}") from exc
            raise PermanentFailure(f"push service answered {status}: {exc.response.text[:200]}") from exc
        except requests.RequestException as exc:
            raise TemporaryFailure(f"push service unreachable: {exc}") from exc


class SubscriptionGone(PermanentFailure):
    pass
