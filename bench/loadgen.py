"""Open-loop HTTP load at a fixed rate, in a process of its own (`python -m bench.loadgen < spec.json`).

Operation i is due at start + i / rate whether or not earlier ones have answered (wrk2's model):
its latency counts from that intended moment, so a stalled server shows as queueing delay
instead of fewer samples (coordinated omission). An operation is one or more requests in a row
(submit, then fetch the receipt); a later request's path may use `{field}` of the previous
JSON answer. The spec (JSON on stdin):

    {"base_url": "http://127.0.0.1:8000", "rate": 100, "duration": 10, "warmup": 2,
     "connections": 64, "timeout": 10, "operations": [[{"method": "GET", "path": "/x",
     "headers": {...}, "json": null, "expect": 200}], ...]}

Operations are used in turn (cycling). Prints one JSON object: offered and achieved rate, errors,
latency percentiles (ms) of the measured part (after the warm-up). With `"workers": N` instead of
a rate it runs closed-loop (N operations back to back), only to find a rough maximum to offer.
"""
import asyncio
import json
import sys
import time

import aiohttp

PERCENTILES = (50, 90, 95, 99)


async def run_operation(http: aiohttp.ClientSession, base_url: str, operation: list[dict], timeout: float) -> bool:
    previous: dict = {}
    for request in operation:
        path = request["path"].format(**previous) if previous else request["path"]
        async with http.request(request.get("method", "GET"), base_url + path, headers=request.get("headers"),
                                json=request.get("json"), timeout=aiohttp.ClientTimeout(total=timeout)) as answer:
            body = await answer.read()
            if answer.status != request.get("expect", 200):
                return False
            if answer.content_type == "application/json":
                previous = json.loads(body)
    return True


async def drive(spec: dict) -> dict:
    rate, warmup, duration = spec["rate"], spec.get("warmup", 0), spec["duration"]
    total = int(rate * (warmup + duration))
    measured_from = int(rate * warmup)
    operations, timeout = spec["operations"], spec.get("timeout", 10)
    latencies: list[float | None] = [None] * total
    done_at: list[float] = [0.0] * total
    connector = aiohttp.TCPConnector(limit=spec.get("connections", 64), force_close=False)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()

        async def one(i: int, due: float) -> None:
            try:
                ok = await run_operation(http, spec["base_url"], operations[i % len(operations)], timeout)
            except (TimeoutError, aiohttp.ClientError, OSError):
                ok = False
            done_at[i] = time.perf_counter()
            latencies[i] = (done_at[i] - due) if ok else None
            if not ok:
                failures.append(i)

        failures: list[int] = []
        tasks = []
        for i in range(total):
            due = started + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, due)))
        await asyncio.gather(*tasks)
    return summary(rate, duration, started + warmup, latencies[measured_from:], done_at[measured_from:],
                   sum(1 for i in failures if i >= measured_from))


async def saturate(spec: dict) -> dict:
    """Closed loop, for a rough maximum only: `workers` operations back to back for `duration`."""
    operations, timeout, duration = spec["operations"], spec.get("timeout", 10), spec["duration"]
    completed, errors, counter = [0], [0], iter(range(10**9))
    connector = aiohttp.TCPConnector(limit=spec["workers"])
    async with aiohttp.ClientSession(connector=connector) as http:
        deadline = time.perf_counter() + duration

        async def worker():
            while time.perf_counter() < deadline:
                try:
                    ok = await run_operation(http, spec["base_url"], operations[next(counter) % len(operations)],
                                             timeout)
                except (TimeoutError, aiohttp.ClientError, OSError):
                    ok = False
                completed[0] += ok
                errors[0] += not ok
        await asyncio.gather(*(worker() for _ in range(spec["workers"])))
    return {"workers": spec["workers"], "duration_s": duration, "achieved_rate": round(completed[0] / duration, 2),
            "errors": errors[0]}


def summary(rate: float, duration: float, window_start: float, latencies: list, done_at: list, errors: int) -> dict:
    ok = sorted(latency for latency in latencies if latency is not None)
    elapsed = max(done_at) - window_start if done_at else duration
    result = {"offered_rate": rate, "duration_s": duration, "operations": len(latencies), "errors": errors,
              "achieved_rate": round(len(ok) / max(elapsed, duration), 2)}
    for p in PERCENTILES:
        result[f"p{p}_ms"] = round(ok[min(len(ok) - 1, int(len(ok) * p / 100))] * 1000, 2) if ok else None
    result["max_ms"] = round(ok[-1] * 1000, 2) if ok else None
    return result


def main() -> None:
    spec = json.load(sys.stdin)
    print(json.dumps(asyncio.run(saturate(spec) if "workers" in spec else drive(spec))))


if __name__ == "__main__":
    main()
