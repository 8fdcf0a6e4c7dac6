"""End-to-end fixtures: every service as a real nameko container on a private RabbitMQ
vhost and real PostgreSQL databases, the SMTP sink as a process, the gateway app in front."""
import pytest
from declarations_helpers import (  # noqa: F401  (the declarations tests' fixtures)
    declaration_events,
    identity_grants,
    qualified,
    trusted_profile_service,
)

from portal_shared.config import SERVICES, Config


@pytest.fixture(scope="session")
def system(mail_sink, service_containers, nameko_config):
    service_containers(*SERVICES)
    return mail_sink


@pytest.fixture(scope="session")
def gateway_app(system, nameko_config):
    from gateway.app import create_app
    from gateway.rpc import RpcPool

    pool = RpcPool(nameko_config, size=4, timeout=15)
    app = create_app(Config(), pool)
    yield app
    pool.close()


@pytest.fixture
def client(gateway_app, service_databases, system):
    system.clear()
    return gateway_app.test_client()


@pytest.fixture(scope="session")
def identity_events(system, nameko_config):
    """What identity publishes for other services to act on (e.g. notifications sending a reset
    link or an SMS code), caught by a small consumer on the test vhost."""
    from event_recorder import IdentityEventRecorder, RecordedEvents
    from nameko.containers import ServiceContainer

    container = ServiceContainer(IdentityEventRecorder, nameko_config)
    container.start()
    yield RecordedEvents(IdentityEventRecorder.received)
    container.stop()
from identity_helpers import identity, make_account  # noqa: E402,F401  identity fixtures for its tests
