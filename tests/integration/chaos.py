"""Kill-and-restart harness: the whole system on private servers, services as real processes.

A `Scenario` is a workload driver plus an invariant checker. `ChaosRun` starts a private
PostgreSQL and RabbitMQ (see `portal_shared.faults`), migrates the scenario's databases, runs
each service with `portal-run` as its own process, drives the workload through the gateway's
Flask app while a killer SIGKILLs a random target at random moments and restarts it, then waits
for the system to settle and asks the checker what was lost or duplicated.

To add a scenario: subclass `Scenario`, name its `services` and `kill_targets`, make `prepare()`
set up what the work needs, `drive_one()` do one unit of work through the gateway (or a staff
RPC) and return what was promised, and `check()` compare that with what the system answers.
Scenarios: `chaos_registration.py`, `chaos_ledger.py`, `chaos_declarations.py`.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from portal_shared.config import Config
from portal_shared.contracts.common import health
from portal_shared.faults import PrivatePostgres, PrivateRabbit
from portal_shared.migrate import migrate
from portal_shared.testing import MailSink, free_port, start_process

SETTLE_SECONDS = 60.0
# Notifications' sweep, short: an e-mail whose sender was killed between commit and SMTP is sent
# again within seconds rather than the production minutes (the environment may override these).
SHORT_SWEEP = {"NOTIFY_SWEEP_SECONDS": "2", "NOTIFY_REQUEUE_AFTER_SECONDS": "3", "NOTIFY_RESEND_AFTER_SECONDS": "10"}
SWEEP_PATIENCE = 16.0  # resend window + two sweeps + sending: how long a stranded e-mail may wait


@dataclass
class Report:
    requests: int = 0
    accepted: int = 0
    kills: int = 0
    lost: list = field(default_factory=list)
    duplicated: list = field(default_factory=list)
    stranded: list = field(default_factory=list)  # kept but not delivered (awaiting a resend)
    notes: dict = field(default_factory=dict)

    def summary(self) -> str:
        extra = " ".join(f"{k}={v}" for k, v in self.notes.items())
        return (f"kills={self.kills} requests={self.requests} accepted={self.accepted} "
                f"lost={len(self.lost)} duplicated={len(self.duplicated)} stranded={len(self.stranded)} "
                f"{extra}").strip()


class ServiceProcess:
    """`portal-run <service>` as a child process that can be SIGKILLed and started again."""

    def __init__(self, name: str, env: dict, log_dir: str):
        self.name = name
        self.env = env
        self.log_path = os.path.join(log_dir, f"{name}.log")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115  kept by the child
        self.process = subprocess.Popen([sys.executable, "-m", "portal_shared.runner", self.name],
                                        env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()

    def stop(self) -> None:
        self.terminate()
        if self.process and self.process.poll() is None:
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class System:
    """Private servers, service processes, the mail sink and an in-process gateway."""

    def __init__(self, services: tuple[str, ...], postgres: PrivatePostgres | None = None,
                 rabbit: PrivateRabbit | None = None, rpc_timeout: float = 4.0):
        self.services = services
        self.rpc_timeout = rpc_timeout
        self._own_servers = postgres is None
        self.postgres = postgres
        self.rabbit = rabbit
        self.log_dir = tempfile.mkdtemp(prefix="chaos-logs-")
        self.processes: dict[str, ServiceProcess] = {}
        self.sink_process = None

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        if self._own_servers:
            self.postgres, self.rabbit = PrivatePostgres(), PrivateRabbit()
            self.postgres.start()
            self.rabbit.start()
        smtp_port, http_port = free_port(), free_port()
        self.sink_process = start_process("notifications.fakes.mailsink", "--smtp-port", str(smtp_port),
                                          "--http-port", str(http_port), ports=(smtp_port, http_port))
        self.mail_sink = MailSink(f"http://127.0.0.1:{http_port}")
        env = {**SHORT_SWEEP, **os.environ, "AMQP_URI": self.rabbit.amqp_uri, "SMTP_PORT": str(smtp_port),
               "PORTAL_ENV": "test", "LOG_LEVEL": "WARNING"}
        self.engines = {}
        for name in self.services:
            url = self.postgres.url(f"portal_{name}")
            migrate(name, url)
            env[f"{name.upper()}_DATABASE_URL"] = url
            self.engines[name] = sa.create_engine(url, pool_pre_ping=True)
        self.nameko_config = {**Config().nameko_config(), "AMQP_URI": self.rabbit.amqp_uri}
        for name in self.services:
            self.processes[name] = ServiceProcess(name, env, self.log_dir)
            self.processes[name].start()
        self.gateway = self._gateway()
        for name in self.services:
            self.wait_ready(name)

    def _gateway(self):
        from gateway.app import create_app
        from portal_shared.rpc_client import RpcPool

        self.pool = RpcPool(self.nameko_config, size=6, timeout=self.rpc_timeout)
        return create_app(Config(environment="test", amqp_uri=self.rabbit.amqp_uri, log_level="WARNING"),
                          self.pool)

    def wait_ready(self, name: str, timeout: float = 60.0) -> None:
        """Until the service answers its health RPC (it consumes from its queues)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.pool.call(health(name))
                return
            except Exception:  # not consuming yet
                if self.processes[name].process.poll() is not None:
                    raise RuntimeError(f"{name} exited; see {self.processes[name].log_path}") from None
                time.sleep(0.2)
        raise TimeoutError(f"{name} did not answer its health check")

    def restart(self, name: str) -> float:
        """SIGKILL `name`, start it again; returns the seconds it took to answer again."""
        self.processes[name].kill()
        began = time.monotonic()
        self.processes[name].start()
        self.wait_ready(name)
        return time.monotonic() - began

    def query(self, service: str, sql: str, **params) -> list:
        with self.engines[service].connect() as conn:
            return conn.execute(sa.text(sql), params).all()

    def __exit__(self, *exc):
        for process in self.processes.values():
            process.terminate()   # all at once: each may take seconds to finish its workers
        for process in self.processes.values():
            process.stop()
        if getattr(self, "pool", None):
            self.pool.close()
        for engine in getattr(self, "engines", {}).values():
            engine.dispose()
        if self.sink_process:
            self.sink_process.terminate()
            self.sink_process.wait(10)
        if self._own_servers:
            for server in (self.rabbit, self.postgres):
                if server:
                    server.remove()
        if not os.environ.get("CHAOS_KEEP_LOGS"):  # set it to read the services' logs afterwards
            shutil.rmtree(self.log_dir, ignore_errors=True)


