"""The outbox promise: an event leaves a service if and only if its transaction commits,
survives a crash between commit and publish, and is handled once however often it arrives."""
import uuid

import pytest
import sqlalchemy as sa
from marshmallow import fields
from nameko.containers import ServiceContainer
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter
from sqlalchemy.orm import DeclarativeBase

from portal_shared import entrypoints
from portal_shared.contracts.base import Event, EventPayload, RpcMethod, StrictSchema
from portal_shared.db import Database, outbox_tables
from portal_shared.dead_letters import DeadLetters
from portal_shared.entrypoints import handles, rpc_method
from portal_shared.errors import Forbidden


class Base(DeclarativeBase):
    pass


outbox_tables(Base.metadata)


class Note(EventPayload):
    text = fields.String(required=True)


class Text(StrictSchema):
    text = fields.String(required=True)


NOTED = Event("outbox_probe", "noted", 1, Note)
EMIT = RpcMethod("outbox_probe", "emit", Text)
EMIT_THEN_FAIL = RpcMethod("outbox_probe", "emit_then_fail", Text)
received: list[dict] = []


class Producer:
    name = "outbox_probe"
    db = Database("ledger", Base.metadata)  # any service database has the outbox tables

    @rpc_method(EMIT)
    def emit(self, text):
        self.db.emit(NOTED, text=text)

    @rpc_method(EMIT_THEN_FAIL)
    def emit_then_fail(self, text):
        self.db.emit(NOTED, text=text)
        raise RuntimeError("the change fails after the event was written")


class Consumer:
    name = "outbox_consumer"
    db = Database("ledger", Base.metadata)

    @handles(NOTED)
    def on_noted(self, event):
        received.append(event)


@pytest.fixture
def containers(service_databases, nameko_config):
    url = service_databases.url("ledger")
    received.clear()
    started = []

    def start(cls):
        container = ServiceContainer(cls, nameko_config)
        container.start()
        started.append(container)
        return container

    yield start, url
    for container in started:
        container.kill()  # stop() waits out the consumers' drain timeout; nothing here needs it


def unpublished(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        count = conn.scalar(sa.text("SELECT count(*) FROM outbox_events WHERE published_at IS NULL"))
    engine.dispose()
    return count


def test_a_committed_event_is_published_and_handled(containers, rpc):
    start, url = containers
    start(Producer)
    consumer = start(Consumer)
    with entrypoint_waiter(consumer, "on_noted"):
        EMIT(rpc, text="hello")
    assert [event["text"] for event in received] == ["hello"]
    assert unpublished(url) == 0


def test_a_rolled_back_change_sends_no_event(containers, rpc):
    start, url = containers
    start(Producer)
    consumer = start(Consumer)
    with pytest.raises(Exception, match="RuntimeError"):
        EMIT_THEN_FAIL(rpc, text="never")
    with entrypoint_waiter(consumer, "on_noted"):
        EMIT(rpc, text="after")  # events are ordered: "never" would have come first
    assert [event["text"] for event in received] == ["after"]


def test_an_event_committed_before_a_crash_is_published_after_restart(containers):
    start, url = containers
    payload = NOTED.build(text="written before the crash")
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # what a crashed service left: committed, never published
        conn.execute(Base.metadata.tables["outbox_events"].insert().values(
            event_id=payload["event_id"], source="outbox_probe", event_type="noted",
            payload=payload, headers={}))
    engine.dispose()
    consumer = start(Consumer)
    with entrypoint_waiter(consumer, "on_noted", timeout=10):
        start(Producer)
    assert [event["text"] for event in received] == ["written before the crash"]
    assert unpublished(url) == 0


def test_a_redelivered_event_is_handled_once(containers, nameko_config):
    start, _ = containers
    consumer = start(Consumer)
    dispatch = event_dispatcher(nameko_config)
    payload = NOTED.build(text="twice")
    for _ in range(2):
        with entrypoint_waiter(consumer, "on_noted"):
            dispatch("outbox_probe", "noted", payload)
    assert len(received) == 1
    other = {**payload, "event_id": str(uuid.uuid4())}
    with entrypoint_waiter(consumer, "on_noted"):
        dispatch("outbox_probe", "noted", other)
    assert len(received) == 2


flaky_failures_left = {"count": 0}


class FlakyConsumer:
    """Fails while `flaky_failures_left` says so, then works."""
    name = "flaky_consumer"
    db = Database("ledger", Base.metadata)

    @handles(NOTED)
    def on_noted(self, event):
        if flaky_failures_left["count"] > 0:
            flaky_failures_left["count"] -= 1
            raise ConnectionError("a provider is away")
        received.append(event)


class FlakyWithDeadLetters(FlakyConsumer, DeadLetters):
    pass


ADMIN = {"account_id": str(uuid.uuid4()), "pesel": None, "level": "authenticated", "roles": ["admin"]}


@pytest.fixture
def quick_retries(monkeypatch):
    monkeypatch.setattr(entrypoints, "BACKOFF_SECONDS", (0.01,))


def test_a_failing_handler_is_retried_until_it_succeeds(containers, nameko_config, quick_retries):
    start, _ = containers
    flaky_failures_left["count"] = 2
    consumer = start(FlakyConsumer)
    with entrypoint_waiter(consumer, "on_noted", callback=lambda *args: bool(received), timeout=10):
        event_dispatcher(nameko_config)("outbox_probe", "noted", NOTED.build(text="eventually"))
    assert [event["text"] for event in received] == ["eventually"]


def test_an_always_failing_event_is_dead_lettered_without_blocking_the_queue_and_can_be_replayed(
        containers, nameko_config, rpc, quick_retries):
    start, _ = containers
    flaky_failures_left["count"] = entrypoints.MAX_ATTEMPTS
    consumer = start(FlakyWithDeadLetters)
    dispatch = event_dispatcher(nameko_config)
    poison = NOTED.build(text="poison")
    with entrypoint_waiter(consumer, "on_noted", callback=lambda *args: flaky_failures_left["count"] == 0,
                           timeout=10):
        dispatch("outbox_probe", "noted", poison)
    flaky_failures_left["count"] = 0
    with entrypoint_waiter(consumer, "on_noted"):
        dispatch("outbox_probe", "noted", NOTED.build(text="next"))
    assert [event["text"] for event in received] == ["next"]

    [dead] = rpc.flaky_consumer.failed_events(actor=ADMIN)
    assert dead["event_id"] == poison["event_id"] and dead["attempts"] == entrypoints.MAX_ATTEMPTS
    assert dead["dead_at"] and "ConnectionError" in dead["last_error"]
    with pytest.raises(Forbidden):
        rpc.flaky_consumer.failed_events(actor={**ADMIN, "roles": ["consultant"]})

    replayed = rpc.flaky_consumer.replay_failed_event(actor=ADMIN, event_id=poison["event_id"],
                                                      handler="on_noted")
    assert replayed["dead_at"] is None and replayed["replayed_at"]
    assert [event["text"] for event in received] == ["next", "poison"]
