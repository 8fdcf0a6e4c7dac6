"""A per-client limit on chat messages: the endpoint is public and every message is stored, so
one address may not flood it. Per gateway process (an approximation across workers, enough to
stop a flood; a shared limit belongs in front of the gateway). Behind a reverse proxy the
gateway must see the client's address (werkzeug's ProxyFix), or every client shares one limit."""
import threading
import time
from collections import OrderedDict, deque

MESSAGES_PER_MINUTE = 20
TRACKED_CLIENTS = 10_000  # the least recently seen are forgotten first


class SlidingWindowLimit:
    def __init__(self, limit: int = MESSAGES_PER_MINUTE, window_seconds: float = 60.0):
        self.limit = limit
        self.window = window_seconds
        self._lock = threading.Lock()
        self._seen: OrderedDict[str, deque] = OrderedDict()

    def allow(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._seen.pop(client, None) or deque()
            while times and now - times[0] >= self.window:
                times.popleft()
            allowed = len(times) < self.limit
            if allowed:
                times.append(now)
            self._seen[client] = times
            while len(self._seen) > TRACKED_CLIENTS:
                self._seen.popitem(last=False)
            return allowed
