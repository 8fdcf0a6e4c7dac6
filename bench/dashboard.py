"""Scenario 2 (and 7's load): the taxpayer dashboard through the gateway vs the monolith baseline.

`GET /api/v1/taxpayers/<pesel>/overview` with the taxpayer's own session, for a different
taxpayer each request (the data set's sessions, in turn), on 1,000,000 payments. Through the
gateway it is three RPCs (identity: session, acting-for; ledger: overview); the baseline
(`bench/baseline/`) runs the same queries in one Flask process. Each is driven open-loop at
rising fractions of its closed-loop maximum until it cannot keep up; then both at half the
baseline's maximum rate, for the p95 goal.

Goals: gateway max throughput >= 0.5 x baseline's; p95 at half the baseline's max <= 2 x baseline's.
"""
import time

from bench import dataset, measure

FRACTIONS = (0.2, 0.4, 0.6, 0.8, 1.0, 1.25)


def operations(system, settings) -> list:
    return [[{"method": "GET", "path": f"/api/v1/taxpayers/{dataset.pesel(n)}/overview",
              "headers": {"Authorization": f"Bearer {dataset.session_token(n, system.run_id)}"}}]
            for n in range(settings.sessions)]


def probe_max(base_url: str, ops: list, settings) -> float:
    """A rough maximum for the ladder's scale: closed loop, 16 at a time, for a few seconds."""
    return max(measure.saturation(base_url, ops, settings.step_seconds / 2), 5.0)


def run_ladder(base_url: str, ops: list, settings) -> list[dict]:
    top = probe_max(base_url, ops, settings)
    print(f"    {base_url}: probe {top:.0f}/s", flush=True)
    return measure.ladder(lambda rate: measure.load_run(base_url, ops, rate, settings.step_seconds,
                                                        settings.warmup_seconds),
                          [round(top * f, 1) for f in FRACTIONS])


def max_rate(steps: list[dict]) -> float:
    return max(s["achieved_rate"] for s in steps)


def scenario(system, settings) -> dict:
    ops = operations(system, settings)
    for base_url in (system.baseline_url, system.gateway_url):  # warm-up: connections, caches, plans
        measure.load_run(base_url, ops, 20, settings.warmup_seconds, warmup=0)
    with measure.Usage(system) as baseline_usage:
        baseline = run_ladder(system.baseline_url, ops, settings)
    with measure.Usage(system) as usage:
        gateway = run_ladder(system.gateway_url, ops, settings)
    half = round(max_rate(baseline) / 2, 1)
    at_half = {name: measure.load_run(url, ops, half, settings.step_seconds, settings.warmup_seconds)
               for name, url in (("baseline", system.baseline_url), ("gateway", system.gateway_url))}
    throughput_ratio = round(max_rate(gateway) / max_rate(baseline), 3)
    p95_ratio = round(at_half["gateway"]["p95_ms"] / at_half["baseline"]["p95_ms"], 2)
    met = throughput_ratio >= 0.5 and p95_ratio <= 2
    return {"figures": {"gateway_max_per_s": max_rate(gateway), "throughput_ratio": throughput_ratio,
                        "half_baseline_rate": half, "gateway_p95_ms_at_half": at_half["gateway"]["p95_ms"],
                        "p95_ratio_at_half": p95_ratio},
            "limit": {"baseline_max_per_s": max_rate(baseline),
                      "baseline_p95_ms_at_half": at_half["baseline"]["p95_ms"]},
            "ladders": {"gateway": gateway, "baseline": baseline}, "at_half_baseline_max": at_half,
            "cpu_s": usage.cpu, "bounding": usage.bounding(),
            "peak_rss_under_load": {**usage.peak_rss, "baseline": baseline_usage.peak_rss.get("baseline", 0)},
            "busiest_pid": usage.busiest_pid,
            "goal": "throughput ratio >= 0.5 and p95 at half the baseline's max <= 2x the baseline's", "met": met,
            "summary": f"gateway {max_rate(gateway):.0f}/s vs baseline {max_rate(baseline):.0f}/s (ratio "
                       f"{throughput_ratio:.2f}, goal >= 0.5); p95 at {half}/s: {at_half['gateway']['p95_ms']} vs "
                       f"{at_half['baseline']['p95_ms']} ms ({p95_ratio:.1f}x, goal <= 2x)"}


def profile_load(system, settings, result) -> None:
    """Load for the profile: the gateway at its best rate."""
    ops = operations(system, settings)
    measure.load_run(system.gateway_url, ops, result["figures"]["gateway_max_per_s"], settings.profile_seconds,
                     warmup=0)
    time.sleep(0.1)