class Scenario:
    """What the lead extends: which services run, which are killed, one unit of work, the check."""
    services: tuple[str, ...] = ()
    kill_targets: tuple[str, ...] = ()

    def prepare(self, system: "System") -> None:
        """Once, before the traffic and the kills: data the work needs (taxpayers, liabilities)."""

    def drive_one(self, client, number: int) -> dict:
        """One unit of work through the gateway; returns a record the checker understands."""
        raise NotImplementedError

    def check(self, system: System, records: list[dict], report: Report) -> None:
        """Fill `report.lost` and `report.duplicated` (empty when every invariant holds)."""
        raise NotImplementedError


class CheckedClient:
    """The gateway's test client, noting every answer that breaks the API's promise under
    faults: a 5xx other than 503, or an error body not in the documented shape."""

    def __init__(self, client, violations: list):
        self.client = client
        self.violations = violations

    def __getattr__(self, verb):
        def request(*args, **kwargs):
            response = getattr(self.client, verb)(*args, **kwargs)
            body = response.get_json(silent=True)
            if response.status_code >= 500 and (response.status_code != 503 or not (
                    isinstance(body, dict) and body.get("error", {}).get("code") == "service_unavailable")):
                self.violations.append((verb, args[0] if args else "", response.status_code, body))
            return response
        return request


