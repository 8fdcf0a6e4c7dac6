"""A tiny JSON-over-HTTP server base for the fakes (standard library only, its own process)."""
import json
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status: int, body, content_type="application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def form(self) -> dict:
        return {k: v[0] for k, v in parse_qs(self.body().decode()).items()}

    def json(self) -> dict:
        raw = self.body()
        return json.loads(raw) if raw else {}

    @property
    def route(self) -> str:
        return urlsplit(self.path).path.rstrip("/")

    def log_message(self, *args):
        pass


def serve(handler_class, port: int, banner: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_class)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(banner, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
