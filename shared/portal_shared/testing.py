"""pytest fixtures shared by every service's tests: a clean database built by the real
migrations, an isolated RabbitMQ virtual host, and real nameko containers.

Every test run gets its own databases and vhost, so runs on one machine never collide.
"""
import os
import socket
import subprocess
import sys
import time
import uuid
from types import SimpleNamespace
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from portal_shared.config import Config, database_url
from portal_shared.migrate import drop_database, migrate

RUN_ID = uuid.uuid4().hex[:8]
RABBIT_API = os.environ.get("RABBIT_MANAGEMENT_URL", "http://guest:guest@127.0.0.1:15672")


def _test_database_url(service: str) -> str:
    base = make_url(database_url(service))
    return base.set(database=f"test_{service}_{RUN_ID}").render_as_string(hide_password=False)


def truncate_all(url: str, attempts: int = 5) -> None:
    """Empty every table. Services may still be finishing a test's background work (an event
    handler inserting a message), so a deadlock with it is retried rather than failing the test."""
    engine = sa.create_engine(url)
    try:
        for attempt in range(attempts):
            try:
                with engine.begin() as conn:
                    tables = conn.scalars(sa.text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version' ORDER BY tablename")).all()
                    if tables:
                        conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                             + " RESTART IDENTITY CASCADE"))
                return
            except sa.exc.OperationalError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
    finally:
        engine.dispose()


class ServiceDatabases:
    """Creates and migrates one database per service on first use; drops them at the end."""

    def __init__(self):
        self.urls: dict[str, str] = {}

    def url(self, service: str) -> str:
        if service not in self.urls:
            url = _test_database_url(service)
            migrate(service, url)
            os.environ[f"{service.upper()}_DATABASE_URL"] = url
            self.urls[service] = url
        return self.urls[service]

    def clean(self) -> None:
        for url in self.urls.values():
            truncate_all(url)

    def drop(self) -> None:
        for url in self.urls.values():
            drop_database(url)


@pytest.fixture(scope="session")
def service_databases():
    databases = ServiceDatabases()
    yield databases
    databases.drop()


@pytest.fixture(scope="session")
def amqp_uri():
    """A fresh RabbitMQ virtual host for this run (through the management API)."""
    vhost = f"test-{RUN_ID}"
    api = RABBIT_API.rstrip("/")
    response = requests.put(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10)
    response.raise_for_status()
    requests.put(f"{api}/api/permissions/{quote(vhost, safe='')}/guest",
                 json={"configure": ".*", "write": ".*", "read": ".*"},
                 timeout=10).raise_for_status()
    base = urlsplit(Config().amqp_uri)
    uri = urlunsplit((base.scheme, base.netloc, "/" + quote(vhost, safe=""), "", ""))
    os.environ["AMQP_URI"] = uri
    yield uri
    requests.delete(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10)


@pytest.fixture(scope="session")
def nameko_config(amqp_uri):
    config = Config().nameko_config()
    config["AMQP_URI"] = amqp_uri
    return config


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


def start_process(module: str, *args: str, ports: tuple[int, ...] = ()) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", module, *args])
    for port in ports:
        wait_for_port(port)
    return process


@pytest.fixture(scope="session")
def service_containers(nameko_config, service_databases, request):
    """`service_containers("identity", ...)` starts real nameko containers once per run.
    Notifications starts with its fakes (SMTP sink, SMS operator, push service) up."""
    from nameko.containers import ServiceContainer

    from portal_shared.runner import service_class

    started = {}

    def start(*names: str) -> dict:
        for name in names:
            if name not in started:
                if name == "notifications":
                    request.getfixturevalue("notification_fakes")
                service_databases.url(name)
                container = ServiceContainer(service_class(name), nameko_config)
                container.start()
                started[name] = container
        return started

    yield start
    for container in started.values():
        container.stop()


@pytest.fixture(autouse=True)
def _clean_databases(request):
    """After each test that touched a service database, empty every table again."""
    yield
    if "service_databases" in request.fixturenames:
        request.getfixturevalue("service_databases").clean()


@pytest.fixture(scope="session")
def rpc(nameko_config):
    from nameko.standalone.rpc import ClusterRpcProxy

    with ClusterRpcProxy(nameko_config, timeout=15) as proxy:
        yield proxy


@pytest.fixture(scope="session")
def mail_sink():
    """The local SMTP sink as a separate process (asyncio does not mix with eventlet)."""
    smtp_port, http_port = free_port(), free_port()
    process = start_process("notifications.fakes.mailsink", "--smtp-port", str(smtp_port),
                            "--http-port", str(http_port), ports=(smtp_port, http_port))
    os.environ["SMTP_PORT"] = str(smtp_port)
    os.environ["MAILSINK_API_URL"] = f"http://127.0.0.1:{http_port}"
    yield MailSink(f"http://127.0.0.1:{http_port}")
    process.terminate()
    process.wait(10)


