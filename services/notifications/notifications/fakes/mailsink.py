"""A local SMTP server that keeps every message, with a small HTTP API to read them.

`python -m notifications.fakes.mailsink --smtp-port 1025 --http-port 1080`
GET /messages lists what arrived (newest last), GET /messages/count counts them;
DELETE /messages forgets them (and the faults). For tests, POST /_faults
`{"rcpt": "a@example.pl", "reply": "451 4.3.0 try later", "times": 1}` refuses that recipient.
`--keep-bodies no` keeps only counts (for benchmarks); `--tls-cert/--tls-key` require STARTTLS and
`--login user:password` requires AUTH, as a production relay does.
"""
import argparse
import hashlib
import hmac
import json
import signal
import ssl
import threading
from datetime import UTC, datetime
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Inbox:
    def __init__(self, keep_bodies: bool = True):
        self.keep_bodies = keep_bodies
        self._messages: list[dict] = []
        self._lock = threading.Lock()

    def add(self, envelope) -> None:
        if not self.keep_bodies:
            with self._lock:
                self._messages.append(None)
            return
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
                "attachment_sha256": {part.get_filename(): hashlib.sha256(part.get_content()).hexdigest()
                                      for part in parsed.iter_attachments()},
            })

    def all(self) -> list[dict]:
        with self._lock:
            return list(self._messages)

    def count(self) -> int:
        with self._lock:
            return len(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()


class SmtpHandler:
    def __init__(self, inbox: Inbox):
        self.inbox = inbox
        self.faults: dict[str, list[str]] = {}  # recipient -> SMTP replies to give instead of 250

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        faults = self.faults.get(address.lower())
        if faults:
            return faults.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.inbox.add(envelope)
        return "250 Message accepted for delivery"


def http_handler(inbox: Inbox, smtp: SmtpHandler):
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
            elif self.path.rstrip("/") == "/messages/count":
                self._send(200, {"count": inbox.count()})
            else:
                self._send(404, {"error": "not_found"})

        def do_POST(self):
            if self.path.rstrip("/") != "/_faults":
                return self._send(404, {"error": "not_found"})
            fault = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            replies = smtp.faults.setdefault(fault["rcpt"].lower(), [])
            replies.extend([fault["reply"]] * fault.get("times", 1))
            self._send(200, {"ok": True})

        def do_DELETE(self):
            inbox.clear()
            smtp.faults.clear()
            self._send(200, {"cleared": True})

        def log_message(self, *args):
            pass
    return Handler


def security(args) -> dict:
    """STARTTLS and login required, when asked for: the production conversation, locally."""
    options = {}
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        options.update(tls_context=context, require_starttls=True)
    if args.login:
        user, password = args.login.split(":", 1)

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and hmac.compare_digest(
                auth_data.login, user.encode()) and hmac.compare_digest(auth_data.password, password.encode())
            return AuthResult(success=ok, handled=False)  # aiosmtpd answers 235 or 535
        options.update(authenticator=authenticate, auth_required=True, auth_require_tls=bool(args.tls_cert))
    return options


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local SMTP sink with an HTTP API.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 in a container)")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=1080)
    parser.add_argument("--keep-bodies", choices=("yes", "no"), default="yes")
    parser.add_argument("--tls-cert", help="PEM certificate: require STARTTLS (as production relays do)")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--login", help="user:password: require AUTH (after STARTTLS)")
    args = parser.parse_args(argv)
    inbox = Inbox(keep_bodies=args.keep_bodies == "yes")
    smtp = SmtpHandler(inbox)
    controller = Controller(smtp, hostname=args.host, port=args.smtp_port, **security(args))
    controller.start()
    http = ThreadingHTTPServer((args.host, args.http_port), http_handler(inbox, smtp))
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
