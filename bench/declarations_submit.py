"""Benchmark: submit a declaration and receive its UPO through the gateway, signing included.

Runs the real pieces on this machine (PostgreSQL, RabbitMQ, the identity and declarations
services, the gateway) in private databases and a private vhost. Two ways:

- `--rate R` (as deployed): the services as `portal-run` processes, the gateway under gunicorn
  (its own workers and threads), this process the load: submissions arrive at R a second on
  a fixed schedule (open loop) whatever the answers do, and each latency counts from the
  arrival it was due at, so a slow system cannot hide its queue (no coordinated omission).
  The taxpayer's XAdES signature is made beforehand, as on the taxpayer's own computer.
- `--concurrency N` (default): everything in this process (nameko containers and the Flask
  app's test client), N clients in a closed loop, each signing then submitting.

Per submission: POST the signed submission, GET the UPO XML. Prints submissions/s, p50/p95,
and where the time went: signing (client XAdES + the office's verification), the database,
the UPO's signature, the bus and gateway (round trip less the service's own time), the UPO
download.

    .venv/bin/python bench/declarations_submit.py --submissions 200 --concurrency 4
    .venv/bin/python bench/declarations_submit.py --rate 20 --seconds 10
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import base64  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from urllib.parse import quote, urlsplit, urlunsplit  # noqa: E402

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from lxml import etree  # noqa: E402
from signxml.xades import XAdESSigner  # noqa: E402

from declarations import pki  # noqa: E402
from portal_shared.config import Config  # noqa: E402
from portal_shared.testing import RABBIT_API, RUN_ID, ServiceDatabases, free_port, wait_for_port  # noqa: E402

PESEL = "44051401359"


def private_vhost() -> str:
    vhost = f"bench-{RUN_ID}"
    api = RABBIT_API.rstrip("/")
    requests.put(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10).raise_for_status()
    requests.put(f"{api}/api/permissions/{quote(vhost, safe='')}/guest",
                 json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10).raise_for_status()
    base = urlsplit(Config().amqp_uri)
    os.environ["AMQP_URI"] = urlunsplit((base.scheme, base.netloc, "/" + quote(vhost, safe=""), "", ""))
    return vhost


def signed_in_client(app, databases) -> tuple:
    client = app.test_client()
    captcha = client.get("/api/v1/captcha").get_json()
    answer = client.get(f"/dev/captcha/{captcha['captcha_id']}").get_json()["answer"]
    account = client.post("/api/v1/registrations", json={
        "first_name": "Anna", "last_name": "Kowalska", "pesel": PESEL,
        "address": {"street": "Wielicka", "building": "28a", "postal_code": "30-552", "city": "Kraków"},
        "email": "bench@example.pl", "phone": "+48601234567", "login": "bench", "password": "Zimowy-Spacer7",
        "consent_terms": True, "captcha_id": captcha["captcha_id"], "captcha_answer": answer}).get_json()
    engine = sa.create_engine(databases.url("identity"))
    with engine.begin() as connection:  # the benchmark stands in for authentication at the office
        connection.execute(sa.text("UPDATE accounts SET level = 'authenticated' WHERE id = :id"),
                           {"id": account["account_id"]})
    engine.dispose()
    token = client.post("/api/v1/sessions", json={"login": "bench", "password": "Zimowy-Spacer7"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def prepared_draft(app, headers) -> tuple[str, bytes]:
    client = app.test_client()
    draft_id = client.post("/api/v1/drafts", json={"form_code": "WPW"}, headers=headers).get_json()["draft_id"]
    for step, values in (("who", {"taxpayer_name": "Anna Kowalska", "taxpayer_id": PESEL}),
                         ("details", {"payment_date": "2026-01-15", "amount": "1234,56",
                                      "target_liability_id": str(uuid.uuid4()), "explanation": "Pomyłka"})):
        assert client.put(f"/api/v1/drafts/{draft_id}/steps/{step}", json={"values": values},
                          headers=headers).status_code == 200
    document = client.get(f"/api/v1/drafts/{draft_id}/document", headers=headers).get_json()["xml_base64"]
    return draft_id, base64.b64decode(document)


def sign(signer, document: bytes) -> bytes:
    return etree.tostring(XAdESSigner(signature_algorithm="ecdsa-sha256").sign(
        etree.fromstring(document), key=signer.key_pem, cert=signer.cert_pem))


def submit_one(app, headers, signer, draft_id: str, document: bytes, signed: bytes | None = None,
               due: float | None = None) -> dict:
    """One submission and its UPO; `due` is when it should have started (open loop)."""
    client = app.test_client()
    started = time.perf_counter()
    if signed is None:
        signed = sign(signer, document)
    signed_at = time.perf_counter()
    response = client.post(f"/api/v1/drafts/{draft_id}/submission", headers={
        **headers, "Idempotency-Key": uuid.uuid4().hex}, json={
        "method": "qualified_signature", "signed_xml_base64": base64.b64encode(signed).decode()})
    submitted_at = time.perf_counter()
    assert response.status_code == 201, response.get_json()
    receipt = response.get_json()
    upo = client.get(f"/api/v1/declarations/{receipt['declaration_id']}/upo.xml", headers=headers)
    assert upo.status_code == 200 and receipt["upo_reference"].encode() in upo.data
    done = time.perf_counter()
    return {"total": done - (started if due is None else due), "client_signing": signed_at - started,
            "submit": submitted_at - signed_at, "upo_download": done - submitted_at, "server": receipt["timings_ms"]}


class HttpResponse:
    def __init__(self, response: requests.Response):
        self.status_code, self.data = response.status_code, response.content
        self.get_json = response.json


class HttpApp:
    """The gateway over real HTTP, shaped like Flask's test client (one kept session a thread)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self._local = threading.local()

    def test_client(self):
        return self

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def get(self, path, headers=None):
        return HttpResponse(self._session().get(self.base_url + path, headers=headers, timeout=60))

    def post(self, path, json=None, headers=None):
        return HttpResponse(self._session().post(self.base_url + path, json=json, headers=headers, timeout=60))

    def put(self, path, json=None, headers=None):
        return HttpResponse(self._session().put(self.base_url + path, json=json, headers=headers, timeout=60))


