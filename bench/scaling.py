"""How throughput grows with replicas: `python bench/scaling.py [--service identity] [--replicas 1 2 4]`.

For each replica count it starts that many `portal-run <service>` processes on a RabbitMQ vhost
and a database of its own, drives them with concurrent RPC callers for a fixed time, and prints
calls per second and the ratio to one replica. It measures the health RPC (a database query
and a reply) until the ledger's statement import and the gateway's dashboard exist; add a
workload to WORKLOADS to measure those. Needs the local PostgreSQL and RabbitMQ (`make infra`).
On a machine with few cores the callers compete with the replicas for CPU: read the ratio with
the core count beside it (printed).
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import quote, urlsplit, urlunsplit  # noqa: E402

import requests  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from portal_shared.config import Config, database_url  # noqa: E402
from portal_shared.migrate import drop_database, migrate  # noqa: E402
from portal_shared.testing import RABBIT_API, free_port  # noqa: E402

BIN = Path(sys.executable).parent
WORKLOADS = {"health": lambda proxy, service: getattr(proxy, service).health()}


def ready(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def start_replicas(service: str, count: int, env: dict) -> list[subprocess.Popen]:
    processes, ports = [], []
    for _ in range(count):
        port = free_port()
        ports.append(port)
        processes.append(subprocess.Popen([str(BIN / "portal-run"), service],
                                          env={**env, "OPS_HTTP_PORT": str(port), "LOG_LEVEL": "WARNING"},
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    deadline = time.monotonic() + 60
    while not all(ready(port) for port in ports):
        if time.monotonic() > deadline:
            raise RuntimeError("replicas did not become ready")
        time.sleep(0.2)
    return processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(20)


def drive(config: dict, service: str, workload, callers: int, seconds: float) -> float:
    """Calls per second of `callers` concurrent clients in this process, each with its own connection."""
    done = [0] * callers
    stop_at = time.monotonic() + seconds

    def caller(index: int) -> None:
        with ClusterRpcProxy(config, timeout=30) as proxy:
            workload(proxy, service)  # connect and warm up outside the count
            while time.monotonic() < stop_at:
                workload(proxy, service)
                done[index] += 1

    pool = eventlet.GreenPool(callers)
    started = time.monotonic()
    for index in range(callers):
        pool.spawn(caller, index)
    pool.waitall()
    return sum(done) / (time.monotonic() - started)


def measure(args, amqp_uri: str) -> float:
    """The callers are spread over processes: one Python process alone saturates a core."""
    command = [sys.executable, __file__, "--drive", amqp_uri, "--service", args.service,
               "--workload", args.workload, "--callers", str(args.callers // args.client_processes),
               "--seconds", str(args.seconds)]
    drivers = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
               for _ in range(args.client_processes)]
    return sum(float(driver.communicate()[0].strip().splitlines()[-1]) for driver in drivers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", default="identity")
    parser.add_argument("--workload", default="health", choices=sorted(WORKLOADS))
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--callers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--drive", metavar="AMQP_URI", help=argparse.SUPPRESS)  # a caller process
    args = parser.parse_args()
    if args.drive:
        print(drive({"AMQP_URI": args.drive}, args.service, WORKLOADS[args.workload], args.callers,
                    args.seconds))
        return 0

    run = uuid.uuid4().hex[:8]
    api, vhost = RABBIT_API.rstrip("/"), f"bench-{run}"
    requests.put(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10).raise_for_status()
    requests.put(f"{api}/api/permissions/{quote(vhost, safe='')}/guest",
                 json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10).raise_for_status()
    base = urlsplit(Config().amqp_uri)
    amqp_uri = urlunsplit((base.scheme, base.netloc, "/" + quote(vhost, safe=""), "", ""))
    db_url = make_url(database_url(args.service)).set(database=f"bench_{args.service}_{run}")
    db_url = db_url.render_as_string(hide_password=False)
    env = {**os.environ, "AMQP_URI": amqp_uri, f"{args.service.upper()}_DATABASE_URL": db_url}
    migrate(args.service, db_url)
    print(f"{args.service}.{args.workload}: {args.callers} callers in {args.client_processes} processes, "
          f"{args.seconds:.0f} s per run, "
          f"{os.cpu_count()} cores", flush=True)
    try:
        baseline = None
        for count in args.replicas:
            processes = start_replicas(args.service, count, env)
            try:
                rate = measure(args, amqp_uri)
            finally:
                stop(processes)
            baseline = baseline or rate
            print(f"  {count} replica(s): {rate:8.1f} calls/s   scaling x{rate / baseline:.2f}", flush=True)
    finally:
        drop_database(db_url)
        requests.delete(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
