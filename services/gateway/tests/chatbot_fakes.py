"""The app for chatbot and IVR tests, with a fake RPC pool that answers identity's session
look-up and the helpline's calls from memory. Import its fixtures into a test module."""
from datetime import UTC, datetime

import pytest

from portal_shared.config import Config
from portal_shared.contracts import helpline, identity
from portal_shared.errors import Forbidden, NotFound


class FakeRpcPool:
    """Answers the identity calls the gateway makes for a signed-in account, and the helpline's
    chat transcript calls from memory; records every helpline call."""

    def __init__(self):
        self.accounts: dict[str, dict] = {}
        self.calls: list[tuple[str, dict]] = []
        self.chats: dict[str, dict] = {}

    def call(self, method, request_id=None, **kwargs):
        if method is identity.SESSION_ACCOUNT and kwargs["token"] in self.accounts:
            return self.accounts[kwargs["token"]]
        if method is identity.ACTING_FOR:
            return {"subject": None}
        if method.service != helpline.SERVICE:
            raise AssertionError(f"unexpected RPC {method.service}.{method.name}")
        self.calls.append((method.name, kwargs))
        return getattr(self, method.name, lambda **_: {})(**kwargs)

    def chat_append(self, conversation_id, lang, lines):
        chat = self.chats.setdefault(conversation_id, {
            "conversation_id": conversation_id, "lang": lang, "started_at": datetime.now(UTC),
            "queue": None, "state": None, "routed_at": None, "lines": []})
        chat["lines"] += [{"article_id": None, **line} for line in lines]
        return chat

    def chat_conversation(self, conversation_id):
        if conversation_id not in self.chats:
            raise NotFound("chatbot.conversation_not_found")
        return self.chats[conversation_id]

    def route_contact(self, call_id, queue, routed_by, channel):
        if call_id in self.chats:
            self.chats[call_id].update(queue=queue, state="waiting")
        return {}

    def waiting_chats(self, actor, queue):
        if "consultant" not in actor["roles"]:
            raise Forbidden("role.required")
        return {"conversations": [c for c in self.chats.values()
                                  if c["state"] == "waiting" and queue in (None, c["queue"])]}

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
