"""The taxpayer's side of filing, for the declarations tests: a signed-in `authenticated` account,
a qualified signer's certificate from a test CA, the fake trusted-profile service, and a test
consumer of the declarations service's events."""
import base64
import itertools
import os
import queue
import threading
import uuid
from datetime import date

import pytest
import requests
import sqlalchemy as sa
from helpers import code_from, registration
from kombu import Connection, Exchange, Queue
from lxml import etree
from signxml.xades import XAdESSigner

from declarations import pki
from portal_shared.testing import free_port, start_process

PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
_serials = itertools.count(1001)


def new_pesel(born: date = date(1980, 5, 17)) -> str:
    """A valid PESEL (checksum included) that no other test uses."""
    month = born.month + (20 if born.year >= 2000 else 0)
    digits = f"{born.year % 100:02d}{month:02d}{born.day:02d}{next(_serials) % 10000:04d}"
    check = (10 - sum(int(d) * w for d, w in zip(digits, PESEL_WEIGHTS, strict=True)) % 10) % 10
    return digits + str(check)


class Taxpayer:
    def __init__(self, client, token: str, account: dict):
        self.client, self.token, self.account = client, token, account

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path, **kwargs):
        return self.client.get(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def put(self, path, **kwargs):
        return self.client.put(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def delete(self, path, **kwargs):
        return self.client.delete(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    # --- the wizard ---
    def start(self, form_code: str, subject: str | None = None) -> dict:
        response = self.post("/api/v1/drafts", json={"form_code": form_code, "subject": subject})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def step(self, draft_id: str, step: str, values: dict, lang: str = "pl"):
        return self.put(f"/api/v1/drafts/{draft_id}/steps/{step}", json={"values": values},
                        headers={"Accept-Language": lang})

    def fill(self, draft_id: str, steps: dict) -> dict:
        draft = None
        for step, values in steps.items():
            response = self.step(draft_id, step, values)
            assert response.status_code == 200, (step, response.get_json())
            draft = response.get_json()
        return draft

    def submit(self, draft_id: str, key: str | None = None, **body):
        return self.post(f"/api/v1/drafts/{draft_id}/submission", json=body,
                         headers={"Idempotency-Key": key or uuid.uuid4().hex})

    def document(self, draft_id: str) -> bytes:
        response = self.get(f"/api/v1/drafts/{draft_id}/document")
        assert response.status_code == 200, response.get_json()
        return base64.b64decode(response.get_json()["xml_base64"])


def sign_up(client, system, service_databases, *, authenticated: bool = True, **overrides) -> Taxpayer:
    """Register, verify the e-mail, sign in; then (test only) raise the account's level."""
    pesel = overrides.pop("pesel", None) or new_pesel()
    login = overrides.pop("login", None) or f"t{pesel}"
    email = f"{login}@example.pl"
    form = registration(client, pesel=pesel, login=login, email=email, **overrides)
    created = client.post("/api/v1/registrations", json=form)
    assert created.status_code == 201, created.get_json()
    account = created.get_json()
    [message] = system.wait_for(email)
    verified = client.post("/api/v1/email-verifications",
                           json={"account_id": account["account_id"], "code": code_from(message)})
    assert verified.status_code == 200
    if authenticated:
        set_level_for_tests_only(service_databases, account["account_id"], "authenticated")
    session = client.post("/api/v1/sessions", json={"login": login, "password": form["password"]})
    assert session.status_code == 201
    return Taxpayer(client, session.get_json()["token"], {**account, "pesel": pesel})


def set_level_for_tests_only(service_databases, account_id: str, level: str) -> None:
    """TEST ONLY: authentication to level `authenticated` (trusted profile, in person) is built
    in identity by a colleague; until then the tests set the level in identity's test database."""
    engine = sa.create_engine(service_databases.url("identity"))
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE accounts SET level = :level WHERE id = :id"),
                           {"level": level, "id": account_id})
    engine.dispose()


# --- qualified signature ---------------------------------------------------------------
class QualifiedPki:
    def __init__(self, folder):
        self.ca = pki.new_ca("Test Qualified CA")
        self.anchors = os.path.join(folder, "qualified-anchors.pem")
        with open(self.anchors, "wb") as handle:
            handle.write(self.ca.cert_pem)

    def signer(self, pesel: str, name: str = "Anna Kowalska", ca=None) -> pki.KeyPair:
        return pki.issue_signing_cert(ca or self.ca, name, f"PNOPL-{pesel}")


def xades_sign(document: bytes, signer: pki.KeyPair) -> bytes:
    root = etree.fromstring(document)
    signed = XAdESSigner(signature_algorithm="ecdsa-sha256").sign(root, key=signer.key_pem, cert=signer.cert_pem)
    return etree.tostring(signed)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture(scope="session")
def qualified(tmp_path_factory):
    found = QualifiedPki(tmp_path_factory.mktemp("pki"))
    os.environ["QUALIFIED_TRUST_ANCHORS_FILE"] = found.anchors
    return found


# --- trusted profile (fake service as a process) ---------------------------------------------
class FakeTrustedProfile:
    def __init__(self, url: str):
        self.url = url

    def approve(self, redirect_url: str, pesel: str, first_name="Anna", last_name="Kowalska"):
        """What the person does on the service's page after logging in there."""
        signing_id = redirect_url.rstrip("/").rsplit("/", 1)[-1]
        response = requests.post(f"{self.url}/api/signing-requests/{signing_id}/approve",
                                 json={"pesel": pesel, "first_name": first_name, "last_name": last_name},
                                 timeout=5)
        assert response.status_code == 200
        return signing_id


@pytest.fixture(scope="session")
def trusted_profile_service(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tp")
    pair = pki.self_signed("Profil Zaufany (test)")
    pem = folder / "tp.pem"
    pem.write_bytes(pair.key_pem + pair.cert_pem)
    cert = folder / "tp.crt"
    cert.write_bytes(pair.cert_pem)
    port = free_port()
    process = start_process("declarations.fakes.signing_service", "--port", str(port), "--pem", str(pem),
                            ports=(port,))
    os.environ["TRUSTED_PROFILE_URL"] = f"http://127.0.0.1:{port}"
    os.environ["TRUSTED_PROFILE_CERT_FILE"] = str(cert)
    yield FakeTrustedProfile(f"http://127.0.0.1:{port}")
    process.terminate()
    process.wait(10)


# --- a test consumer of the service's events ----------------------------------------------------
class EventTap:
    """Every event the declarations service publishes, as a consumer of its exchange sees it."""

    def __init__(self, amqp_uri: str):
        self.received: queue.Queue[tuple[str, dict]] = queue.Queue()
        self.seen: list[tuple[str, dict]] = []
        self.connection = Connection(amqp_uri)
        exchange = Exchange("declarations.events", type="topic", durable=True)
        self.queue = Queue(f"test-tap-{uuid.uuid4().hex[:8]}", exchange, routing_key="#", auto_delete=True)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        with self.connection.Consumer(self.queue, callbacks=[self._on_message], accept=["json"]):
            while not self.stopping.is_set():
                try:
                    self.connection.drain_events(timeout=0.2)
                except TimeoutError:
                    continue
                except OSError:
                    if self.stopping.is_set():
                        return
                    raise

    def _on_message(self, body, message):
        self.received.put((message.delivery_info["routing_key"], body))
        message.ack()

    def wait_for(self, event_type: str, timeout: float = 15.0, **match) -> dict:
        """The first event of this type whose fields equal `match` (earlier ones are kept)."""
        for name, body in self.seen:
            if name == event_type and all(body.get(k) == v for k, v in match.items()):
                return body
        while True:
            try:
                name, body = self.received.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no {event_type} {match}; seen {[n for n, _ in self.seen]}") from None
            self.seen.append((name, body))
            if name == event_type and all(body.get(k) == v for k, v in match.items()):
                return body

    def close(self):
        self.stopping.set()
        self.thread.join(5)
        self.connection.release()


@pytest.fixture(scope="session")
def declaration_events(amqp_uri, system):
    tap = EventTap(amqp_uri)
    yield tap
    tap.close()


@pytest.fixture
def identity_grants(monkeypatch):
    """TEST ONLY: mandates (identity.AUTHORIZE) are built in identity by a colleague; until then
    the running identity container answers from this table. `identity_grants(account_id, subject)`."""
    from identity.service import Service

    granted: dict[tuple[str, str], str] = {}

    def authorize(self, account_id, subject, scope):
        mandate = granted.get((str(account_id), subject))
        return {"allowed": mandate is not None, "mandate_id": mandate}

    monkeypatch.setattr(Service, "authorize", authorize)

    def grant(account_id: str, subject: str) -> str:
        granted[(str(account_id), subject)] = str(uuid.uuid4())
        return granted[(str(account_id), subject)]
    return grant
