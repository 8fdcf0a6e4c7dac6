"""`create_app()`: the gateway's Flask application. Wiring happens here and only here."""
import os
import uuid

import structlog
from flask import Flask, g, request

from gateway import blueprints, errors, metrics, openapi
from gateway.rpc import RpcPool
from portal_shared.config import Config
from portal_shared.logging import configure_logging

log = structlog.get_logger()


def create_app(config: Config | None = None, rpc_pool: RpcPool | None = None) -> Flask:
    config = config or Config()
    configure_logging("gateway", config.log_level)
    app = Flask(__name__)
    app.config.update(PORTAL=config, SECRET_KEY=config.secret_key, JSON_SORT_KEYS=False,
                      MAX_CONTENT_LENGTH=1024 * 1024)
    app.extensions["rpc"] = rpc_pool or RpcPool(
        config.nameko_config(), size=int(_threads()), timeout=config.rpc_timeout_seconds)
    for blueprint in (*blueprints.ALWAYS, openapi.bp):
        app.register_blueprint(blueprint)
    if config.dev_tools_enabled:
        for blueprint in blueprints.DEVELOPMENT:
            app.register_blueprint(blueprint)
    errors.register(app)
    app.before_request(metrics.start_timer)
    app.before_request(_bind_request_id)
    app.after_request(_finish_response)
    return app


def _threads() -> int:
    """One RPC client per gunicorn thread, and two spare."""
    return int(os.environ.get("GUNICORN_THREADS", "8")) + 2


def _bind_request_id():
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if 8 <= len(incoming) <= 64 and incoming.isascii() else uuid.uuid4().hex
    structlog.contextvars.bind_contextvars(request_id=g.request_id)


def _finish_response(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")
    log.info("http_request", method=request.method, path=request.path,
             status=response.status_code)
    metrics.observe(response)
    structlog.contextvars.unbind_contextvars("request_id")
    return response
