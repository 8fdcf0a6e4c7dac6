"""Provider clients and the delivery queues, built once per container in `setup()`.

Delayed requeue without a broker plugin: a temporary failure is published to a per-delay
queue `notifications.retry.<ms>ms` whose messages expire after that delay (`x-message-ttl`)
and are dead-lettered back to the send queue. One queue per delay keeps expiry in order.
"""
from types import SimpleNamespace

from kombu import Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.extensions import DependencyProvider

from notifications.email_client import SmtpClient
from notifications.push_client import PushClient
from notifications.sms_client import SmsClient
from portal_shared.config import Config

EXCHANGE = Exchange("notifications.delivery", type="direct", durable=True)
SEND_QUEUE = Queue("notifications.send", exchange=EXCHANGE, routing_key="send", durable=True)
# A reminder run's pages of installments: every replica composes them (contacts, templates, inserts).
COMPOSE_QUEUE = Queue("notifications.compose", exchange=EXCHANGE, routing_key="compose", durable=True)
BATCH = 200


def retry_queue(delay_ms: int) -> Queue:
    return Queue(f"notifications.retry.{delay_ms}ms", exchange=EXCHANGE, routing_key=f"retry.{delay_ms}ms",
                 durable=True, queue_arguments={"x-message-ttl": delay_ms, "x-dead-letter-exchange": EXCHANGE.name,
                                                "x-dead-letter-routing-key": "send"})


class Channels(DependencyProvider):
    def setup(self):
        config = Config()
        self.channels = SimpleNamespace(email=SmtpClient(config), sms=SmsClient(config), push=PushClient(config))

    def get_dependency(self, worker_ctx):
        return self.channels

    def stop(self):
        self.channels.email.close()


class SendQueue:
    def __init__(self, amqp_uri: str):
        self.publisher = Publisher(amqp_uri, serializer="json", use_confirms=True)

    def send(self, message_ids: list[str], delay_ms: int | None = None) -> None:
        """Ask the senders to send these messages, now or after a delay."""
        queue = SEND_QUEUE if delay_ms is None else retry_queue(delay_ms)
        for start in range(0, len(message_ids), BATCH):
            self.publisher.publish({"message_ids": message_ids[start:start + BATCH]}, exchange=EXCHANGE,
                                   routing_key=queue.routing_key, declare=[queue], delivery_mode=2)


    def compose(self, installments: list[dict], days_before: int) -> None:
        """Hand a page of due installments to whichever replica is free to write its reminders."""
        self.publisher.publish({"installments": installments, "days_before": days_before}, exchange=EXCHANGE,
                               routing_key=COMPOSE_QUEUE.routing_key, declare=[COMPOSE_QUEUE], delivery_mode=2)


class Requeue(DependencyProvider):
    def setup(self):
        self.queue = SendQueue(self.container.config["AMQP_URI"])

    def get_dependency(self, worker_ctx):
        return self.queue
