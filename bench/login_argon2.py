"""Scenario 6: login cost with argon2id at the project's parameters (OWASP's minimum for
argon2id: m=19 MiB, t=2, p=1; the project uses exactly that).

1. The hash alone: verifications per second in 1 and 2 processes, and p95 of one.
2. Through the identity service (`portal-run identity`, private database and vhost): logins
   (`identity.login` RPC) arriving at fixed rates (open loop), their throughput and p50/p95,
   and meanwhile a cheap call (`identity.health`, 20 a second) whose p95 shows whether a login
   stalls the service's other requests (the hash runs on an OS thread, off the eventlet hub).

    .venv/bin/python bench/login_argon2.py [--seconds 5] [--rate 4 8 16]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from urllib.parse import quote, urlsplit, urlunsplit

from identity.passwords import HASHER, hash_password, verify_password

PASSWORD = "Zimowy-Spacer7"  # noqa: S105  a benchmark input, not a credential
ACCOUNTS = 8  # logins spread over several accounts: one account's logins queue on its row lock


def verify_for(seconds: float) -> list[float]:
    stored = hash_password(PASSWORD)
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        assert verify_password(stored, PASSWORD)
        latencies.append(time.perf_counter() - started)
    return latencies


def percentile(latencies: list[float], p: int) -> float:
    return statistics.quantiles(latencies, n=100)[p - 1] * 1000 if len(latencies) > 1 else latencies[0] * 1000


def hash_alone(seconds: float) -> None:
    for workers in (1, 2):
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(verify_for, [seconds] * workers))
        latencies = [latency for result in results for latency in result]
        print(f"hash alone, {workers} process(es): {len(latencies) / seconds:7.1f} logins/s   "
              f"p95 {percentile(latencies, 95):6.1f} ms")


def create_accounts(url: str) -> list[str]:
    import uuid
    from datetime import UTC, datetime

    from sqlalchemy.orm import Session

    from identity.models import Account
    from portal_shared.db import make_engine
    stored, now, logins = hash_password(PASSWORD), datetime.now(UTC), []
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        for n in range(ACCOUNTS):
            logins.append(f"bench{n}")
            session.add(Account(
                id=str(uuid.uuid4()), login=f"bench{n}", email=f"bench{n}@example.pl", email_verified_at=now,
                pesel=f"{n:011d}", first_name="Anna", last_name="Kowalska", street="Wielicka", building="1",
                postal_code="30-552", city="Kraków", phone="+48601234567", password_hash=stored, language="pl",
                level="authenticated", consent_terms_at=now, consent_e_correspondence=True, failed_logins=0))
    engine.dispose()
    return logins


def timed(pool, latencies: list, due: float, method, kwargs: dict) -> None:
    """One call; its latency counted from when it was due (open loop)."""
    pool.call(method, **kwargs)
    latencies.append(time.perf_counter() - due)


def through_service(rates: list[float], seconds: float) -> None:
    import eventlet
    eventlet.monkey_patch()
    import requests

    from portal_shared.config import Config
    from portal_shared.contracts import identity
    from portal_shared.contracts.base import RpcMethod
    from portal_shared.rpc_client import RpcPool
    from portal_shared.testing import RABBIT_API, RUN_ID, ServiceDatabases

    vhost, api = f"bench-login-{RUN_ID}", RABBIT_API.rstrip("/")
    requests.put(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10).raise_for_status()
    requests.put(f"{api}/api/permissions/{quote(vhost, safe='')}/guest", timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    base = urlsplit(Config().amqp_uri)
    os.environ.update(AMQP_URI=urlunsplit((base.scheme, base.netloc, "/" + quote(vhost, safe=""), "", "")),
                      LOG_LEVEL="WARNING", OPS_HTTP_PORT="0")
    databases = ServiceDatabases()
    service = None
    try:
        logins = create_accounts(databases.url("identity"))
        service = subprocess.Popen([sys.executable, "-m", "portal_shared.runner", "identity"])
        pool = RpcPool(Config().nameko_config(), size=200, timeout=60)
        health = RpcMethod(identity.SERVICE, "health")
        probe, deadline = RpcPool(Config().nameko_config(), size=1, timeout=2), time.monotonic() + 60
        while True:
            try:  # a call before the service declared its queue is dropped: ask again
                probe.call(health)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
        probe.close()
        for rate in rates:
            login_latencies, probe_latencies = [], []
            started = time.perf_counter()
            schedule = sorted(
                [(started + n / rate, login_latencies, identity.LOGIN,
                  {"login": logins[n % ACCOUNTS], "password": PASSWORD, "client_address": "127.0.0.1"})
                 for n in range(int(rate * seconds))]
                + [(started + n / 20, probe_latencies, health, {}) for n in range(int(20 * seconds))],
                key=lambda item: item[0])
            workers = eventlet.GreenPool(10_000)
            for due, latencies, method, kwargs in schedule:
                eventlet.sleep(max(0.0, due - time.perf_counter()))
                workers.spawn_n(timed, pool, latencies, due, method, kwargs)
            workers.waitall()
            wall = time.perf_counter() - started
            print(f"identity service at {rate:g} logins/s offered: {len(login_latencies) / wall:5.1f} logins/s done, "
                  f"p50 {percentile(login_latencies, 50):6.0f} ms, p95 {percentile(login_latencies, 95):6.0f} ms; "
                  f"health meanwhile p50 {percentile(probe_latencies, 50):5.1f} ms, "
                  f"p95 {percentile(probe_latencies, 95):5.1f} ms")
        pool.close()
    finally:
        if service:
            service.terminate()
            service.wait(30)
        databases.drop()
        requests.delete(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rate", type=float, nargs="*", default=[4, 8, 16],
                        help="logins a second offered to the identity service (none: the hash alone)")
    args = parser.parse_args(argv)
    print(f"argon2id m={HASHER.memory_cost} KiB t={HASHER.time_cost} p={HASHER.parallelism} "
          f"(OWASP minimum for argon2id: m=19456 KiB (19 MiB), t=2, p=1)")
    hash_alone(args.seconds)
    if args.rate:
        through_service(args.rate, args.seconds)


if __name__ == "__main__":
    main()
