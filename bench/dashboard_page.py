"""Benchmark: the portal's dashboard page (`GET /my`), server time p50/p95/p99. Goal: p95 < 150 ms.

    .venv/bin/python bench/dashboard_page.py [--requests 500] [--payments 100000]

Runs what the page needs as production does, each in its own process, on a private RabbitMQ
vhost and throw-away databases: identity and ledger (`portal-run`) and the gateway under
gunicorn (gthread). The ledger holds background taxpayers (bulk rows, as bench/ledger_overview.py
builds them) and the demo taxpayer (`demo`/`demo`) with three liabilities and five payments,
posted the real way (declaration_accepted events, the cash-desk RPC). One client on the same
machine sends the requests one after another; each is timed from sending to the page's last
byte, which bounds the server time from above (loopback adds well under a millisecond). The
page's three RPCs alone (session, acting-for, overview) are timed too, to show where time goes.
Needs the local PostgreSQL, RabbitMQ and Redis (`make infra`).
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402  (nameko's standalone proxy, as in the other benches)

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import quote  # noqa: E402

import redis  # noqa: E402
import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from ledger_overview import RABBIT_API, build, percentile, private_vhost  # noqa: E402
from nameko.standalone.events import event_dispatcher  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from portal_shared.config import Config, database_url  # noqa: E402
from portal_shared.contracts import declarations, identity, ledger  # noqa: E402
from portal_shared.migrate import drop_database, migrate  # noqa: E402
from portal_shared.testing import free_port, wait_for_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO = identity.DEMO_TAXPAYER
OFFICER = {"account_id": str(uuid.uuid4()), "pesel": None, "level": "authenticated", "roles": ["tax_officer"]}
THIS_YEAR = date.today().year
ASSESSMENTS = [("property_tax", THIS_YEAR, 1001_00), ("waste_fee", THIS_YEAR, 600_00),
               ("transport_tax", THIS_YEAR, 1450_00)]


def throwaway_database(service: str) -> str:
    url = make_url(database_url(service)).set(database=f"bench_dash_{service}_{os.getpid()}")
    url = url.render_as_string(hide_password=False)
    drop_database(url)
    migrate(service, url)
    return url


def ops_ready(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def start_service(service: str, env: dict) -> subprocess.Popen:
    port = free_port()
    process = subprocess.Popen([str(BIN / "portal-run"), service], env={**env, "OPS_HTTP_PORT": str(port)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not ops_ready(port):
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"{service} did not become ready")
        time.sleep(0.2)
    return process


def start_gateway(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c",
                                str(ROOT / "services/gateway/gateway/gunicorn_conf.py"), "gateway.app:create_app()"],
                               env={**env, "GATEWAY_BIND": f"127.0.0.1:{port}"})
    wait_for_port(port, timeout=60)
    return process, f"http://127.0.0.1:{port}"


def seed_demo_books(rpc, config: dict) -> None:
    """Three liabilities by the event declarations sends, then five payments at the cash desk."""
    dispatch = event_dispatcher(config)
    for tax_type, year, annual in ASSESSMENTS:
        dispatch("declarations", "declaration_accepted", declarations.DECLARATION_ACCEPTED.build(
            declaration_id=str(uuid.uuid4()), case_id=str(uuid.uuid4()), form_code="IN-1",
            submitter_account_id=DEMO["account_id"], subject=DEMO["pesel"], assessment={
                "tax_type": tax_type, "tax_year": year, "taxpayer_kind": "natural", "annual_amount_grosze": annual,
                "months_from": 1, "corrects": None,
                "components": [{"kind": "building_residential", "base": "100", "rate": "1", "amount_grosze": annual}]}))
    actor = {**OFFICER, "pesel": DEMO["pesel"]}
    deadline = time.monotonic() + 60
    while len(ledger.OVERVIEW(rpc, actor=actor, subject=DEMO["pesel"])["liabilities"]) < len(ASSESSMENTS):
        if time.monotonic() > deadline:
            raise RuntimeError("the ledger did not take the assessments")
        time.sleep(0.2)
    accounts = ledger.OVERVIEW(rpc, actor=actor, subject=DEMO["pesel"])["tax_accounts"]
    for n in range(5):
        ledger.POST_CASH_PAYMENT(rpc, actor=OFFICER, idempotency_key=f"bench-desk-{n}-{uuid.uuid4().hex}",
                                 account_number=accounts[n % len(accounts)]["account_number"],
                                 amount_grosze=120_00 + n * 10_00, paid_on=date.today().isoformat())


def timed(call, count: int, warm_up: int = 30) -> list[float]:
    for _ in range(warm_up):
        call()
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def summary(name: str, latencies: list[float]) -> str:
    return (f"{name}: p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms, "
            f"p99 {percentile(latencies, 0.99):.1f} ms ({len(latencies)} requests)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--payments", type=int, default=100_000, help="background payments in the ledger")
    args = parser.parse_args()
    vhost, amqp_uri = private_vhost()
    urls = {service: throwaway_database(service) for service in ("identity", "ledger")}
    prefix = f"bench-{vhost}"
    env = {**os.environ, "AMQP_URI": amqp_uri, "PORTAL_ENV": "development", "LOG_LEVEL": "WARNING",
           "IDENTITY_DATABASE_URL": urls["identity"], "LEDGER_DATABASE_URL": urls["ledger"],
           "RATE_LIMITS_ENABLED": "false", "REDIS_KEY_PREFIX": prefix}
    os.environ.update(PORTAL_ENV="development")
    processes = []
    try:
        from identity import demo
        demo.seed(urls["identity"])
        engine = sa.create_engine(urls["ledger"])
        started = time.perf_counter()
        taxpayers = len(build(engine, args.payments // 4))
        engine.dispose()
        print(f"background: {taxpayers:,} taxpayers, {args.payments:,} payments "
              f"({time.perf_counter() - started:.0f} s)")
        processes += [start_service("identity", env), start_service("ledger", env)]
        config = {**Config().nameko_config(), "AMQP_URI": amqp_uri}
        with ClusterRpcProxy(config, timeout=30) as rpc:
            seed_demo_books(rpc, config)
            token = identity.LOGIN(rpc, login=DEMO["login"], password=demo.PASSWORD,
                                   client_address="127.0.0.1")["token"]
            gateway, base = start_gateway(env)
            processes.append(gateway)
            session = requests.Session()
            session.cookies.set("portal_session", token)

            def dashboard():
                response = session.get(f"{base}/my", timeout=10)
                assert response.status_code == 200 and "Podatek od nieruchomości" in response.text, response.status_code

            page = timed(dashboard, args.requests)
            account = identity.SESSION_ACCOUNT(rpc, token=token)
            actor = {"account_id": account["account_id"], "pesel": account["pesel"], "level": account["level"],
                     "roles": [], "demo": True, "acting_for": None}
            rpcs = {"identity.session_account": lambda: identity.SESSION_ACCOUNT(rpc, token=token),
                    "identity.acting_for": lambda: identity.ACTING_FOR(rpc, token=token),
                    "ledger.overview": lambda: ledger.OVERVIEW(rpc, actor=actor, subject=DEMO["pesel"])}
            parts = {name: timed(call, 200) for name, call in rpcs.items()}
        print(f"machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(summary("GET /my (dashboard)", page) + f" -> goal p95 < 150 ms: "
              f"{'met' if percentile(page, 0.95) < 150 else 'NOT met'}")
        for name, latencies in parts.items():
            print("  " + summary(f"{name} over RPC (from this process)", latencies))
        return 0
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(15)
        for url in urls.values():
            drop_database(url)
        requests.delete(f"{RABBIT_API.rstrip('/')}/api/vhosts/{quote(vhost, safe='')}", timeout=10)
        client = redis.Redis.from_url(Config().redis_url)
        for key in client.scan_iter(f"{prefix}:*", count=1000):
            client.delete(key)


if __name__ == "__main__":
    sys.exit(main())
