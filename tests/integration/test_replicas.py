"""Two replicas of every service, as separate processes the way Kubernetes runs them, on a
broker vhost and databases of their own, behind the gateway under gunicorn.

They prove what scaling out relies on: RPC calls and events are shared by competing consumers,
each event is published once (the outbox relay's SKIP LOCKED) and handled once
(processed_events), state lives in PostgreSQL (a session opened through one replica works
through the other), and one request can be followed through three services by its id.
"""
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import requests
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy.engine import make_url

from portal_shared.config import SERVICES, Config, database_url
from portal_shared.migrate import drop_database, migrate
from portal_shared.testing import RABBIT_API, MailSink, free_port, start_process, wait_for_port

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
REPLICAS = 2


def pesel(serial: int) -> str:
    """A valid PESEL of someone born 1944-05-14, distinct per serial."""
    digits = f"440514{serial:04d}"
    checksum = (10 - sum(int(d) * w for d, w in zip(digits, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3), strict=True)) % 10) % 10
    return digits + str(checksum)


def wait_until(check, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"{what} not reached in {timeout}s")


def ready(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


class Cluster:
    """The running system: replicas' ops ports, the gateway's URL, the databases, the logs."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs = env, logs
        self.ops_ports: list[int] = []
        self.gateway = ""
        self.processes: dict[str, subprocess.Popen] = {}

    def spawn(self, name: str, command: list[str], **extra_env) -> None:
        log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115  closed with the process
        self.processes[name] = subprocess.Popen(command, env={**self.env, **extra_env},
                                                stdout=log, stderr=subprocess.STDOUT)

    def counter(self, replica: int, name: str, **labels) -> float:
        text = requests.get(f"http://127.0.0.1:{self.ops_ports[replica]}/metrics", timeout=5).text
        wanted = [f'{key}="{value}"' for key, value in labels.items()]
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(name + "{") and all(part in line for part in wanted))

    def database(self, service: str) -> sa.Engine:
        return sa.create_engine(self.env[f"{service.upper()}_DATABASE_URL"])

    def log_lines(self) -> list[dict]:
        lines = []
        for path in self.logs.glob("*.log"):
            for line in path.read_text().splitlines():
                if line.startswith("{"):
                    lines.append(json.loads(line))
        return lines

    def stop(self) -> None:
        for name, process in self.processes.items():
            # gunicorn's SIGTERM waits for idle keep-alive connections; SIGQUIT does not
            process.send_signal(signal.SIGQUIT if name == "gateway" else signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    run = uuid.uuid4().hex[:8]
    api, vhost = RABBIT_API.rstrip("/"), f"test-replicas-{run}"
    requests.put(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10).raise_for_status()
    requests.put(f"{api}/api/permissions/{quote(vhost, safe='')}/guest",
                 json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10).raise_for_status()
    base = urlsplit(Config().amqp_uri)
    env = {**os.environ, "PORTAL_ENV": "test", "LOG_LEVEL": "INFO",
           "AMQP_URI": urlunsplit((base.scheme, base.netloc, "/" + quote(vhost, safe=""), "", ""))}
    for service in SERVICES:
        url = make_url(database_url(service)).set(database=f"test_{service}_replicas_{run}")
        env[f"{service.upper()}_DATABASE_URL"] = url.render_as_string(hide_password=False)
        migrate(service, env[f"{service.upper()}_DATABASE_URL"])
    smtp_port, sink_port = free_port(), free_port()
    sink = start_process("notifications.fakes.mailsink", "--smtp-port", str(smtp_port),
                         "--http-port", str(sink_port), ports=(smtp_port, sink_port))
    env.update(SMTP_PORT=str(smtp_port), MAILSINK_API_URL=f"http://127.0.0.1:{sink_port}")
    system = Cluster(env, tmp_path_factory.mktemp("replica-logs"))
    try:
        for replica in range(REPLICAS):
            port = free_port()
            system.ops_ports.append(port)
            system.spawn(f"services-{replica}", [str(BIN / "portal-run"), *SERVICES], OPS_HTTP_PORT=str(port))
        gateway_port, system.gateway_ops_port = free_port(), free_port()
        system.gateway = f"http://127.0.0.1:{gateway_port}"
        system.spawn("gateway", [str(BIN / "gunicorn"), "-c", "python:gateway.gunicorn_conf",
                                 "gateway.app:create_app()"],
                     GATEWAY_BIND=f"127.0.0.1:{gateway_port}", GUNICORN_WORKERS="2", GUNICORN_THREADS="4",
                     OPS_HTTP_PORT=str(system.gateway_ops_port),
                     PROMETHEUS_MULTIPROC_DIR=str(tmp_path_factory.mktemp("gateway-metrics")))
        for port in system.ops_ports:
            wait_until(lambda port=port: ready(f"http://127.0.0.1:{port}/readyz"), 60, "replica ready")
        wait_for_port(gateway_port, 30)
        wait_until(lambda: ready(f"{system.gateway}/readyz"), 30, "gateway ready")
        system.mail = MailSink(f"http://127.0.0.1:{sink_port}")
        yield system
    finally:
        system.stop()
        sink.terminate()
        sink.wait(10)
        for service in SERVICES:
            drop_database(env[f"{service.upper()}_DATABASE_URL"])
        requests.delete(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10)


def scalar(engine: sa.Engine, query: str):
    with engine.connect() as conn:
        return conn.execute(sa.text(query)).scalar()


def register(cluster: Cluster, serial: int, request_id: str | None = None) -> dict:
    http = requests.Session()
    if request_id:
        http.headers["X-Request-ID"] = request_id
    captcha = http.get(f"{cluster.gateway}/api/v1/captcha", timeout=15).json()
    answer = http.get(f"{cluster.gateway}/dev/captcha/{captcha['captcha_id']}", timeout=15).json()["answer"]
    form = {"first_name": "Anna", "last_name": "Kowalska", "pesel": pesel(serial),
            "address": {"street": "Wielicka", "building": "28a", "postal_code": "30-552", "city": "Kraków"},
            "email": f"replica{serial}@example.pl", "phone": "+48601234567", "login": f"replica{serial}",
            "password": "Zimowy-Spacer7", "consent_terms": True,
            "captcha_id": captcha["captcha_id"], "captcha_answer": answer}
    created = http.post(f"{cluster.gateway}/api/v1/registrations", json=form, timeout=15)
    assert created.status_code == 201, created.text
    return created.json()


def test_rpc_calls_are_shared_by_the_replicas(cluster):
    calls = 40
    before = {(replica, service): cluster.counter(replica, "portal_rpc_calls_total", service=service, method="health")
              for replica in range(REPLICAS) for service in SERVICES}
    with ClusterRpcProxy({"AMQP_URI": cluster.env["AMQP_URI"]}, timeout=15) as rpc:
        for service in SERVICES:
            for _ in range(calls):
                assert getattr(rpc, service).health()["status"] == "ok"

    def handled(replica, service):
        return cluster.counter(replica, "portal_rpc_calls_total", service=service, method="health") - before[
            replica, service]

    for service in SERVICES:
        wait_until(lambda service=service: sum(handled(r, service) for r in range(REPLICAS)) == calls, 5,
                   f"{calls} {service} calls counted")
        assert all(handled(replica, service) > 0 for replica in range(REPLICAS)), service


def test_each_event_is_published_once_and_handled_once_across_replicas(cluster):
    accounts = 10
    before = [cluster.counter(r, "portal_events_handled_total", service="notifications",
                            event="email_verification_requested") for r in range(REPLICAS)]
    for serial in range(accounts):
        register(cluster, serial)
    for serial in range(accounts):
        cluster.mail.wait_for(f"replica{serial}@example.pl")
    identity, notifications = cluster.database("identity"), cluster.database("notifications")
    with identity.begin() as conn:
        published = conn.execute(sa.text(
            "SELECT count(*), max(attempts) FROM outbox_events WHERE event_type = 'email_verification_requested' "
            "AND published_at IS NOT NULL")).one()
        # a redelivery: the relay publishes one event a second time
        conn.execute(sa.text("UPDATE outbox_events SET published_at = NULL WHERE id = "
                             "(SELECT min(id) FROM outbox_events WHERE event_type = 'email_verification_requested')"))
    assert tuple(published) == (accounts, 1)  # two relays, and each event went out once
    wait_until(lambda: scalar(identity, "SELECT count(*) FROM outbox_events WHERE published_at IS NULL") == 0,
               10, "republished")
    handled = wait_until(lambda: [
        cluster.counter(r, "portal_events_handled_total", service="notifications",
                            event="email_verification_requested") - before[r]
        for r in range(REPLICAS)] if sum(
        cluster.counter(r, "portal_events_handled_total", service="notifications",
                            event="email_verification_requested") - before[r]
        for r in range(REPLICAS)) == accounts + 1 else None, 10, "redelivery consumed")
    assert all(count > 0 for count in handled), handled  # both replicas took events
    assert scalar(notifications, "SELECT count(*) FROM processed_events "
                                 "WHERE event_type = 'email_verification_requested'") == accounts
    recipients = [m["rcpt_to"][0] for m in cluster.mail.messages() if m["rcpt_to"][0].startswith("replica")]
    assert sorted(recipients) == sorted({f"replica{serial}@example.pl" for serial in range(accounts)})
    identity.dispose()
    notifications.dispose()


def test_a_session_opened_through_one_replica_works_through_every_replica(cluster):
    account = register(cluster, 100)
    with cluster.database("identity").begin() as conn:  # skip the e-mail step: not what is tested here
        conn.execute(sa.text("UPDATE accounts SET email_verified_at = now() WHERE id = :id"),
                     {"id": account["account_id"]})
    login = requests.post(f"{cluster.gateway}/api/v1/sessions",
                          json={"login": "replica100", "password": "Zimowy-Spacer7"}, timeout=15)
    assert login.status_code == 201, login.text
    token = login.json()["token"]
    before = [cluster.counter(r, "portal_rpc_calls_total", service="identity", method="session_account")
              for r in range(REPLICAS)]
    for _ in range(20):
        me = requests.get(f"{cluster.gateway}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=15)
        assert me.status_code == 200 and me.json()["login"] == "replica100"
    served = wait_until(lambda: [cluster.counter(r, "portal_rpc_calls_total", service="identity",
                                                 method="session_account") - before[r] for r in range(REPLICAS)]
                        if sum(cluster.counter(r, "portal_rpc_calls_total", service="identity",
                                               method="session_account") - before[r]
                               for r in range(REPLICAS)) == 20 else None, 5, "calls counted")
    assert all(count > 0 for count in served), served


def test_one_request_is_followed_through_three_services_by_its_request_id(cluster):
    request_id = f"trace-{uuid.uuid4().hex}"
    register(cluster, 200, request_id=request_id)
    cluster.mail.wait_for("replica200@example.pl")

    def services_that_logged_it():
        found = {line.get("service") for line in cluster.log_lines() if line.get("request_id") == request_id}
        return found if {"gateway", "identity", "notifications"} <= found else None

    assert wait_until(services_that_logged_it, 10, "log lines of the three services")


def test_the_gateway_exports_the_sum_of_its_workers_metrics(cluster):
    def registrations_counted() -> float:
        text = requests.get(f"http://127.0.0.1:{cluster.gateway_ops_port}/metrics", timeout=5).text
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith("portal_http_requests_total{")
                   and 'route="/api/v1/registrations"' in line and 'status="201"' in line)

    before = registrations_counted()
    register(cluster, 300)
    register(cluster, 301)
    assert registrations_counted() == before + 2
