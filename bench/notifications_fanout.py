"""Scenario 4: installment reminders fanned out to the data set's 100,000 taxpayers whose fourth
installment is unpaid, from the scheduler's run to the last message accepted by the SMTP sink.

The run goes through the notifications service's own path (`notifications.run_reminders`: it pages
the ledger's due installments, looks up contacts at identity, composes and sends over SMTP); the
sink keeps no bodies. The limit is the sink's own accept rate: ready-built messages over 4 SMTP
connections at once, 200 each, as the senders do. Goal: 2,000 messages/s.
"""
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from bench import dataset, measure
from ledger.clock import today
from portal_shared.config import Config
from portal_shared.contracts import notifications as contract
from portal_shared.rpc_client import RpcPool

GOAL_PER_S = 2_000


def sink_count(api: str) -> int:
    return requests.get(f"{api}/messages/count", timeout=10).json()["count"]


def sink_accept_rate(count: int, connections: int = 4) -> float:
    """The sink alone: ready-built messages over SMTP, 200 per connection, several at once."""
    from notifications.email_client import SmtpClient
    client = SmtpClient(Config())
    message = client.build("p@example.pl", "Przypomnienie", "treść\n" * 20, "<p>treść</p>\n" * 20, "x")

    def batch(_):
        with client.connection() as connection:
            for _ in range(200):
                connection.send(message)
    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(batch, range(count // 200)))
    return count // 200 * 200 / (time.monotonic() - started)


def scenario(system, settings) -> dict:
    limit = sink_accept_rate(min(6_000, settings.taxpayers // 10))
    requests.delete(f"{system.sink_api}/messages", timeout=10)
    due = dataset.reminder_due(today())
    pool = RpcPool({"AMQP_URI": system.amqp_uri}, size=1, timeout=1800)
    notifications_pid = system.processes["notifications"].pid
    try:
        with measure.Usage(system) as usage, measure.profiled(notifications_pid, settings.profile_path(4)) as profile:
            started = time.monotonic()
            run = pool.call(contract.RUN_REMINDERS, due_date=due.isoformat(), days_before=(due - today()).days)
            paged_s = time.monotonic() - started
            expected = run["reminders"]  # half the taxpayers: their fourth installment is open
            while (arrived := sink_count(system.sink_api)) < expected:
                if time.monotonic() - started > settings.fanout_cap_seconds:
                    break
                time.sleep(0.2)
            elapsed = time.monotonic() - started
    finally:
        pool.close()
    rate = arrived / elapsed
    print(f"    {arrived:,} of {expected:,} messages in {elapsed:.1f} s ({rate:,.0f}/s); sink alone {limit:,.0f}/s",
          flush=True)
    return {"figures": {"expected": expected, "scheduled": run["reminders"], "arrived": arrived,
                        "seconds": round(elapsed, 1), "messages_per_s": round(rate), "scheduler_s": round(paged_s, 1),
                        "complete": arrived >= expected},
            "limit": {"sink_accept_per_s": round(limit)}, "cpu_s": usage.cpu, "bounding": usage.bounding(),
            "peak_rss": usage.peak_rss, "profile_during_run": profile and str(profile),
            "goal": f">= {GOAL_PER_S:,} messages/s", "met": rate >= GOAL_PER_S,
            "summary": f"{rate:,.0f} messages/s ({arrived:,} in {elapsed:.0f} s) vs the sink alone {limit:,.0f}/s; "
                       f"goal {GOAL_PER_S:,}/s"}
