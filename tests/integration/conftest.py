"""End-to-end fixtures: every service as a real nameko container on a private RabbitMQ
vhost and real PostgreSQL databases, the SMTP sink as a process, the gateway app in front
(and, for the browser, the same gateway served by gunicorn in its own process)."""
import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from declarations_helpers import (  # noqa: F401  (the declarations tests' fixtures)
    declaration_events,
    identity_grants,
    qualified,
    trusted_profile_service,
)
from flask.testing import FlaskClient
from ledger_helpers import operator  # noqa: F401  (the fake payment operator, for every test that pays)

from portal_shared.config import SERVICES, Config
from portal_shared.testing import RUN_ID, free_port, wait_for_port

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "services/gateway/gateway/gunicorn_conf.py"


def forget_redis_keys(prefix: str) -> None:
    """Rate-limit counters and idempotency records of this run (keys under its prefix)."""
    client = redis.Redis.from_url(Config().redis_url)
    for key in client.scan_iter(f"{prefix}:*", count=1000):
        client.delete(key)


@pytest.fixture(scope="session")
def system(mail_sink, service_containers, nameko_config):
    service_containers(*SERVICES)
    return mail_sink


@pytest.fixture(scope="session")
def gateway_config(system):
    prefix = f"test-{RUN_ID}"
    yield dataclasses.replace(Config(), environment="test", redis_key_prefix=prefix)
    forget_redis_keys(prefix)


@pytest.fixture(scope="session")
def gateway_app(gateway_config, nameko_config):
    from gateway.app import create_app
    from portal_shared.rpc_client import RpcPool

    pool = RpcPool(nameko_config, size=4, timeout=15)
    app = create_app(gateway_config, pool)
    yield app
    pool.close()


class BrowserLikeClient(FlaskClient):
    """Sends the CSRF token with every change that rides on the session cookie, as the portal's
    pages do; tests of the CSRF refusal itself use a plain client."""

    def open(self, *args, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        headers = dict(kwargs.pop("headers", None) or {})
        if (method in ("POST", "PUT", "PATCH", "DELETE") and "Authorization" not in headers
                and self.get_cookie("portal_session") is not None):
            headers["X-CSRF-Token"] = super().open("/api/v1/csrf-token").get_json()["csrf_token"]
        return super().open(*args, headers=headers, **kwargs)


@pytest.fixture
def client(gateway_app, gateway_config, service_databases, system):
    system.clear()
    forget_redis_keys(gateway_config.redis_key_prefix)
    gateway_app.test_client_class = BrowserLikeClient
    return gateway_app.test_client()


@pytest.fixture(scope="session")
def identity_events(system, nameko_config):
    """What identity publishes for other services to act on (e.g. notifications sending a reset
    link or an SMS code), caught by a small consumer on the test vhost."""
    from event_recorder import IdentityEventRecorder, RecordedEvents
    from nameko.containers import ServiceContainer

    container = ServiceContainer(IdentityEventRecorder, nameko_config)
    container.start()
    yield RecordedEvents(IdentityEventRecorder.received)
    container.stop()


@pytest.fixture(scope="session")
def served_gateway(system, nameko_config, service_databases):
    """The gateway under gunicorn (gthread workers), talking to this run's vhost and databases.

    The test process runs the services under eventlet; the gateway gets its own process, as in
    production, and reaches them over RabbitMQ like any other client."""
    for service in SERVICES:
        service_databases.url(service)
    port = free_port()
    prefix = f"test-{RUN_ID}-browser"
    env = {**os.environ, "PORTAL_ENV": "test", "AMQP_URI": nameko_config["AMQP_URI"],
           "GATEWAY_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "4",
           "REDIS_KEY_PREFIX": prefix, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
           "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF),
                                "gateway.app:create_app()"], env=env)
    try:
        wait_for_port(port, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(15)
        forget_redis_keys(prefix)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync"])
    yield chromium
    chromium.close()
    # Not playwright.stop(): under eventlet (the services' hub in this process) it never returns;
    # the driver ends with this process.


@pytest.fixture
def page(browser, served_gateway, system, service_databases):
    system.clear()
    context = browser.new_context(base_url=served_gateway, locale="pl-PL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


from identity_helpers import identity, make_account  # noqa: E402,F401  identity fixtures for its tests
