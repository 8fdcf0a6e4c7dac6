"""Fan-out of installment reminders: from the scheduler to the SMTP sink, for N taxpayers.

`.venv/bin/python bench/notifications_fanout.py [--taxpayers 100000] [--replicas 1]`

Needs PostgreSQL and RabbitMQ (`make infra`). Uses a database and a RabbitMQ vhost of its own
(dropped afterwards), the SMTP sink as a process (bodies not kept), the notifications service
as `--replicas` processes (`portal-run notifications`, as deployed), and in this process small
fake `ledger` and `identity` services answering the paged due-installment query and the
contacts lookup. Prints:
- the SMTP sink's own accept rate (4 connections at once, fully pipelined: the sink's limit),
- reminders/s from the scheduler's start to the last message accepted by the sink,
- the peak memory of each service process and of the sink.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from urllib.parse import quote, urlsplit, urlunsplit  # noqa: E402

import requests  # noqa: E402
from nameko.containers import ServiceContainer  # noqa: E402
from nameko.rpc import rpc  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from portal_shared.config import Config, database_url  # noqa: E402
from portal_shared.migrate import drop_database, migrate  # noqa: E402
from portal_shared.testing import RABBIT_API, free_port, start_process  # noqa: E402

DUE = date.today() + timedelta(days=7)
TAXPAYERS = 100_000


def subject_of(n: int) -> str:
    return f"{n:011d}"


class FakeLedger:
    name = "ledger"

    @rpc
    def unpaid_installments_due(self, due_date, after_installment_id=None, limit=1000):
        start = 0 if after_installment_id is None else int(after_installment_id) + 1
        return [{"installment_id": f"{n:08d}", "subject": subject_of(n), "tax_type": "property_tax",
                 "due_date": due_date, "outstanding_grosze": 12_345 + n % 1000,
                 "account_number": "61109010140000071219812874", "title": "Podatek od nieruchomości, rata 2"}
                for n in range(start, min(start + limit, TAXPAYERS))]


class FakeIdentity:
    name = "identity"

    @rpc
    def contacts(self, subjects):
        return [{"subject": s, "account_id": str(uuid.UUID(int=int(s))), "first_name": "Anna",
                 "email": f"p{s}@example.pl", "email_verified": True, "phone": None, "phone_verified": False,
                 "language": "pl" if int(s) % 5 else "en", "consent_e_correspondence": True} for s in subjects]


def wait_until_ready(config: dict, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    with ClusterRpcProxy(config, timeout=2) as proxy:
        while True:
            try:
                proxy.notifications.health()
                return
            except Exception:  # not consuming yet: the call goes nowhere and times out
                if time.monotonic() > deadline:
                    raise
                eventlet.sleep(0.5)


def sink_count(api: str) -> int:
    return requests.get(f"{api}/messages/count", timeout=10).json()["count"]


def sink_accept_rate(count: int, connections: int = 4) -> float:
    """The sink alone, driven harder than any sender can: every connection writes its messages
    (a reminder-sized MIME message each) fully pipelined, so only the sink's own work counts."""
    import socket

    from notifications.email_client import SmtpClient
    client = SmtpClient(Config())
    message = client.build("p@example.pl", "Przypomnienie", "treść\n" * 20, "<p>treść</p>\n" * 20, "x")
    one = (b"MAIL FROM:<%s>\r\nRCPT TO:<p@example.pl>\r\nDATA\r\n" % message.envelope_from.encode()
           + message.data + b".\r\n")
    per_connection = count // connections

    def blast(_):
        with socket.create_connection((Config().smtp_host, Config().smtp_port)) as sock:
            replies = sock.makefile("rb")
            replies.readline()
            for start in range(0, per_connection, 50):
                burst = min(50, per_connection - start)
                sock.sendall(one * burst)
                for _ in range(4 * burst):  # 250 MAIL, 250 RCPT, 354 DATA, 250 accepted
                    assert replies.readline()[:1] in (b"2", b"3")
            sock.sendall(b"QUIT\r\n")
    started = time.monotonic()
    list(eventlet.GreenPool(connections).imap(blast, range(connections)))
    return per_connection * connections / (time.monotonic() - started)


