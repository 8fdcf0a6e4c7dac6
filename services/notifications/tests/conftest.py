"""Notifications against real PostgreSQL, RabbitMQ, the SMTP sink and the fake SMS operator and
push service, with small fake nameko services standing in for identity, ledger and
declarations (built in parallel). They run on a private RabbitMQ vhost, so they never answer
calls meant for the real services started by other tests in the same run."""
import os
from urllib.parse import quote, urlsplit, urlunsplit

import eventlet
import eventlet.wsgi
import pytest
import requests
from nameko.containers import ServiceContainer
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from notifications_story import FakeDeclarations, FakeIdentity, FakeLedger

from portal_shared.config import Config
from portal_shared.testing import RABBIT_API, RUN_ID, free_port


@pytest.fixture(scope="session")
def private_config(amqp_uri):
    vhost = f"test-notifications-{RUN_ID}"
    api = RABBIT_API.rstrip("/")
    requests.put(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10).raise_for_status()
    requests.put(f"{api}/api/permissions/{quote(vhost, safe='')}/guest",
                 json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10).raise_for_status()
    base = urlsplit(amqp_uri)
    config = Config().nameko_config()
    config["AMQP_URI"] = urlunsplit((base.scheme, base.netloc, "/" + quote(vhost, safe=""), "", ""))
    yield config
    requests.delete(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10)


@pytest.fixture(scope="session")
def gateway_url(private_config):
    """The gateway served over real HTTP (the SMS operator calls it back), on the private vhost."""
    from gateway.app import create_app
    from portal_shared.rpc_client import RpcPool

    port = free_port()
    pool = RpcPool(private_config, size=2, timeout=15)
    server = eventlet.spawn(eventlet.wsgi.server, eventlet.listen(("127.0.0.1", port)),
                            create_app(Config(), pool), log_output=False)
    yield f"http://127.0.0.1:{port}"
    server.kill()
    pool.close()


@pytest.fixture(scope="session")
def system(private_config, notification_fakes, service_databases, gateway_url):
    """notifications (two replicas) with its fakes, on the private vhost."""
    from notifications.service import Service

    os.environ["NOTIFY_RETRY_DELAYS_MS"] = "200,400"
    os.environ["SMS_CALLBACK_URL"] = f"{gateway_url}/api/v1/callbacks/sms"
    service_databases.url("notifications")
    containers = [ServiceContainer(cls, private_config)
                  for cls in (Service, Service, FakeIdentity, FakeLedger, FakeDeclarations)]
    for container in containers:
        container.start()
    notification_fakes.replicas = containers[:2]
    yield notification_fakes
    for container in containers:
        container.stop()


@pytest.fixture
def fakes(system, service_databases):
    for fake in (system.mail, system.sms, system.push):
        fake.clear()
    FakeIdentity.contacts_by_subject.clear()
    FakeLedger.installments.clear()
    FakeLedger.calls.clear()
    FakeDeclarations.failures_left = 0
    return system


@pytest.fixture(scope="session")
def rpc_private(private_config):
    with ClusterRpcProxy(private_config, timeout=15) as proxy:
        yield proxy


@pytest.fixture(scope="session")
def publish(private_config):
    """`publish(event_contract, **fields)` -> the payload, dispatched as the source service would."""
    dispatch = event_dispatcher(private_config)

    def send(event, payload=None, **fields):
        payload = payload or event.build(**fields)
        dispatch(event.source, event.name, payload)
        return payload
    return send
