"""An RPC client for callers outside nameko (the gateway, the staff tool): a pool of AMQP
connections speaking nameko's RPC protocol.

nameko's `ClusterRpcProxy` takes a pooled connection, publishes with confirms and polls a
consumer on every call; on this machine that is a third of what the broker can do. This
client keeps, per pool slot, one connection with its own exclusive reply queue and sends
requests without confirms (a lost request ends in the same timeout as a lost service).
The wire format is nameko's own, so services need no change:
request `{"args": [], "kwargs": {...}}` to exchange `nameko-rpc` with routing key
`<service>.<method>`, `reply_to` and `correlation_id`; reply `{"result": ..., "error": ...}`
where `error` is rebuilt with `nameko.exceptions.deserialize` (typed errors stay typed).

A request borrows a client, calls through a contract, and gives it back. A broker that is
away or a service that does not answer in time becomes `ServiceUnavailable` (HTTP 503).
"""
import json
import queue
import threading
import time
import uuid
from urllib.parse import unquote, urlsplit

import amqp
import structlog
from nameko.exceptions import deserialize

from portal_shared.contracts.base import RpcMethod
from portal_shared.errors import ServiceUnavailable

log = structlog.get_logger()
RPC_EXCHANGE = "nameko-rpc"


class RpcTimeout(Exception):
    pass


class RpcClient:
    """One connection, one channel, one reply queue. Not thread-safe: one caller at a time."""

    def __init__(self, amqp_uri: str):
        parts = urlsplit(amqp_uri)
        self.connection = amqp.Connection(
            host=f"{parts.hostname or '127.0.0.1'}:{parts.port or 5672}",
            userid=unquote(parts.username or "guest"), password=unquote(parts.password or "guest"),
            virtual_host=unquote(parts.path[1:]) if len(parts.path) > 1 else "/",
            connect_timeout=5, heartbeat=0)
        self.connection.connect()
        self.channel = self.connection.channel()
        # As nameko declares it: the gateway may start (or the broker come back empty) before
        # any service, and binding to a missing exchange would fail every call until then.
        self.channel.exchange_declare(RPC_EXCHANGE, "topic", durable=True, auto_delete=False)
        self.reply_queue, _, _ = self.channel.queue_declare(
            queue=f"rpc.reply-gateway-{uuid.uuid4()}", exclusive=True, auto_delete=True)
        self.channel.queue_bind(self.reply_queue, exchange=RPC_EXCHANGE, routing_key=self.reply_queue)
        self.channel.basic_consume(self.reply_queue, callback=self._on_reply, no_ack=True)
        self._replies: dict[str, dict] = {}

    def _on_reply(self, message) -> None:
        self._replies[message.properties.get("correlation_id")] = json.loads(message.body)

    def call(self, service: str, method: str, kwargs: dict, headers: dict, timeout: float):
        correlation_id = str(uuid.uuid4())
        self.channel.basic_publish(
            amqp.Message(json.dumps({"args": [], "kwargs": kwargs}), content_type="application/json",
                         content_encoding="utf-8", reply_to=self.reply_queue,
                         correlation_id=correlation_id, application_headers=headers),
            exchange=RPC_EXCHANGE, routing_key=f"{service}.{method}")
        deadline = time.monotonic() + timeout
        while correlation_id not in self._replies:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RpcTimeout(f"{service}.{method}")
            try:
                self.connection.drain_events(timeout=remaining)
            except TimeoutError:
                continue
        reply = self._replies.pop(correlation_id)
        self._replies.clear()  # late replies of earlier, timed-out calls
        if reply.get("error"):
            raise deserialize(reply["error"])
        return reply["result"]

    def alive(self) -> bool:
        """False when the broker closed the connection while the client sat idle in the pool
        (a broker restart): reading the pending close frame (or the reset) says so."""
        try:
            self.connection.drain_events(timeout=0)
        except TimeoutError:
            return True
        except (OSError, amqp.exceptions.AMQPError):
            return False
        return self.connection.connected

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception as exc:  # a broken connection may fail to close; it is dropped anyway
            log.debug("rpc_client_close_failed", error=repr(exc))


class RpcPool:
    """At most `size` clients, one per concurrent request (size it to the server's threads)."""

    def __init__(self, nameko_config: dict, size: int, timeout: float):
        self.amqp_uri = nameko_config["AMQP_URI"]
        self.timeout = timeout
        self._idle: queue.LifoQueue = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)

    def call(self, method: RpcMethod, request_id: str | None = None, **kwargs):
        if not self._slots.acquire(timeout=self.timeout):
            raise ServiceUnavailable()
        client = None
        try:
            client = self._borrow()
            headers = {"nameko.request_id": request_id} if request_id else {}
            result = client.call(method.service, method.name, kwargs, headers, self.timeout)
        except (RpcTimeout, OSError, amqp.exceptions.AMQPError) as exc:
            log.warning("rpc_unavailable", service=method.service, method=method.name, error=repr(exc))
            if client is not None:
                client.close()
                client = None
            raise ServiceUnavailable() from exc
        finally:
            if client is not None:
                self._idle.put(client)
            self._slots.release()
        return result

    def _borrow(self) -> RpcClient:
        """An idle client whose connection still stands, else a new one."""
        while True:
            try:
                client = self._idle.get_nowait()
            except queue.Empty:
                return RpcClient(self.amqp_uri)
            if client.alive():
                return client
            client.close()

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
