"""A local SMTP server that keeps every message, with a small HTTP API to read them.

`python -m notifications.fakes.mailsink --smtp-port 1025 --http-port 1080`
GET /messages lists what arrived (newest last), GET /messages/count counts them;
DELETE /messages forgets them (and the faults). For tests, POST /_faults
`{"rcpt": "a@example.pl", "reply": "451 4.3.0 try later", "times": 1}` refuses that recipient.
`--keep-bodies no` keeps only counts (for benchmarks); `--tls-cert/--tls-key` require STARTTLS and
`--login user:password` requires AUTH, as a production relay does (aiosmtpd speaks those).

Without TLS or AUTH a small asyncio protocol speaks SMTP instead: aiosmtpd's per-command
machinery accepted ~500 messages/s, below what the senders must be measured against.
"""
import argparse
import asyncio
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


class Envelope:
    def __init__(self):
        self.mail_from: str | None = None
        self.rcpt_tos: list[str] = []
        self.original_content = b""


def _address(argument: bytes) -> str:
    """`FROM:<a@b> SIZE=1` -> `a@b`."""
    value = argument.split(b":", 1)[1].strip() if b":" in argument else b""
    return value.split(b">", 1)[0].lstrip(b"<").decode("utf-8", "replace")


class PlainSmtp(asyncio.Protocol):
    """RFC 5321 without TLS or AUTH, PIPELINING allowed: the sink's fast path."""
    END_OF_DATA = b"\r\n.\r\n"

    def __init__(self, handler: SmtpHandler, hostname: str):
        self.handler, self.hostname = handler, hostname
        self.buffer = b""
        self.envelope = Envelope()
        self.in_data = False

    def connection_made(self, transport):
        self.transport = transport
        transport.write(f"220 {self.hostname} ESMTP portal mail sink\r\n".encode())

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        replies = []
        while not self.transport.is_closing():
            if self.in_data:
                end = (b"\r\n" + self.buffer).find(self.END_OF_DATA)  # the body may be empty
                if end < 0:
                    break
                self._accept(self.buffer[:end - 2] + b"\r\n" if end >= 2 else b"", replies)
                self.buffer = self.buffer[end + 3:]
                continue
            line, found, rest = self.buffer.partition(b"\r\n")
            if not found:
                break
            self.buffer = rest
            replies.append(self._command(line))
        if replies:
            self.transport.write("".join(replies).encode())
        if replies and replies[-1].startswith("221"):
            self.transport.close()

    def _accept(self, content: bytes, replies: list) -> None:
        self.in_data = False
        unstuffed = content.replace(b"\r\n..", b"\r\n.")  # a line's leading dot was doubled
        self.envelope.original_content = unstuffed[1:] if unstuffed.startswith(b"..") else unstuffed
        self.handler.inbox.add(self.envelope)
        self.envelope = Envelope()
        replies.append("250 Message accepted for delivery\r\n")

    def _command(self, line: bytes) -> str:
        verb, _, argument = line.partition(b" ")
        verb = verb.upper()
        if verb == b"EHLO":
            return f"250-{self.hostname}\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        if verb == b"HELO":
            return f"250 {self.hostname}\r\n"
        if verb == b"MAIL":
            self.envelope = Envelope()
            self.envelope.mail_from = _address(argument)
            return "250 OK\r\n"
        if verb == b"RCPT":
            if self.envelope.mail_from is None:
                return "503 Error: need MAIL command\r\n"
            address = _address(argument)
            faults = self.handler.faults.get(address.lower())
            if faults:
                return faults.pop(0) + "\r\n"
            self.envelope.rcpt_tos.append(address)
            return "250 OK\r\n"
        if verb == b"DATA":
            if not self.envelope.rcpt_tos:
                return "503 Error: need RCPT command\r\n"
            self.in_data = True
            return "354 End data with <CR><LF>.<CR><LF>\r\n"
        if verb == b"RSET":
            self.envelope = Envelope()
            return "250 OK\r\n"
        if verb == b"NOOP":
            return "250 OK\r\n"
        if verb == b"QUIT":
            return "221 Bye\r\n"
        return "500 Error: command not recognized\r\n"


class PlainController:
    """Runs `PlainSmtp` on an asyncio loop in a thread, as aiosmtpd's Controller does."""

    def __init__(self, handler: SmtpHandler, hostname: str, port: int):
        self.handler, self.hostname, self.port = handler, hostname, port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> None:
        server = self.loop.run_until_complete(self.loop.create_server(
            lambda: PlainSmtp(self.handler, self.hostname), self.hostname, self.port, backlog=128))
        self.server = server
        self.thread.start()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


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
    options = security(args)
    controller = Controller(smtp, hostname=args.host, port=args.smtp_port, **options) if options \
        else PlainController(smtp, args.host, args.smtp_port)
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
