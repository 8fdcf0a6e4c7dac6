"""A local SMTP server that keeps every message, with a small HTTP API to read them.

`python -m notifications.fakes.mailsink --smtp-port 1025 --http-port 1080`
GET /messages lists what arrived (newest last); DELETE /messages forgets them.
"""
import argparse
import json
import signal
import threading
from datetime import UTC, datetime
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self._messages: list[dict] = []
        self._lock = threading.Lock()

    def add(self, envelope) -> None:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        text = parsed.get_body(preferencelist=("plain",))
        html = parsed.get_body(preferencelist=("html",))
        with self._lock:
            self._messages.append({
                "id": len(self._messages) + 1,
                "received_at": datetime.now(UTC).isoformat(),
                "mail_from": envelope.mail_from,
                "rcpt_to": list(envelope.rcpt_tos),
                "subject": str(parsed["Subject"]),
                "message_id": str(parsed["Message-ID"]),
                "text": text.get_content() if text else None,
                "html": html.get_content() if html else None,
                "attachments": [part.get_filename() for part in parsed.iter_attachments()],
            })

    def all(self) -> list[dict]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()


class SmtpHandler:
    def __init__(self, inbox: Inbox):
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):
        self.inbox.add(envelope)
        return "250 Message accepted for delivery"


def http_handler(inbox: Inbox):
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.rstrip("/") == "/messages":
                self._send(200, inbox.all())
            else:
                self._send(404, {"error": "not_found"})

        def do_DELETE(self):
            inbox.clear()
            self._send(200, {"cleared": True})

        def log_message(self, *args):
            pass
    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local SMTP sink with an HTTP API.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 in a container)")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=1080)
    args = parser.parse_args(argv)
    inbox = Inbox()
    controller = Controller(SmtpHandler(inbox), hostname=args.host, port=args.smtp_port)
    controller.start()
    http = ThreadingHTTPServer((args.host, args.http_port), http_handler(inbox))
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=http.shutdown).start())
    print(f"mail sink: smtp://{args.host}:{args.smtp_port} http://{args.host}:{args.http_port}/messages",
          flush=True)
    try:
        http.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
