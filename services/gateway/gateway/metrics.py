"""The gateway's Prometheus metrics: HTTP requests by route, method and status, and latency.

Under gunicorn each worker is a process: with `PROMETHEUS_MULTIPROC_DIR` set (before anything
imports prometheus_client) the workers write their samples there and the master serves the
sum on `OPS_HTTP_PORT` (see `gunicorn_conf.py`), away from the public port.
"""
import os
import time

from flask import g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess, start_http_server

REQUESTS = Counter("portal_http_requests_total", "HTTP requests answered",
                   ["route", "method", "status"])
LATENCY = Histogram("portal_http_request_latency_seconds", "Time to answer an HTTP request",
                    ["route", "method"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))


def start_timer() -> None:
    g.request_started = time.perf_counter()


def observe(response) -> None:
    # The route's pattern, not the path: ids in paths would make a series per taxpayer.
    route = request.url_rule.rule if request.url_rule else "unmatched"
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    started = g.get("request_started")
    if started is not None:
        LATENCY.labels(route, request.method).observe(time.perf_counter() - started)


def serve_multiprocess(port: int) -> None:
    """The gunicorn master's exporter: the sum of every worker's samples."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    start_http_server(port, registry=registry)


def multiprocess_enabled() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
