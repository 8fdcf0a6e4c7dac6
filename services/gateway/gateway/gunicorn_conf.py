"""gunicorn settings for the gateway: threads (gunicorn has no eventlet worker any more)."""
import os

bind = os.environ.get("GATEWAY_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 30
graceful_timeout = 10
accesslog = None  # the app logs each request as JSON with its request id


def post_worker_init(worker):
    """Build the chatbot's index while the worker already serves other requests (it takes
    seconds: simplemma's dictionaries); a chat request meanwhile waits for it."""
    import threading

    threading.Thread(target=worker.wsgi.extensions["chatbot"].languages, daemon=True,
                     name="chatbot-warm-up").start()


def when_ready(server):
    """Prometheus metrics of all workers on OPS_HTTP_PORT (Kubernetes and compose set it)."""
    from gateway import metrics

    port = int(os.environ.get("OPS_HTTP_PORT", "0"))
    if port and metrics.multiprocess_enabled():
        metrics.serve_multiprocess(port)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
