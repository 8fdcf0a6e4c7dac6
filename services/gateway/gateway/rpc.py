"""One pool of RPC clients per gateway process, sized to its threads, with explicit timeouts.

A request borrows a connected `ClusterRpcProxy`, calls through a contract, and returns it.
A broker that is away or a service that does not answer in time becomes `ServiceUnavailable`
(HTTP 503 with Retry-After); typed errors from services pass through unchanged.
"""
import queue
import threading

import structlog
from kombu.exceptions import OperationalError
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

from portal_shared.contracts.base import RpcMethod
from portal_shared.errors import ServiceUnavailable

log = structlog.get_logger()
UNAVAILABLE = (RpcTimeout, UnknownService, OperationalError, OSError, ConnectionError)


class RpcPool:
    def __init__(self, nameko_config: dict, size: int, timeout: float):
        self.config = nameko_config
        self.timeout = timeout
        self._idle: queue.LifoQueue = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)

    def call(self, method: RpcMethod, request_id: str | None = None, **kwargs):
        if not self._slots.acquire(timeout=self.timeout):
            raise ServiceUnavailable()
        proxy = None
        try:
            proxy = self._borrow()
            proxy._worker_ctx.data["request_id"] = request_id
            result = method(proxy, **kwargs)
        except UNAVAILABLE as exc:
            log.warning("rpc_unavailable", service=method.service, method=method.name,
                        error=repr(exc))
            self._discard(proxy)
            proxy = None
            raise ServiceUnavailable() from exc
        finally:
            if proxy is not None:
                self._idle.put(proxy)
            self._slots.release()
        return result

    def _borrow(self):
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            runner = ClusterRpcProxy(self.config, timeout=self.timeout)
            proxy = runner.start()
            proxy._runner = runner
            return proxy

    @staticmethod
    def _discard(proxy) -> None:
        if proxy is None:
            return
        try:
            proxy._runner.stop()
        except Exception as exc:  # a broken connection may fail to close; it is dropped anyway
            log.debug("rpc_proxy_close_failed", error=repr(exc))

    def close(self) -> None:
        while True:
            try:
                self._discard(self._idle.get_nowait())
            except queue.Empty:
                return
