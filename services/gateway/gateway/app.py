"""`create_app()`: the gateway's Flask application. Wiring happens here and only here."""
import os
import uuid

import redis
import structlog
from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway import blueprints, errors, idempotency, limits, metrics, openapi, security, web
from gateway.chatbot import Chatbot
from gateway.chatbot.limits import SlidingWindowLimit
from gateway.content import ContentLibrary
from portal_shared.config import Config
from portal_shared.logging import configure_logging
from portal_shared.rpc_client import RpcPool

log = structlog.get_logger()


def create_app(config: Config | None = None, rpc_pool: RpcPool | None = None) -> Flask:
    config = config or Config()
    configure_logging("gateway", config.log_level)
    app = Flask(__name__)
    app.config.update(PORTAL=config, SECRET_KEY=config.secret_key, JSON_SORT_KEYS=False,
                      MAX_CONTENT_LENGTH=1024 * 1024)
    if config.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies,
                                x_proto=config.trusted_proxies, x_host=config.trusted_proxies)
    app.extensions["rpc"] = rpc_pool or RpcPool(
        config.nameko_config(), size=int(_threads()), timeout=config.rpc_timeout_seconds)
    app.extensions["idempotency"] = idempotency.IdempotencyStore(
        redis.Redis.from_url(config.redis_url, socket_timeout=2, socket_connect_timeout=2),
        config.redis_key_prefix)
    app.extensions["content"] = ContentLibrary(config.content_dir)
    app.before_request(metrics.start_timer)
    app.before_request(_bind_request_id)
    security.init_app(app, config)
    limits.init_app(app, config)
    app.before_request(idempotency.before_request)
    app.after_request(idempotency.after_request)
    app.extensions["chatbot"] = Chatbot(config.knowledge_base_dir)
    app.extensions["chatbot_limit"] = SlidingWindowLimit()
    for blueprint in (*blueprints.ALWAYS, openapi.bp):
        app.register_blueprint(blueprint)
    if config.dev_tools_enabled:
        for blueprint in blueprints.DEVELOPMENT:
            app.register_blueprint(blueprint)
    web.init_app(app)
    errors.register(app)
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
    response.headers.setdefault("Cache-Control", "no-store")
    log.info("http_request", method=request.method, path=request.path,
             status=response.status_code)
    metrics.observe(response)
    structlog.contextvars.unbind_contextvars("request_id")
    return response
