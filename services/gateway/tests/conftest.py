"""Gateway unit tests: the real Flask app and real Redis (keys under a prefix of this run),
with a small fake in place of the RPC pool, so no broker or service is needed."""
import dataclasses
import uuid

import pytest
import redis

from portal_shared.config import Config


class FakeRpc:
    """Answers RPC calls from a table of contract -> function, and counts the calls."""

    def __init__(self):
        self.answers = {}
        self.calls = []

    def on(self, method, answer):
        self.answers[method] = answer

    def call(self, method, request_id=None, **kwargs):
        self.calls.append((method, kwargs))
        return self.answers[method](**kwargs)


@pytest.fixture
def redis_prefix():
    prefix = f"test-gateway-{uuid.uuid4().hex[:8]}"
    yield prefix
    client = redis.Redis.from_url(Config().redis_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def rpc():
    return FakeRpc()


@pytest.fixture
def make_app(redis_prefix, rpc):
    from gateway.app import create_app

    def make(**config):
        settings = {"environment": "test", "redis_key_prefix": redis_prefix, "rate_limits_enabled": True,
                    **config}
        return create_app(dataclasses.replace(Config(), **settings), rpc)
    return make


@pytest.fixture
def client(make_app):
    return make_app().test_client()


@pytest.fixture(scope="session")
def chatbot():
    """One chatbot per run: its lemmatiser dictionary takes seconds to load."""
    from gateway.chatbot import Chatbot

    bot = Chatbot(Config().knowledge_base_dir)
    bot.languages()
    return bot
