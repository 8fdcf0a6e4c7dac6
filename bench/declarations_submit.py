"""Benchmark: submit a declaration and receive its UPO through the gateway, signing included.

Runs the real pieces on this machine (PostgreSQL, RabbitMQ, the identity and declarations
services as nameko containers, the gateway app) in private databases and a private vhost,
then, with `--concurrency` clients, per submission: signs the form document with a qualified
(XAdES) signature, POSTs the submission, GETs the UPO XML. Prints submissions/s, p50/p95, and
where the time went: signing (client XAdES + the office's verification), the database, the
UPO's signature, the bus and gateway (round trip less the service's own time), the UPO download.

    .venv/bin/python bench/declarations_submit.py --submissions 200 --concurrency 4
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import base64  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from urllib.parse import quote, urlsplit, urlunsplit  # noqa: E402

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from lxml import etree  # noqa: E402
from signxml.xades import XAdESSigner  # noqa: E402

from declarations import pki  # noqa: E402
from portal_shared.config import Config  # noqa: E402
from portal_shared.testing import RABBIT_API, RUN_ID, ServiceDatabases  # noqa: E402

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


def submit_one(app, headers, signer, draft_id: str, document: bytes) -> dict:
    client = app.test_client()
    started = time.perf_counter()
    signed = etree.tostring(XAdESSigner(signature_algorithm="ecdsa-sha256").sign(
        etree.fromstring(document), key=signer.key_pem, cert=signer.cert_pem))
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
    return {"total": done - started, "client_signing": signed_at - started, "submit": submitted_at - signed_at,
            "upo_download": done - submitted_at, "server": receipt["timings_ms"]}


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
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

    from nameko.containers import ServiceContainer

    from gateway.app import create_app
    from portal_shared.rpc_client import RpcPool
    from portal_shared.runner import service_class
    vhost = private_vhost()
    databases = ServiceDatabases()
    containers = []
    try:
        config = Config()
        for name in ("identity", "declarations"):
            databases.url(name)
            container = ServiceContainer(service_class(name), config.nameko_config())
            container.start()
            containers.append(container)
        pool = RpcPool(config.nameko_config(), size=args.concurrency + 2, timeout=30)
        app = create_app(Config(), pool)
        headers = signed_in_client(app, databases)
        drafts = [prepared_draft(app, headers) for _ in range(args.submissions)]
        workers = eventlet.GreenPool(args.concurrency)
        started = time.perf_counter()
        results = list(workers.imap(lambda d: submit_one(app, headers, signer, *d), drafts))
        report(results, time.perf_counter() - started)
        pool.close()
    finally:
        for container in containers:
            container.stop()
        databases.drop()
        requests.delete(f"{RABBIT_API.rstrip('/')}/api/vhosts/{quote(vhost, safe='')}", timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
