"""A local Web Push service, for development and tests: it plays both the browser (creating
subscriptions with their own keys) and the push service that checks what an application sends.

`python -m notifications.fakes.pushservice --port 1091`

- `POST /subscriptions {"application_server_key"}` -> a PushSubscription (endpoint, keys) as a
  browser's `pushManager.subscribe()` gives it; `DELETE /subscriptions/<id>` unsubscribes.
- `POST /push/<id>`: checks the VAPID JWT (RFC 8292: ES256 signature by the key in `k`, which
  must be the subscription's application server key; `aud` = this origin; `exp` within 24 h;
  `sub` a mailto: or https: contact), the `TTL` header and `Content-Encoding: aes128gcm`, then
  decrypts the payload (RFC 8291) with the subscription's private key. 201 when all is right,
  401/403/400 with the reason otherwise, 410 for an unsubscribed endpoint.
- Test controls: `POST /_faults {"subscription_id", "status", "times"}`; `GET /messages`,
  `DELETE /messages`.
"""
import argparse
import base64
import json
import os
import threading
import time
import uuid

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from notifications.fakes.http import JsonHandler, serve

MAX_PAYLOAD = 4096


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def check_vapid(authorization: str, application_server_key: str, origin: str) -> dict:
    """The JWT's claims, or `Refused` saying what is wrong with it."""
    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise Refused(401, "authorization scheme must be vapid")
    parts = dict(item.strip().split("=", 1) for item in params.split(",") if "=" in item)
    token, key = parts.get("t", ""), parts.get("k", "")
    if key != application_server_key:
        raise Refused(403, "k is not the subscription's application server key")
    try:
        header_b64, claims_b64, signature_b64 = token.split(".")
        header, claims = json.loads(b64decode(header_b64)), json.loads(b64decode(claims_b64))
        signature = b64decode(signature_b64)
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64decode(key))
        public_key.verify(encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                               int.from_bytes(signature[32:], "big")),
                          f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except (ValueError, InvalidSignature) as exc:
        raise Refused(401, f"bad VAPID token: {exc.__class__.__name__}") from exc
    if header.get("alg") != "ES256":
        raise Refused(401, "alg must be ES256")
    if claims.get("aud") != origin:
        raise Refused(403, f"aud must be {origin}")
    if not time.time() < int(claims.get("exp", 0)) <= time.time() + 24 * 3600:
        raise Refused(403, "exp must be in the next 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise Refused(403, "sub must be a mailto: or https: contact")
    return claims


class PushService:
    def __init__(self, origin: str):
        self.origin = origin
        self.subscriptions: dict[str, dict] = {}
        self.messages: list[dict] = []
        self.faults: dict[str, list[int]] = {}
        self.lock = threading.Lock()

    def subscribe(self, application_server_key: str) -> dict:
        private_key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        subscription_id = uuid.uuid4().hex
        public = private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                       serialization.PublicFormat.UncompressedPoint)
        with self.lock:
            self.subscriptions[subscription_id] = {"private_key": private_key, "auth": auth,
                                                   "server_key": application_server_key}
        return {"subscription_id": subscription_id, "endpoint": f"{self.origin}/push/{subscription_id}",
                "keys": {"p256dh": b64encode(public), "auth": b64encode(auth)}}

    def receive(self, subscription_id: str, headers, body: bytes) -> int:
        with self.lock:
            subscription = self.subscriptions.get(subscription_id)
            faults = self.faults.get(subscription_id)
            fault = faults.pop(0) if faults else None
        if subscription is None:
            raise Refused(410, "subscription expired or unsubscribed")
        if fault:
            raise Refused(fault, "injected fault")
        claims = check_vapid(headers.get("Authorization", ""), subscription["server_key"], self.origin)
        if headers.get("TTL") is None:
            raise Refused(400, "TTL header is required")
        if headers.get("Content-Encoding") != "aes128gcm":
            raise Refused(415, "Content-Encoding must be aes128gcm")
        if len(body) > MAX_PAYLOAD:
            raise Refused(413, "payload too large")
        try:
            plain = http_ece.decrypt(body, private_key=subscription["private_key"],
                                     auth_secret=subscription["auth"], version="aes128gcm")
        except Exception as exc:  # any decryption error means the payload was not for this key
            raise Refused(400, f"payload does not decrypt: {exc}") from exc
        with self.lock:
            self.messages.append({"subscription_id": subscription_id, "payload": json.loads(plain),
                                  "ttl": int(headers["TTL"]), "urgency": headers.get("Urgency"),
                                  "vapid_sub": claims["sub"]})
        return 201


def handler(service: PushService):
    class Handler(JsonHandler):
        def do_POST(self):
            if self.route == "/subscriptions":
                return self.reply(201, service.subscribe(self.json()["application_server_key"]))
            if self.route.startswith("/push/"):
                body = self.body()
                try:
                    return self.reply(service.receive(self.route.rsplit("/", 1)[1], self.headers, body), b"",
                                      content_type="text/plain")
                except Refused as refused:
                    return self.reply(refused.status, {"reason": refused.reason})
            if self.route == "/_faults":
                fault = self.json()
                with service.lock:
                    service.faults.setdefault(fault["subscription_id"], []).extend(
                        [fault["status"]] * fault.get("times", 1))
                return self.reply(200, {"ok": True})
            self.reply(404, {"error": "not_found"})

        def do_GET(self):
            if self.route == "/messages":
                with service.lock:
                    return self.reply(200, list(service.messages))
            self.reply(404, {"error": "not_found"})

        def do_DELETE(self):
            with service.lock:
                if self.route.startswith("/subscriptions/"):
                    service.subscriptions.pop(self.route.rsplit("/", 1)[1], None)
                else:
                    service.messages.clear()
                    service.faults.clear()
            self.reply(200, {"ok": True})
    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local Web Push service.")
    parser.add_argument("--port", type=int, default=1091)
    args = parser.parse_args(argv)
    origin = f"http://127.0.0.1:{args.port}"
    serve(handler(PushService(origin)), args.port, f"push service: {origin}")


if __name__ == "__main__":
    main()
