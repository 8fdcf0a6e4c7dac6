"""The system under test, started as `make up` starts it (scripts/up.py), but private to this run.

Its own databases (`bench_<service>_<run>`, built by `portal-migrate`), RabbitMQ vhost, Redis key
prefix and free ports, so other people's `make up` and test runs on the same machine neither
answer our calls nor receive our mail. Bench settings: gateway rate limits off, log level
WARNING (one JSON line per request would be measured too), sessions that outlast the run, the
reminder scheduler asleep (scenario 4 starts the fan-out itself).
"""
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psutil
import requests
from sqlalchemy.engine import make_url

from portal_shared.config import SERVICES, database_url
from portal_shared.migrate import drop_database
from portal_shared.testing import RABBIT_API, free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _load_up():
    spec = importlib.util.spec_from_file_location("portal_up", ROOT / "scripts" / "up.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


up = _load_up()


class BenchSystem:
    def __init__(self):
        self.run_id = uuid.uuid4().hex[:6]
        self.workdir = Path(tempfile.mkdtemp(prefix=f"bench-{self.run_id}-"))
        self.vhost = f"bench-{self.run_id}"
        self.gateway_port, self.baseline_port = free_port(), free_port()
        self.smtp_port, self.sink_http_port = free_port(), free_port()
        base = urlsplit(os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"))
        self.amqp_uri = urlunsplit((base.scheme, base.netloc, "/" + quote(self.vhost, safe=""), "", ""))
        self.database_urls = {s: make_url(database_url(s)).set(database=f"bench_{s}_{self.run_id}")
                              .render_as_string(hide_password=False) for s in SERVICES}
        self.processes: dict[str, subprocess.Popen] = {}
        self.log = open(self.workdir / "services.log", "ab")  # noqa: SIM115  closed in stop()

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def baseline_url(self) -> str:
        return f"http://127.0.0.1:{self.baseline_port}"

    @property
    def sink_api(self) -> str:
        return f"http://127.0.0.1:{self.sink_http_port}"

    def environment(self) -> dict:
        env = {f"{s.upper()}_DATABASE_URL": url for s, url in self.database_urls.items()}
        env.update(PORTAL_ENV="development", AMQP_URI=self.amqp_uri, LOG_LEVEL="WARNING",
                   RATE_LIMITS_ENABLED="false", REDIS_KEY_PREFIX=f"bench-{self.run_id}",
                   GATEWAY_BIND=f"127.0.0.1:{self.gateway_port}", PUBLIC_BASE_URL=self.gateway_url,
                   SMTP_PORT=str(self.smtp_port), MAILSINK_API_URL=self.sink_api,
                   BASELINE_BIND=f"127.0.0.1:{self.baseline_port}",
                   SESSION_IDLE_MINUTES="240", REMINDER_CHECK_SECONDS="86400", OPS_HTTP_PORT="0",
                   QUALIFIED_TRUST_ANCHORS_FILE=str(self.workdir / "qualified-anchors.pem"))
        return env

    def prepare(self) -> None:
        """Vhost and databases (migrated); the environment is this process's too (loader, clients)."""
        os.environ.update(self.environment())
        api = RABBIT_API.rstrip("/")
        requests.put(f"{api}/api/vhosts/{quote(self.vhost, safe='')}", timeout=10).raise_for_status()
        requests.put(f"{api}/api/permissions/{quote(self.vhost, safe='')}/guest", timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        up.run_step(str(BIN / "portal-migrate"), "all")

    def start(self) -> None:
        self.processes["mail sink"] = up.start(
            "mail sink", str(BIN / "python"), "-m", "notifications.fakes.mailsink", "--smtp-port",
            str(self.smtp_port), "--http-port", str(self.sink_http_port), "--keep-bodies", "no", log=self.log)
        up.start_services(self.processes, log=self.log)
        self.processes["baseline"] = up.start(
            "monolith baseline", str(BIN / "gunicorn"), "-c", "bench/baseline/gunicorn_conf.py",
            "bench.baseline.app:create_app()", log=self.log)
        self.wait_ready()

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        for url in (f"{self.gateway_url}/readyz", f"{self.baseline_url}/healthz", f"{self.sink_api}/messages/count"):
            while True:
                self.check_alive()
                try:
                    if requests.get(url, timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} not ready after {timeout} s (see {self.workdir / 'services.log'})")
                time.sleep(0.5)
        for service in SERVICES:  # every service consumes its RPC queue
            self.rpc_health(service, deadline)

    def rpc_health(self, service: str, deadline: float) -> None:
        from portal_shared.contracts.base import RpcMethod
        from portal_shared.rpc_client import RpcPool
        pool = RpcPool({"AMQP_URI": self.amqp_uri}, size=1, timeout=5)
        try:
            while True:
                try:
                    pool.call(RpcMethod(service, "health"))
                    return
                except Exception:  # not consuming yet: the call times out
                    if time.monotonic() > deadline:
                        raise
        finally:
            pool.close()

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode} (see {self.workdir / 'services.log'})")

    def process_trees(self) -> dict[str, list[psutil.Process]]:
        """Each started program with its children (gunicorn's workers)."""
        trees = {}
        for name, process in self.processes.items():
            parent = psutil.Process(process.pid)
            trees[name] = [parent, *parent.children(recursive=True)]
        return trees

    @contextmanager
    def paused(self, name: str):
        """`name` stopped (SIGSTOP) while the block runs: its queues fill, and it catches up after."""
        process = psutil.Process(self.processes[name].pid)
        process.suspend()
        try:
            yield
        finally:
            process.resume()

    def stop_process(self, name: str) -> None:
        up.stop_all({name: self.processes.pop(name)})

    def stop(self) -> None:
        up.stop_all(self.processes)
        self.log.close()
        for url in self.database_urls.values():
            drop_database(url)
        requests.delete(f"{RABBIT_API.rstrip('/')}/api/vhosts/{quote(self.vhost, safe='')}", timeout=10)