def private_vhost() -> str:
    vhost = f"bench-{uuid.uuid4().hex[:8]}"
    api = RABBIT_API.rstrip("/")
    requests.put(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10).raise_for_status()
    requests.put(f"{api}/api/permissions/{quote(vhost, safe='')}/guest", timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    return vhost


def peak_rss_mib(pid: int | None = None) -> float:
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process: a figure that other load on the machine does not skew."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    global TAXPAYERS
    parser = argparse.ArgumentParser()
    parser.add_argument("--taxpayers", type=int, default=TAXPAYERS)
    parser.add_argument("--replicas", type=int, default=1)
    args = parser.parse_args()
    TAXPAYERS = args.taxpayers
    smtp_port, http_port = free_port(), free_port()
    sink = start_process("notifications.fakes.mailsink", "--smtp-port", str(smtp_port), "--http-port",
                         str(http_port), "--keep-bodies", "no", ports=(smtp_port, http_port))
    sink_api = f"http://127.0.0.1:{http_port}"
    os.environ.update(SMTP_PORT=str(smtp_port), MAILSINK_API_URL=sink_api, LOG_LEVEL="WARNING")
    url = make_url(database_url("notifications")).set(database=f"bench_notifications_{uuid.uuid4().hex[:8]}")
    url = url.render_as_string(hide_password=False)
    migrate("notifications", url)
    os.environ["NOTIFICATIONS_DATABASE_URL"] = url
    vhost = private_vhost()
    base = urlsplit(Config().amqp_uri)
    config = Config().nameko_config()
    config["AMQP_URI"] = urlunsplit((base.scheme, base.netloc, "/" + quote(vhost, safe=""), "", ""))
    containers, services = [], []
    try:
        sink_rate = sink_accept_rate(min(20_000, TAXPAYERS))
        requests.delete(f"{sink_api}/messages", timeout=10)
        from portal_shared.logging import configure_logging
        configure_logging("bench", "WARNING")
        containers = [ServiceContainer(cls, config) for cls in (FakeLedger, FakeIdentity)]
        for container in containers:
            container.start()
        env = {**os.environ, "AMQP_URI": config["AMQP_URI"], "REMINDER_CHECK_SECONDS": "86400"}
        services = [subprocess.Popen([sys.executable, "-m", "portal_shared.runner", "notifications"], env=env)
                    for _ in range(args.replicas)]
        wait_until_ready(config)
        cpu_before = {s.pid: cpu_seconds(s.pid) for s in [*services, sink]}
        with ClusterRpcProxy(config, timeout=1800) as proxy:
            started = time.monotonic()
            result = proxy.notifications.run_reminders(due_date=DUE.isoformat(), days_before=7)
        queued_at = time.monotonic() - started
        while (arrived := sink_count(sink_api)) < TAXPAYERS:
            if time.monotonic() - started > 1800:
                raise SystemExit(f"only {arrived} of {TAXPAYERS} arrived in 30 minutes")
            eventlet.sleep(0.2)
        elapsed = time.monotonic() - started
        cpu = {pid: cpu_seconds(pid) - before for pid, before in cpu_before.items()}
        print(f"taxpayers:                 {TAXPAYERS}, notifications replicas: {args.replicas}")
        print(f"scheduler paged:           {result['reminders']} installments in {queued_at:.1f} s "
              f"({result['reminders'] / queued_at:.0f}/s handed to the replicas to compose)")
        print(f"fan-out to the SMTP sink:  {elapsed:.1f} s = {TAXPAYERS / elapsed:.0f} messages/s "
              f"(target 2000/s on 2 cores)")
        print(f"SMTP sink alone accepts:   {sink_rate:.0f} messages/s")
        print("CPU per 1,000 messages:    " + ", ".join(
            f"service {cpu[s.pid] / TAXPAYERS * 1000:.2f} s" for s in services)
            + f", sink {cpu[sink.pid] / TAXPAYERS * 1000:.2f} s")
        print("peak memory:               " + ", ".join(
            f"service {peak_rss_mib(s.pid):.0f} MiB" for s in services) + f", sink {peak_rss_mib(sink.pid):.0f} MiB")
        print(f"load average (machine):    {os.getloadavg()[0]:.1f}")
    finally:
        for service in services:
            service.terminate()
            service.wait(30)
        for container in containers:
            container.kill()
        sink.terminate()
        sink.wait(10)
        requests.delete(f"{RABBIT_API.rstrip('/')}/api/vhosts/{quote(vhost, safe='')}", timeout=10)
        drop_database(url)


if __name__ == "__main__":
    main()
