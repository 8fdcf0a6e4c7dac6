"""A local fake of the Przelewy24 REST API, as a small process:
`python -m ledger.fakes.przelewy24 --port 8024 --merchant-id 100001 --api-key K --crc C`.

It checks Basic auth and signatures the way the operator does, keeps transactions in memory,
and has one development endpoint: `POST /_fake/pay/<token>` pays a transaction and returns the
signed notification (also POSTed to the transaction's `urlStatus` when `deliver` is true), so a
test can hand it to the gateway's status endpoint. A browser sent to `/trnRequest/<token>` gets a
page with a "pay" button: it delivers the notification, then returns the payer to `urlReturn`.
"""
import argparse
import base64
import html
import itertools
import json
import secrets
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from ledger.operator import notification_sign, register_sign, verify_sign


class State:
    def __init__(self, merchant_id: int, api_key: str, crc: str):
        self.merchant_id, self.api_key, self.crc = merchant_id, api_key, crc
        self.by_token: dict[str, dict] = {}
        self.order_ids = itertools.count(300_000_001)


def paid(state: State, transaction: dict) -> dict:
    """The signed notification the operator sends once the payer has paid."""
    transaction.setdefault("orderId", next(state.order_ids))
    notification = {
        "merchantId": transaction["merchantId"], "posId": transaction["posId"],
        "sessionId": transaction["sessionId"], "amount": transaction["amount"],
        "originAmount": transaction["amount"], "currency": "PLN", "orderId": transaction["orderId"],
        "methodId": 154, "statement": f"p24-{transaction['orderId']}"}
    notification["sign"] = notification_sign(notification, state.crc)
    return notification


def handler_for(state: State):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _reply(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict:
            return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")

        def _authorised(self) -> bool:
            expected = base64.b64encode(f"{state.merchant_id}:{state.api_key}".encode()).decode()
            return secrets.compare_digest(self.headers.get("Authorization", ""), f"Basic {expected}")

        def do_GET(self):
            transaction = state.by_token.get(self.path.removeprefix("/trnRequest/"))
            if not self.path.startswith("/trnRequest/") or transaction is None:
                return self._reply(404, {"error": "not found", "code": 404})
            page = (f'<!doctype html><html lang="pl"><title>Przelewy24 (fake)</title><main>'
                    f'<h1>Płatność {transaction["amount"] / 100:.2f} PLN</h1>'
                    f'<p>{html.escape(transaction["description"])}</p>'
                    f'<form method="post" action="{html.escape(self.path)}/pay"><button>Zapłać</button></form>'
                    f'</main></html>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def do_POST(self):
            if self.path.startswith("/trnRequest/") and self.path.endswith("/pay"):
                return self._pay_in_browser(self.path.removeprefix("/trnRequest/").removesuffix("/pay"))
            if self.path.startswith("/_fake/pay/"):
                return self._pay(self.path.removeprefix("/_fake/pay/"), self._body())
            if self.path != "/api/v1/transaction/register":
                return self._reply(404, {"error": "not found", "code": 404})
            if not self._authorised():
                return self._reply(401, {"error": "Incorrect authentication", "code": 401})
            body = self._body()
            expected = register_sign(body.get("sessionId", ""), body.get("merchantId"), body.get("amount"),
                                     body.get("currency"), state.crc)
            if body.get("sign") != expected:
                return self._reply(400, {"error": "Incorrect sign", "code": 400})
            token = secrets.token_hex(16).upper()
            state.by_token[token] = {**body, "status": "registered"}
            return self._reply(200, {"data": {"token": token}, "responseCode": 0})

        def do_PUT(self):
            if self.path != "/api/v1/transaction/verify":
                return self._reply(404, {"error": "not found", "code": 404})
            if not self._authorised():
                return self._reply(401, {"error": "Incorrect authentication", "code": 401})
            body = self._body()
            found = next((t for t in state.by_token.values()
                          if t["sessionId"] == body.get("sessionId") and t.get("orderId") == body.get("orderId")), None)
            expected = verify_sign(body.get("sessionId", ""), body.get("orderId"), body.get("amount"),
                                   body.get("currency"), state.crc)
            if found is None or body.get("sign") != expected or body.get("amount") != found["amount"]:
                return self._reply(400, {"error": "Transaction not verified", "code": 400})
            found["status"] = "verified"
            return self._reply(200, {"data": {"status": "success"}, "responseCode": 0})

        def _pay(self, token: str, options: dict):
            transaction = state.by_token.get(token)
            if transaction is None:
                return self._reply(404, {"error": "unknown token", "code": 404})
            notification = paid(state, transaction)
            if options.get("deliver"):
                requests.post(transaction["urlStatus"], json=notification, timeout=10)
            return self._reply(200, notification)

        def _pay_in_browser(self, token: str):
            transaction = state.by_token.get(token)
            if transaction is None:
                return self._reply(404, {"error": "unknown token", "code": 404})
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            notification = paid(state, transaction)
            requests.post(transaction["urlStatus"], json=notification, timeout=10)
            self.send_response(303)
            self.send_header("Location", transaction["urlReturn"])
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8024)
    parser.add_argument("--merchant-id", type=int, default=100001)
    parser.add_argument("--api-key", default="dev-only-p24-api-key")
    parser.add_argument("--crc", default="dev-only-p24-crc")
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(State(args.merchant_id, args.api_key, args.crc)))
    server.serve_forever()


if __name__ == "__main__":
    main()
