"""Metrics, probes and queue types of real service containers on the test broker."""
import time
import uuid
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import requests
from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy
from werkzeug.test import Client

from portal_shared.contracts import ledger
from portal_shared.observability import ops_app
from portal_shared.runner import service_class
from portal_shared.testing import RABBIT_API


def metric(text: str, name: str, **labels) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{") and all(part in line for part in wanted.split(",")):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_rpc_calls_and_show_the_outbox_backlog(system, nameko_config):
    probes = Client(ops_app(nameko_config["AMQP_URI"]))
    before = metric(probes.get("/metrics").get_data(as_text=True), "portal_rpc_calls_total",
                    service="ledger", method="health", outcome="ok")
    with ClusterRpcProxy(nameko_config, timeout=15) as rpc:
        for _ in range(3):
            assert ledger.HEALTH(rpc)["status"] == "ok"
    # nameko replies before its `worker_result` hooks run: the last call is counted just after
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        scraped = probes.get("/metrics").get_data(as_text=True)
        if metric(scraped, "portal_rpc_calls_total", service="ledger", method="health", outcome="ok") == before + 3:
            break
        time.sleep(0.02)
    assert metric(scraped, "portal_rpc_calls_total", service="ledger", method="health", outcome="ok") == before + 3
    assert 'portal_rpc_latency_seconds_count{method="health",service="ledger"}' in scraped
    assert 'portal_outbox_unpublished_events{service="ledger"} 0.0' in scraped
    assert 'portal_outbox_lag_seconds{service="ledger"}' in scraped


def test_readiness_needs_the_broker_and_the_database(system, nameko_config):
    ready = Client(ops_app(nameko_config["AMQP_URI"])).get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json()["ledger_database"] == "ok"
    assert Client(ops_app(nameko_config["AMQP_URI"])).get("/livez").status_code == 200
    no_broker = Client(ops_app("amqp://guest:guest@127.0.0.1:1/")).get("/readyz")
    assert no_broker.status_code == 503
    assert no_broker.get_json()["broker"].startswith("failed")


@pytest.fixture
def quorum_vhost_config(nameko_config):
    """A vhost of its own: a queue's type is fixed when first declared."""
    api, vhost = RABBIT_API.rstrip("/"), f"test-quorum-{uuid.uuid4().hex[:8]}"
    requests.put(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10).raise_for_status()
    requests.put(f"{api}/api/permissions/{quote(vhost, safe='')}/guest",
                 json={"configure": ".*", "write": ".*", "read": ".*"}, timeout=10).raise_for_status()
    base = urlsplit(nameko_config["AMQP_URI"])
    uri = urlunsplit((base.scheme, base.netloc, "/" + quote(vhost, safe=""), "", ""))
    yield {**nameko_config, "AMQP_URI": uri, "QUEUE_TYPE": "quorum"}, f"{api}/api/queues/{quote(vhost, safe='')}"
    requests.delete(f"{api}/api/vhosts/{quote(vhost, safe='')}", timeout=10)


def test_quorum_setting_declares_the_services_durable_queues_as_quorum_queues(service_databases,
                                                                             quorum_vhost_config):
    config, queues_api = quorum_vhost_config
    service_databases.url("notifications")
    container = ServiceContainer(service_class("notifications"), config)
    container.start()
    try:
        with ClusterRpcProxy(config, timeout=15) as proxy:
            assert proxy.notifications.health()["status"] == "ok"
        types = {queue["name"]: queue["type"] for queue in requests.get(queues_api, timeout=10).json()}
    finally:
        container.stop()
    assert types["rpc-notifications"] == "quorum"
    event_queues = [name for name in types if name.startswith("evt-identity-")]
    assert event_queues and all(types[name] == "quorum" for name in event_queues)
    # the caller's reply queue is exclusive and temporary: it stays classic
    assert any(name.startswith("rpc.reply-") and kind == "classic" for name, kind in types.items())