def open_loop(rate: float, work: list, submit) -> tuple[list[dict], float]:
    """Start one submission every 1/rate s on schedule, however many are still running."""
    interval, results, workers = 1 / rate, [], eventlet.GreenPool(10_000)
    started = time.perf_counter()
    for n, item in enumerate(work):
        due = started + n * interval
        eventlet.sleep(max(0.0, due - time.perf_counter()))
        workers.spawn_n(lambda item=item, due=due: results.append(submit(*item, due=due)))
    workers.waitall()
    return results, time.perf_counter() - started


def report(results: list[dict], wall: float) -> None:
    totals = sorted(r["total"] for r in results)
    p95 = totals[max(0, int(len(totals) * 0.95) - 1)]
    spent = {"signing (client XAdES + office verification)": 0.0, "database": 0.0,
             "form rebuild and validation": 0.0, "UPO signature (office key)": 0.0,
             "bus + gateway (submit round trip less service time)": 0.0, "other service work": 0.0,
             "UPO download (bus + gateway + database)": 0.0}
    for r in results:
        server = {k: v / 1000 for k, v in r["server"].items()}
        spent["signing (client XAdES + office verification)"] += r["client_signing"] + server.get("signing", 0)
        spent["database"] += server.get("database", 0)
        spent["form rebuild and validation"] += server.get("form_validation", 0)
        spent["UPO signature (office key)"] += server.get("upo_signing", 0)
        spent["bus + gateway (submit round trip less service time)"] += r["submit"] - server["total"]
        spent["other service work"] += server["total"] - sum(
            server.get(k, 0) for k in ("signing", "database", "form_validation", "upo_signing"))
        spent["UPO download (bus + gateway + database)"] += r["upo_download"]
    whole = sum(spent.values())
    print(f"submissions: {len(results)} in {wall:.2f} s -> {len(results) / wall:.1f} submissions/s")
    print(f"latency (sign + submit + UPO): p50 {statistics.median(totals) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    for name, seconds in spent.items():
        print(f"  {name:55s} {seconds / whole:6.1%}  {seconds / len(results) * 1000:7.1f} ms each")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (gunicorn's workers): unlike wall-clock
    figures, not stretched by other load on the machine."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return own + sum(cpu_seconds(int(child)) for child in children)


def deployed(databases, folder: str) -> tuple[HttpApp, list]:
    """identity and declarations as `portal-run` processes, the gateway under gunicorn."""
    for name in ("identity", "declarations"):
        databases.url(name)
    port = free_port()
    environment = {**os.environ, "GATEWAY_BIND": f"127.0.0.1:{port}", "OPS_HTTP_PORT": "0",
                   "RATE_LIMITS_ENABLED": "false"}
    processes = [subprocess.Popen([sys.executable, "-m", "portal_shared.runner", name], env=environment)
                 for name in ("identity", "declarations")]
    processes.append(subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-c", "services/gateway/gateway/gunicorn_conf.py",
         "gateway.app:create_app()"], env=environment, cwd=os.path.join(os.path.dirname(__file__), "..")))
    wait_for_port(port, timeout=60)
    app = HttpApp(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    while app.get("/api/v1/captcha").status_code != 200:  # the services consume once they are up
        if time.monotonic() > deadline:
            raise SystemExit("the gateway or identity did not come up in a minute")
        eventlet.sleep(0.5)
    settled(processes[-1])
    return app, processes


def settled(process, quiet_cpu: float = 0.1, timeout: float = 300) -> None:
    """Wait until the gateway's workers have warmed up (they build the chatbot's index in the
    background at start: seconds of CPU that are no submission's)."""
    deadline, spent = time.monotonic() + timeout, cpu_seconds(process.pid)
    while time.monotonic() < deadline:
        eventlet.sleep(2)
        now = cpu_seconds(process.pid)
        if now - spent < quiet_cpu:
            return
        spent = now


def wait_for_declarations(app, headers) -> None:
    deadline = time.monotonic() + 60
    while (answer := app.test_client().get("/api/v1/declarations", headers=headers)).status_code != 200:
        if time.monotonic() > deadline:
            raise SystemExit(f"declarations did not answer in a minute: {answer.get_json()}")
        eventlet.sleep(0.5)


def in_process(databases, concurrency: int):
    from nameko.containers import ServiceContainer

    from gateway.app import create_app
    from portal_shared.rpc_client import RpcPool
    from portal_shared.runner import service_class
    config, containers = Config(), []
    for name in ("identity", "declarations"):
        databases.url(name)
        container = ServiceContainer(service_class(name), config.nameko_config())
        container.start()
        containers.append(container)
    pool = RpcPool(config.nameko_config(), size=concurrency + 2, timeout=30)
    return create_app(Config(), pool), containers, pool


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100, help="closed loop: how many")
    parser.add_argument("--concurrency", type=int, default=4, help="closed loop: clients at once")
    parser.add_argument("--rate", type=float, nargs="*", help="open loop, as deployed: submissions a second")
    parser.add_argument("--seconds", type=float, default=10, help="open loop: how long each rate runs")
    args = parser.parse_args(argv)
    os.environ.setdefault("PORTAL_ENV", "test")
    os.environ["LOG_LEVEL"] = "WARNING"
    folder = tempfile.mkdtemp(prefix="bench-pki-")
    ca = pki.new_ca("Bench Qualified CA")
    anchors = os.path.join(folder, "anchors.pem")
    with open(anchors, "wb") as handle:
        handle.write(ca.cert_pem)
    os.environ["QUALIFIED_TRUST_ANCHORS_FILE"] = anchors
    signer = pki.issue_signing_cert(ca, "Anna Kowalska", f"PNOPL-{PESEL}")
    vhost = private_vhost()
    databases = ServiceDatabases()
    containers, processes, pool = [], [], None
    try:
        if args.rate:
            app, processes = deployed(databases, folder)
        else:
            app, containers, pool = in_process(databases, args.concurrency)
        headers = signed_in_client(app, databases)
        wait_for_declarations(app, headers)
        if args.rate:
            for rate in args.rate:
                prepared = list(eventlet.GreenPool(8).imap(lambda _: prepared_draft(app, headers),
                                                           range(int(rate * args.seconds))))
                work = [(draft_id, document, sign(signer, document)) for draft_id, document in prepared]
                print(f"--- open loop at {rate:g} submissions/s for {args.seconds:g} s")
                before = [cpu_seconds(process.pid) for process in processes]
                report(*open_loop(rate, work, lambda *item, due: submit_one(app, headers, signer, *item, due=due)))
                spent = [cpu_seconds(process.pid) - cpu for process, cpu in zip(processes, before, strict=True)]
                print("  CPU per submission: " + ", ".join(
                    f"{name} {cpu / len(work) * 1000:.0f} ms" for name, cpu in zip(
                        ("identity", "declarations", "gateway"), spent, strict=True))
                    + f" (2 cores: at most ~{2 / (sum(spent) / len(work)):.0f}/s before the database and broker)")
        else:
            drafts = [prepared_draft(app, headers) for _ in range(args.submissions)]
            workers = eventlet.GreenPool(args.concurrency)
            started = time.perf_counter()
            results = list(workers.imap(lambda d: submit_one(app, headers, signer, *d), drafts))
            report(results, time.perf_counter() - started)
    finally:
        if pool:
            pool.close()
        for container in containers:
            container.stop()
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
        databases.drop()
        requests.delete(f"{RABBIT_API.rstrip('/')}/api/vhosts/{quote(vhost, safe='')}", timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
