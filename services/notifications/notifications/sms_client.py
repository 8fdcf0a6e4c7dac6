"""The SMS channel: SMSAPI.pl's REST protocol (`POST /sms.do`, bearer token, JSON answers,
delivery reports by callback to `notify_url`).

`idx` carries our message id with `check_idx=1`, so the operator itself refuses a second
send of the same message (error 53) if we crash after it accepted the first.
"""
import requests

from notifications.failures import PermanentFailure, TemporaryFailure
from portal_shared.config import Config

# Operator error codes that will not go away by trying again (bad number, text, sender).
PERMANENT_ERRORS = {11, 12, 13, 14, 15, 17, 18, 21, 52, 94}
DUPLICATE_IDX = 53
# Delivery report status codes.
REPORT_STATUSES = {403: "sent", 404: "delivered", 405: "failed", 406: "failed", 407: "failed",
                   402: "failed", 401: "failed"}


class SmsClient:
    def __init__(self, config: Config):
        self.url = config.sms_api_url.rstrip("/") + "/sms.do"
        self.sender = config.sms_sender
        self.notify_url = config.sms_notify_url
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {config.sms_api_token}"

    def send(self, phone: str, text: str, message_id: str) -> str:
        """Hand one SMS to the operator; returns the operator's message id ("" when an earlier
        try of the same message had been accepted)."""
        form = {"to": phone.lstrip("+"), "message": text, "from": self.sender, "format": "json",
                "encoding": "utf-8", "idx": message_id, "check_idx": "1", "notify_url": self.notify_url}
        try:
            response = self.http.post(self.url, data=form, timeout=15)
        except requests.RequestException as exc:
            raise TemporaryFailure(f"sms operator unreachable: {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise TemporaryFailure(f"sms operator answered {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            raise TemporaryFailure(f"sms operator answered {response.status_code} without JSON") from exc
        if "error" in answer:
            code = int(answer["error"])
            detail = f"sms error {code}: {answer.get('message', '')}"
            if code == DUPLICATE_IDX:  # an earlier try was accepted after all (we timed out)
                return ""
            raise (PermanentFailure if code in PERMANENT_ERRORS else TemporaryFailure)(detail)
        return str(answer["list"][0]["id"])

