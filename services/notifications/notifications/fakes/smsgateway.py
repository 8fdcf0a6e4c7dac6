"""A local SMS operator speaking SMSAPI.pl's REST protocol, for development and tests.

`python -m notifications.fakes.smsgateway --port 1090 --token dev-sms-token`

- `POST /sms.do` (form: to, message, from, format=json, idx, check_idx, notify_url) with
  `Authorization: Bearer <token>`; answers `{"count", "list": [{"id", "points", "number",
  "status": "QUEUE", "idx"}]}` or `{"error": <code>, "message"}`; then calls `notify_url` with a
  delivery report (`GET ?MsgId=..&status=404&idx=..&donedate=..&to=..&username=..`).
- Test controls: `POST /_faults {"to": "48...", "error": 201|13|"http500", "times": n}`;
  `GET /messages` (captured SMS with report results), `DELETE /messages`.
"""
import argparse
import itertools
import re
import threading
import time
from urllib.parse import urlencode

import requests

from notifications.fakes.http import JsonHandler, serve

ERROR_TEXT = {13: "No correct phone numbers", 11: "Message too long or no message",
              53: "Not unique idx", 101: "Authorization failed", 201: "Internal system error"}
DELIVERED = 404


class Operator:
    def __init__(self, token: str):
        self.token = token
        self.messages: list[dict] = []
        self.faults: dict[str, list] = {}
        self.seen_idx: set[str] = set()
        self.ids = itertools.count(1)
        self.lock = threading.Lock()

    def submit(self, form: dict) -> tuple[int, dict]:
        number = re.sub(r"\D", "", form.get("to", ""))
        if len(number) == 9:
            number = "48" + number
        with self.lock:
            fault = self._take_fault(number)
            if fault == "http500":
                return 500, {"error": 201, "message": ERROR_TEXT[201]}
            if fault:
                return 200, {"error": fault, "message": ERROR_TEXT.get(fault, "error")}
            if not re.fullmatch(r"48\d{9}", number):
                return 200, {"error": 13, "message": ERROR_TEXT[13]}
            if not form.get("message"):
                return 200, {"error": 11, "message": ERROR_TEXT[11]}
            idx = form.get("idx")
            if idx and form.get("check_idx") == "1":
                if idx in self.seen_idx:
                    return 200, {"error": 53, "message": ERROR_TEXT[53]}
                self.seen_idx.add(idx)
            message_id = f"{int(time.time())}{next(self.ids):08d}"
            record = {"id": message_id, "number": number, "text": form["message"],
                      "sender": form.get("from"), "idx": idx, "report": None}
            self.messages.append(record)
        if form.get("notify_url"):
            threading.Thread(target=self._report, args=(record, form["notify_url"]), daemon=True).start()
        return 200, {"count": 1, "list": [{"id": message_id, "points": 0.16, "number": number,
                                           "date_sent": int(time.time()), "submitted_number": form["to"],
                                           "status": "QUEUE", "error": None, "idx": idx}]}

    def _take_fault(self, number: str):
        queue = self.faults.get(number)
        return queue.pop(0) if queue else None

    def _report(self, record: dict, notify_url: str) -> None:
        params = {"MsgId": record["id"], "status": DELIVERED, "idx": record["idx"] or "",
                  "donedate": int(time.time()), "to": record["number"], "username": "portal",
                  "points": "0.16", "from": record["sender"] or ""}
        separator = "&" if "?" in notify_url else "?"
        try:
            response = requests.get(notify_url + separator + urlencode(params), timeout=10)
            record["report"] = {"status": response.status_code, "body": response.text[:100]}
        except requests.RequestException as exc:
            record["report"] = {"error": str(exc)}


def handler(operator: Operator):
    class Handler(JsonHandler):
        def do_POST(self):
            if self.route == "/sms.do":
                if self.headers.get("Authorization") != f"Bearer {operator.token}":
                    self.body()
                    return self.reply(401, {"error": 101, "message": ERROR_TEXT[101]})
                return self.reply(*operator.submit(self.form()))
            if self.route == "/_faults":
                fault = self.json()
                with operator.lock:
                    number = re.sub(r"\D", "", fault["to"])
                    operator.faults.setdefault(number, []).extend([fault["error"]] * fault.get("times", 1))
                return self.reply(200, {"ok": True})
            self.reply(404, {"error": "not_found"})

        def do_GET(self):
            if self.route == "/messages":
                with operator.lock:
                    return self.reply(200, list(operator.messages))
            self.reply(404, {"error": "not_found"})

        def do_DELETE(self):
            with operator.lock:
                operator.messages.clear()
                operator.faults.clear()
            self.reply(200, {"cleared": True})
    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local SMS operator (SMSAPI.pl protocol).")
    parser.add_argument("--port", type=int, default=1090)
    parser.add_argument("--token", default="dev-sms-token")
    args = parser.parse_args(argv)
    serve(handler(Operator(args.token)), args.port, f"sms operator: http://127.0.0.1:{args.port}/sms.do")


if __name__ == "__main__":
    main()
