"""gunicorn for the monolith baseline: the gateway's worker settings, on its own port."""
import os

from gateway.gunicorn_conf import graceful_timeout, threads, timeout, worker_class, workers  # noqa: F401

bind = os.environ.get("BASELINE_BIND", "127.0.0.1:8001")
accesslog = None