class Traffic:
    """Workers driving the scenario through the gateway until the block ends."""

    def __init__(self, scenario: Scenario, system: System, workers: int = 2):
        self.scenario = scenario
        self.system = system
        self.records: list[dict] = []
        self.violations: list = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._numbers = iter(range(10**9))
        self._threads = [threading.Thread(target=self._drive, daemon=True) for _ in range(workers)]

    def _drive(self):
        client = CheckedClient(self.system.gateway.test_client(), self.violations)
        while not self._stop.is_set():
            with self._lock:
                number = next(self._numbers)
            record = self.scenario.drive_one(client, number)
            with self._lock:
                self.records.append(record)

    def wait_for(self, predicate, timeout: float = 60.0) -> None:
        """Until `predicate(records)` holds (e.g. the traffic saw the outage or the recovery)."""
        deadline = time.monotonic() + timeout
        while not predicate(list(self.records)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"traffic never reached the expected state; last {self.records[-3:]}")
            time.sleep(0.1)

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(60)


def check(scenario: Scenario, system: System, traffic: Traffic, report: Report | None = None) -> Report:
    """Wait for the system to settle (redeliveries, the outbox), then check the invariants."""
    report = report or Report()
    report.requests = len(traffic.records)
    report.notes["bad_responses"] = len(traffic.violations)
    _settle(scenario, system, traffic.records, report)
    return report


def run(scenario: Scenario, *, kills: int, seed: int, system: System | None = None,
        pause: tuple[float, float] = (0.3, 1.5), workers: int = 2, log=print) -> Report:
    """Drive the workload while killing; stop after `kills` kills; settle; check."""
    rng = random.Random(seed)
    report = Report()
    restart_seconds = []
    with _system_or(system, scenario) as running:
        scenario.prepare(running)
        with Traffic(scenario, running, workers) as traffic:
            for _ in range(kills):
                time.sleep(rng.uniform(*pause))
                restart_seconds.append(running.restart(rng.choice(scenario.kill_targets)))
                report.kills += 1
                if report.kills % 10 == 0:
                    log(f"  {report.kills} kills, {len(traffic.records)} requests")
            time.sleep(pause[1])  # some work after the last restart too
        report.notes["max_restart_s"] = round(max(restart_seconds, default=0), 1)
        check(scenario, running, traffic, report)
    return report


def _settle(scenario, system, records, report, quiet_seconds: float = 5.0) -> None:
    """Redeliveries and the outbox finish in their own time: check until clean, or until the
    findings stop changing for `quiet_seconds` (what is left then stays), or out of time.
    Stranded e-mails get the longer `SWEEP_PATIENCE`: the sweep sends them, but not at once."""
    deadline = time.monotonic() + SETTLE_SECONDS
    last, unchanged_since = None, time.monotonic()
    while True:
        report.lost, report.duplicated, report.stranded = [], [], []
        scenario.check(system, records, report)
        findings = (report.lost, report.duplicated, report.stranded)
        if findings != last:
            last, unchanged_since = findings, time.monotonic()
        patience = max(quiet_seconds, SWEEP_PATIENCE) if report.stranded else quiet_seconds
        if not any(findings) or time.monotonic() > min(deadline, unchanged_since + patience):
            return
        time.sleep(0.5)


def deliveries_by_message_id(mails: list[dict]) -> tuple[dict[str, list[dict]], int]:
    """E-mails from the sink grouped by their Message-ID, and how many were repeats. A sender
    killed after the SMTP server accepted a message, but before it recorded `sent`, sends it again
    after the sweep's resend window (at least once); the repeat carries the same Message-ID, by
    which real mail systems drop it. So one Message-ID is one delivery; a second Message-ID for
    the same promise is a real duplicate."""
    by_id = {}
    for mail in mails:
        by_id.setdefault(mail["message_id"], []).append(mail)
    return by_id, len(mails) - len(by_id)


class _system_or:
    def __init__(self, system, scenario):
        self.given = system
        self.scenario = scenario

    def __enter__(self):
        if self.given is not None:
            return self.given
        self.own = System(self.scenario.services)
        return self.own.__enter__()

    def __exit__(self, *exc):
        if self.given is None:
            self.own.__exit__(*exc)
