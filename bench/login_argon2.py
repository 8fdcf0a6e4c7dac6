"""Scenario 6: sign-in with argon2id at the project's parameters, through the gateway.

The limit is the machine's own argon2id speed at those parameters: verifications per second
in two processes (one per core), nothing else. Through the gateway a login also looks up the
account, checks the throttles, writes the session and the audit line, and crosses the bus; it
is driven open-loop at rising fractions of that limit.
"""
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from bench import dataset, measure
from identity.passwords import HASHER, hash_password, verify_password

OWASP_MINIMUM = "argon2id m=19 MiB (19456 KiB), t=2, p=1"


def verify_for(seconds: float) -> list[float]:
    stored = hash_password(dataset.BENCH_PASSWORD)
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        assert verify_password(stored, dataset.BENCH_PASSWORD)
        latencies.append(time.perf_counter() - started)
    return latencies


def argon2_capacity(seconds: float) -> dict:
    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(verify_for, [seconds] * 2))
    latencies = [latency for result in results for latency in result]
    return {"logins_per_s": round(len(latencies) / seconds, 1),
            "p95_ms": round(statistics.quantiles(latencies, n=100)[94] * 1000, 1)}


def operations(settings) -> list:
    return [[{"method": "POST", "path": "/api/v1/sessions", "expect": 201,
              "json": {"login": dataset.login_of(n), "password": dataset.BENCH_PASSWORD}}]
            for n in range(settings.sessions, settings.sessions + 500)]  # not the dashboard's taxpayers


def scenario(system, settings) -> dict:
    parameters = f"argon2id m={HASHER.memory_cost} KiB, t={HASHER.time_cost}, p={HASHER.parallelism}"
    limit = argon2_capacity(settings.step_seconds / 2)
    print(f"    {parameters}: argon2 alone {limit}", flush=True)
    ops = operations(settings)
    top = limit["logins_per_s"]
    with measure.Usage(system) as usage:
        steps = measure.ladder(lambda rate: measure.load_run(
            system.gateway_url, ops, rate, settings.step_seconds, settings.warmup_seconds),
            [round(top * f, 1) for f in (0.25, 0.5, 0.75, 1.0)])
    best = max(steps, key=lambda s: s["achieved_rate"])
    sustained = [s for s in steps if measure.sustained(s)]
    p95 = sustained[-1]["p95_ms"] if sustained else None
    ratio = round(best["achieved_rate"] / top, 2)
    return {"figures": {"parameters": parameters, "max_logins_per_s": best["achieved_rate"],
                        "p95_ms_at_highest_sustained_rate": p95, "ratio_to_argon2_alone": ratio},
            "limit": {"argon2_alone_2_processes": limit, "owasp_minimum": OWASP_MINIMUM},
            "ladders": {"gateway login": steps}, "cpu_s": usage.cpu, "bounding": usage.bounding(),
            "goal": "no fixed figure: logins/s and p95, beside argon2 alone", "met": None,
            "summary": f"{best['achieved_rate']:.1f} logins/s through the gateway vs {top:.1f}/s argon2 alone "
                       f"({ratio:.0%}); p95 {p95} ms at the highest sustained rate; {parameters}"}
