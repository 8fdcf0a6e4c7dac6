"""structlog JSON logging; every line carries the nameko call id and the request id.

`configure_logging()` is called once per process. Inside a nameko worker the
`LoggingContext` dependency binds `call_id`, `call_id_stack` and `request_id` to the
worker's context, so one request can be followed through every service by one id.
"""
import logging
import sys

import structlog
from nameko.extensions import DependencyProvider

_configured = False


def configure_logging(service: str, level: str = "INFO") -> None:
    global _configured
    if _configured:
        return
    _configured = True

    def add_service(_logger, _method, event_dict):
        # A processor, not a context variable: request threads (gunicorn's gthread) and green
        # threads start with empty context variables, and their lines must name the service too.
        event_dict.setdefault("service", service)
        return event_dict

    shared_processors = [
        structlog.contextvars.merge_contextvars,
        add_service,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared_processors, structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    # Library logs (nameko, kombu) go through the same JSON renderer.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.JSONRenderer()],
        foreign_pre_chain=[*shared_processors, structlog.stdlib.ExtraAdder()],
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # nameko logs every expected error (a wrong code, a bad form) with its traceback as a
    # warning; those are answers to callers, not faults. Unexpected errors still log.
    logging.getLogger("nameko.containers").setLevel(logging.ERROR)


def worker_log_fields(worker_ctx) -> dict:
    data = worker_ctx.context_data
    return {
        "service": worker_ctx.service_name,
        "entrypoint": worker_ctx.entrypoint.method_name,
        "call_id": worker_ctx.call_id,
        "call_id_stack": list(worker_ctx.call_id_stack),
        "request_id": data.get("request_id"),
    }


class LoggingContext(DependencyProvider):
    """Binds the worker's ids to every log line it writes; gives the worker a bound logger."""

    def worker_setup(self, worker_ctx):
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(**worker_log_fields(worker_ctx))

    def worker_teardown(self, worker_ctx):
        structlog.contextvars.clear_contextvars()

    def get_dependency(self, worker_ctx):
        return structlog.get_logger()
