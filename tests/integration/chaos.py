"""Kill-and-restart harness: the whole system on private servers, services as real processes.

A `Scenario` is a workload driver plus an invariant checker. `ChaosRun` starts a private
PostgreSQL and RabbitMQ (see `portal_shared.faults`), migrates the scenario's databases, runs
each service with `portal-run` as its own process, drives the workload through the gateway's
Flask app while a killer SIGKILLs a random target at random moments and restarts it, then waits
for the system to settle and asks the checker what was lost or duplicated.

To add a scenario (ledger statement imports, declaration submissions): subclass `Scenario`,
name its `services` and `kill_targets`, make `drive_one()` do one unit of work through the
gateway and return what was promised, and make `check()` compare that with the databases.
"""
import os
import random
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


@dataclass
class Report:
    requests: int = 0
    accepted: int = 0
    kills: int = 0
    lost: list = field(default_factory=list)
    duplicated: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)

    def summary(self) -> str:
        extra = " ".join(f"{k}={v}" for k, v in self.notes.items())
        return (f"kills={self.kills} requests={self.requests} accepted={self.accepted} "
                f"lost={len(self.lost)} duplicated={len(self.duplicated)} {extra}").strip()


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

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
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
        env = {**os.environ, "AMQP_URI": self.rabbit.amqp_uri, "SMTP_PORT": str(smtp_port),
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
        from gateway.rpc import RpcPool

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

    def query(self, service: str, sql: str) -> list:
        with self.engines[service].connect() as conn:
            return conn.execute(sa.text(sql)).all()

    def __exit__(self, *exc):
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


class Scenario:
    """What the lead extends: which services run, which are killed, one unit of work, the check."""
    services: tuple[str, ...] = ()
    kill_targets: tuple[str, ...] = ()

    def drive_one(self, client, number: int) -> dict:
        """One unit of work through the gateway; returns a record the checker understands."""
        raise NotImplementedError

    def check(self, system: System, records: list[dict], report: Report) -> None:
        """Fill `report.lost` and `report.duplicated` (empty when every invariant holds)."""
        raise NotImplementedError


def run(scenario: Scenario, *, kills: int, seed: int, system: System | None = None,
        pause: tuple[float, float] = (0.3, 1.5), workers: int = 2, log=print) -> Report:
    """Drive the workload while killing; stop after `kills` kills; settle; check."""
    rng = random.Random(seed)
    report = Report()
    records: list[dict] = []
    lock = threading.Lock()
    stop = threading.Event()
    counter = iter(range(10**9))

    def drive():
        client = system.gateway.test_client()
        while not stop.is_set():
            with lock:
                number = next(counter)
            record = scenario.drive_one(client, number)
            with lock:
                records.append(record)

    with _system_or(system, scenario) as running:
        system = running
        drivers = [threading.Thread(target=drive, daemon=True) for _ in range(workers)]
        for thread in drivers:
            thread.start()
        for _ in range(kills):
            time.sleep(rng.uniform(*pause))
            target = rng.choice(scenario.kill_targets)
            system.restart(target)
            report.kills += 1
            if report.kills % 10 == 0:
                log(f"  {report.kills} kills, {len(records)} requests")
        time.sleep(pause[1])  # some work after the last restart too
        stop.set()
        for thread in drivers:
            thread.join(60)
        report.requests = len(records)
        _settle(scenario, system, records, report)
    return report


def _settle(scenario, system, records, report) -> None:
    """Redeliveries and the outbox finish in their own time: check until clean or out of time."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        report.lost, report.duplicated = [], []
        scenario.check(system, records, report)
        if (not report.lost and not report.duplicated) or time.monotonic() > deadline:
            return
        time.sleep(0.5)


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
