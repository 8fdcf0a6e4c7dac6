"""Gateway unit tests: the Flask app with a fake RPC pool (no broker), and one chatbot per run
(its lemmatiser dictionary takes seconds to load)."""
import pytest

from gateway.chatbot import Chatbot
from portal_shared.config import Config
from portal_shared.contracts import identity


@pytest.fixture(scope="session")
def chatbot():
    bot = Chatbot(Config().knowledge_base_dir)
    bot.languages()
    return bot


class FakeRpcPool:
    """Answers the identity calls the gateway makes for a signed-in account; records others."""

    def __init__(self):
        self.accounts: dict[str, dict] = {}
        self.calls: list[tuple[str, dict]] = []  # every other call, answered with {}

    def call(self, method, request_id=None, **kwargs):
        if method is identity.SESSION_ACCOUNT and kwargs["token"] in self.accounts:
            return self.accounts[kwargs["token"]]
        if method.service == identity.SERVICE:
            raise AssertionError(f"unexpected RPC {method.service}.{method.name}")
        self.calls.append((method.name, kwargs))
        return {}

    def close(self):
        pass


@pytest.fixture
def rpc_pool():
    return FakeRpcPool()


@pytest.fixture
def app(chatbot, rpc_pool):
    from gateway.app import create_app

    app = create_app(Config(environment="test"), rpc_pool)
    app.extensions["chatbot"] = chatbot
    return app


@pytest.fixture
def client(app):
    return app.test_client()