class MailSink:
    def __init__(self, api_url: str):
        self.api_url = api_url

    def messages(self, to: str | None = None) -> list[dict]:
        found = requests.get(f"{self.api_url}/messages", timeout=5).json()
        return [m for m in found if to is None or to in m["rcpt_to"]]

    def wait_for(self, to: str, count: int = 1, timeout: float = 15.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages(to)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{count} message(s) to {to} did not arrive; got {self.messages(to)}")

    def refuse_next(self, rcpt: str, reply: str = "451 4.3.0 Try again later", times: int = 1) -> None:
        """The sink answers RCPT TO for `rcpt` with `reply` (4xx temporary, 5xx permanent)."""
        requests.post(f"{self.api_url}/_faults", json={"rcpt": rcpt, "reply": reply, "times": times},
                      timeout=5).raise_for_status()

    def clear(self) -> None:
        requests.delete(f"{self.api_url}/messages", timeout=5)


# Every secret production refuses to run with its development default (see config.py).
PRODUCTION_SECRETS = {
    "SECRET_KEY": "a-production-secret",
    "P24_CRC": "a-production-p24-crc",
    "P24_API_KEY": "a-production-p24-api-key",
    "IVR_WEBHOOK_SECRET": "a-production-ivr-secret",
    "VAPID_PRIVATE_KEY": "HiCUU8wnpbao0qhz7lgqvN1GmOI4IuTRRwaiJZkc-yU",  # a throw-away test key
}


def production_environment(monkeypatch) -> dict:
    """Switch this process's configuration to production, with every required secret set."""
    environment = {"PORTAL_ENV": "production", **PRODUCTION_SECRETS}
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return environment
def _wait_until(found, describe, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(describe())


@pytest.fixture(scope="session")
def sms_gateway():
    """The local SMS operator (SMSAPI.pl protocol) as a separate process."""
    port = free_port()
    token = uuid.uuid4().hex
    process = start_process("notifications.fakes.smsgateway", "--port", str(port), "--token", token, ports=(port,))
    os.environ.update(SMS_API_URL=f"http://127.0.0.1:{port}", SMS_API_TOKEN=token)
    yield FakeSmsGateway(f"http://127.0.0.1:{port}")
    process.terminate()
    process.wait(10)


class FakeSmsGateway:
    def __init__(self, api_url: str):
        self.api_url = api_url

    def messages(self, to: str | None = None) -> list[dict]:
        found = requests.get(f"{self.api_url}/messages", timeout=5).json()
        digits = None if to is None else "".join(ch for ch in to if ch.isdigit())
        return [m for m in found if digits is None or m["number"].endswith(digits[-9:])]

    def wait_for(self, to: str, count: int = 1, timeout: float = 15.0) -> list[dict]:
        return _wait_until(lambda: (found := self.messages(to)) and len(found) >= count and found,
                           lambda: f"{count} SMS to {to} did not arrive; got {self.messages(to)}", timeout)

    def fail_next(self, to: str, error, times: int = 1) -> None:
        """`error`: an operator error code (e.g. 201 temporary, 13 bad number) or "http500"."""
        requests.post(f"{self.api_url}/_faults", json={"to": to, "error": error, "times": times},
                      timeout=5).raise_for_status()

    def clear(self) -> None:
        requests.delete(f"{self.api_url}/messages", timeout=5)


@pytest.fixture(scope="session")
def push_service():
    """The local Web Push service (checks VAPID, decrypts payloads) as a separate process."""
    port = free_port()
    process = start_process("notifications.fakes.pushservice", "--port", str(port), ports=(port,))
    os.environ["PUSH_FAKE_API_URL"] = f"http://127.0.0.1:{port}"
    yield FakePushService(f"http://127.0.0.1:{port}")
    process.terminate()
    process.wait(10)


class FakePushService:
    def __init__(self, api_url: str):
        self.api_url = api_url

    def subscribe(self, application_server_key: str) -> dict:
        """What a browser's `pushManager.subscribe()` returns, plus the fake's subscription id."""
        return requests.post(f"{self.api_url}/subscriptions", timeout=5,
                             json={"application_server_key": application_server_key}).json()

    def unsubscribe(self, subscription_id: str) -> None:
        requests.delete(f"{self.api_url}/subscriptions/{subscription_id}", timeout=5)

    def messages(self, subscription_id: str | None = None) -> list[dict]:
        found = requests.get(f"{self.api_url}/messages", timeout=5).json()
        return [m for m in found if subscription_id in (None, m["subscription_id"])]

    def wait_for(self, subscription_id: str, count: int = 1, timeout: float = 15.0) -> list[dict]:
        return _wait_until(lambda: (found := self.messages(subscription_id)) and len(found) >= count and found,
                           lambda: f"{count} push(es) to {subscription_id} did not arrive", timeout)

    def fail_next(self, subscription_id: str, status: int, times: int = 1) -> None:
        requests.post(f"{self.api_url}/_faults", timeout=5,
                      json={"subscription_id": subscription_id, "status": status, "times": times}).raise_for_status()

    def clear(self) -> None:
        requests.delete(f"{self.api_url}/messages", timeout=5)


@pytest.fixture(scope="session")
def notification_fakes(mail_sink, sms_gateway, push_service):
    """Every outside party notifications talks to; request it before starting notifications."""
    return SimpleNamespace(mail=mail_sink, sms=sms_gateway, push=push_service)
