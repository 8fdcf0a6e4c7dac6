"""Prometheus metrics of every service process, and its own probes for Kubernetes.

`Metrics` (a dependency every service gets through the `HealthCheck` mixin) counts RPC calls
and handled events with their outcome and latency. The outbox backlog (rows not yet published
and the age of the oldest) is read from the database when Prometheus scrapes, so it costs
nothing between scrapes. `serve_ops_http(port)` answers on the process's own port:
`/metrics`, `/livez` (the event loop answers and no service container died) and `/readyz`
(the broker and every service's database answer from this very process: a probe that another
replica could answer, like the health RPC, would not say anything about this pod).
"""
import json
import time
from weakref import WeakKeyDictionary

import eventlet
import eventlet.wsgi
import sqlalchemy as sa
import structlog
from kombu import Connection
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from prometheus_client import REGISTRY, Counter, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily

log = structlog.get_logger()
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

RPC_CALLS = Counter("portal_rpc_calls_total", "RPC calls handled, by outcome",
                    ["service", "method", "outcome"])
RPC_LATENCY = Histogram("portal_rpc_latency_seconds", "Time to handle an RPC call",
                        ["service", "method"], buckets=LATENCY_BUCKETS)
EVENTS = Counter("portal_events_handled_total", "Events consumed, by outcome",
                 ["service", "source", "event", "outcome"])
EVENT_LATENCY = Histogram("portal_event_latency_seconds", "Time to handle an event",
                          ["service", "source", "event"], buckets=LATENCY_BUCKETS)

# The Metrics providers of this process's live containers (several in tests and `portal-run a b`).
_providers: set = set()


def outcome_of(entrypoint, exc_info) -> str:
    if exc_info is None:
        return "ok"
    expected = getattr(entrypoint, "expected_exceptions", ())
    return "refused" if expected and issubclass(exc_info[0], expected) else "error"


class Metrics(DependencyProvider):
    def __init__(self):
        self._started = WeakKeyDictionary()  # not in worker_ctx.data: that travels to callees

    def setup(self):
        _providers.add(self)

    def stop(self):
        _providers.discard(self)

    def kill(self):
        self.stop()

    def worker_setup(self, worker_ctx):
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self._started.pop(worker_ctx, None)
        if started is None:
            return
        elapsed = time.perf_counter() - started
        entrypoint, service = worker_ctx.entrypoint, worker_ctx.service_name
        outcome = outcome_of(entrypoint, exc_info)
        if isinstance(entrypoint, Rpc):
            RPC_CALLS.labels(service, entrypoint.method_name, outcome).inc()
            RPC_LATENCY.labels(service, entrypoint.method_name).observe(elapsed)
        elif isinstance(entrypoint, EventHandler):
            EVENTS.labels(service, entrypoint.source_service, entrypoint.event_type, outcome).inc()
            EVENT_LATENCY.labels(service, entrypoint.source_service,
                                 entrypoint.event_type).observe(elapsed)


def _databases() -> dict:
    """One database provider per service name (replicas in one process share a database)."""
    from portal_shared.db import Database

    found = {}
    for provider in list(_providers):
        container = provider.container
        for dependency in container.dependencies:
            if isinstance(dependency, Database) and dependency.engine is not None:
                found.setdefault(container.service_name, dependency)
    return found


OUTBOX_BACKLOG = sa.text(
    "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0) "
    "FROM outbox_events WHERE published_at IS NULL")


class OutboxCollector:
    """Unpublished outbox rows and the age of the oldest one: the relay's lag."""

    def collect(self):
        unpublished = GaugeMetricFamily("portal_outbox_unpublished_events",
                                        "Outbox rows not yet published", labels=["service"])
        lag = GaugeMetricFamily("portal_outbox_lag_seconds",
                                "Age of the oldest unpublished outbox row", labels=["service"])
        for service, database in _databases().items():
            try:
                with database.engine.connect() as conn:
                    count, age = conn.execute(OUTBOX_BACKLOG).one()
            except sa.exc.SQLAlchemyError as exc:
                log.warning("outbox_metrics_failed", service=service, error=str(exc))
                continue
            unpublished.add_metric([service], count)
            lag.add_metric([service], float(age))
        yield unpublished
        yield lag


REGISTRY.register(OutboxCollector())


def liveness() -> tuple[bool, dict]:
    # nameko sets a container's `_died` when a managed thread or an extension crashed it
    died = [p.container.service_name for p in list(_providers) if p.container._died.ready()]
    return not died, {"died": died}


def readiness(amqp_uri: str) -> tuple[bool, dict]:
    checks = {}
    for service, database in _databases().items():
        try:
            with database.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            checks[f"{service}_database"] = "ok"
        except sa.exc.SQLAlchemyError as exc:
            checks[f"{service}_database"] = f"failed: {exc.__class__.__name__}"
    try:
        with Connection(amqp_uri, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
        checks["broker"] = "ok"
    except Exception as exc:  # any failure to reach the broker means "not ready"
        checks["broker"] = f"failed: {exc.__class__.__name__}"
    return all(value == "ok" for value in checks.values()) and bool(_providers), checks


def ops_app(amqp_uri: str):
    metrics = make_wsgi_app()

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return metrics(environ, start_response)
        if path in ("/livez", "/readyz"):
            healthy, checks = liveness() if path == "/livez" else readiness(amqp_uri)
            status = "200 OK" if healthy else "503 Service Unavailable"
            body = json.dumps(checks).encode()
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    return app


def serve_ops_http(port: int, amqp_uri: str) -> None:
    """Serve /metrics, /livez and /readyz on `port` from a green thread of this process."""
    listener = eventlet.listen(("0.0.0.0", port))  # noqa: S104  the pod's port, for the kubelet
    eventlet.spawn_n(eventlet.wsgi.server, listener, ops_app(amqp_uri), log_output=False)
