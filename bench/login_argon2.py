"""Scenario 6: login cost with argon2id at the project's parameters (OWASP's minimum:
m=19 MiB, t=2, p=1). Verifications per second in 1 and 2 processes, and p95 of one.

    .venv/bin/python bench/login_argon2.py [--seconds 5]
"""
import argparse
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from identity.passwords import HASHER, hash_password, verify_password

PASSWORD = "Zimowy-Spacer7"  # noqa: S105  a benchmark input, not a credential


def verify_for(seconds: float) -> list[float]:
    stored = hash_password(PASSWORD)
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        assert verify_password(stored, PASSWORD)
        latencies.append(time.perf_counter() - started)
    return latencies


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    print(f"argon2id m={HASHER.memory_cost} KiB t={HASHER.time_cost} p={HASHER.parallelism}")
    for workers in (1, 2):
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(verify_for, [args.seconds] * workers))
        latencies = [latency for result in results for latency in result]
        p95 = statistics.quantiles(latencies, n=100)[94] * 1000
        print(f"{workers} process(es): {len(latencies) / args.seconds:7.1f} logins/s   p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
