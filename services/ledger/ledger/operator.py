"""Pay-by-link operator adapter: the Przelewy24 REST API (v1).

Flow: `register` a transaction (our session id, amount in grosze, return and status URLs) ->
the payer is redirected to `{base}/trnRequest/{token}` -> the operator POSTs a notification to
the status URL, signed with SHA-384 over the JSON of the notification's fields and our CRC key
-> we check that signature, then confirm with `verify` (PUT, signed again); only a verified
transaction is posted. Requests use HTTP Basic auth (pos id : API key). Signatures are SHA-384
of the compact JSON (unescaped unicode and slashes, as PHP's json_encode with those flags).
"""
import hashlib
import json
from dataclasses import dataclass

import requests

from portal_shared import constant_time
from portal_shared.config import Config

TIMEOUT = (3.05, 10)


class OperatorError(Exception):
    """The operator refused or could not be reached; the caller may retry."""


def sign(fields: dict) -> str:
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha384(text.encode()).hexdigest()


def notification_sign(n: dict, crc: str) -> str:
    return sign({"merchantId": n["merchantId"], "posId": n["posId"], "sessionId": n["sessionId"],
                 "amount": n["amount"], "originAmount": n["originAmount"], "currency": n["currency"],
                 "orderId": n["orderId"], "methodId": n["methodId"], "statement": n["statement"], "crc": crc})


def register_sign(session_id: str, merchant_id: int, amount: int, currency: str, crc: str) -> str:
    return sign({"sessionId": session_id, "merchantId": merchant_id, "amount": amount, "currency": currency,
                 "crc": crc})


def verify_sign(session_id: str, order_id: int, amount: int, currency: str, crc: str) -> str:
    return sign({"sessionId": session_id, "orderId": order_id, "amount": amount, "currency": currency, "crc": crc})


@dataclass(frozen=True)
class Registered:
    token: str
    redirect_url: str


class Przelewy24:
    def __init__(self, config: Config, session: requests.Session | None = None):
        self.base = config.p24_base_url.rstrip("/")
        self.merchant_id, self.pos_id = config.p24_merchant_id, config.p24_pos_id
        self.crc = config.p24_crc
        self.http = session or requests.Session()
        self.http.auth = (str(self.pos_id), config.p24_api_key)

    def _call(self, method: str, path: str, body: dict) -> dict:
        try:
            response = self.http.request(method, f"{self.base}{path}", json=body, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise OperatorError(f"operator unreachable: {exc}") from exc
        if response.status_code != 200:
            raise OperatorError(f"operator answered {response.status_code}: {response.text[:200]}")
        return response.json()

    def register(self, session_id: str, amount_grosze: int, description: str, email: str,
                 url_return: str, url_status: str) -> Registered:
        body = {"merchantId": self.merchant_id, "posId": self.pos_id, "sessionId": session_id,
                "amount": amount_grosze, "currency": "PLN", "description": description[:1024], "email": email,
                "country": "PL", "language": "pl", "urlReturn": url_return, "urlStatus": url_status,
                "sign": register_sign(session_id, self.merchant_id, amount_grosze, "PLN", self.crc)}
        token = self._call("POST", "/api/v1/transaction/register", body)["data"]["token"]
        return Registered(token, f"{self.base}/trnRequest/{token}")

    def authentic(self, notification: dict) -> bool:
        """The notification came from the operator: its signature matches our CRC key."""
        try:
            expected = notification_sign(notification, self.crc)
        except KeyError:
            return False
        return (constant_time.equal(str(notification.get("sign", "")), expected)
                and notification.get("merchantId") == self.merchant_id and notification.get("posId") == self.pos_id)

    def verify(self, session_id: str, order_id: int, amount_grosze: int) -> None:
        body = {"merchantId": self.merchant_id, "posId": self.pos_id, "sessionId": session_id,
                "amount": amount_grosze, "currency": "PLN", "orderId": order_id,
                "sign": verify_sign(session_id, order_id, amount_grosze, "PLN", self.crc)}
        if self._call("PUT", "/api/v1/transaction/verify", body).get("data", {}).get("status") != "success":
            raise OperatorError("verification refused")
