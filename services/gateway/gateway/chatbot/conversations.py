"""Conversations with the chatbot and the hand-over queue consultants take them from.

In the gateway's memory for now: bounded, and per process — with several gunicorn workers a
conversation lives in the worker that started it. The lasting home is the helpline's data
(see README, "Helpline"): a hand-over is a contact waiting in a thematic queue, like a call.
"""
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime

MAX_CONVERSATIONS = 10_000   # oldest are forgotten first
MAX_MESSAGES = 100           # per conversation: a transcript, not a log


@dataclass
class Message:
    role: str                 # "user", "bot" or "system"
    text: str
    at: datetime
    article_id: str | None = None


@dataclass
class Conversation:
    conversation_id: str
    lang: str
    started_at: datetime
    messages: list[Message] = field(default_factory=list)
    handover_id: str | None = None

    def add(self, role: str, text: str, article_id: str | None = None) -> None:
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(Message(role, text, datetime.now(UTC), article_id))


@dataclass(frozen=True)
class Handover:
    """The consultant reads the whole conversation, including what was written after."""
    handover_id: str
    queue: str
    reason: str
    created_at: datetime
    conversation: Conversation


class ConversationStore:
    def __init__(self):
        self._lock = threading.Lock()
        self._conversations: OrderedDict[str, Conversation] = OrderedDict()
        self._handovers: list[Handover] = []

    def start(self, lang: str) -> Conversation:
        conversation = Conversation(str(uuid.uuid4()), lang, datetime.now(UTC))
        with self._lock:
            self._conversations[conversation.conversation_id] = conversation
            while len(self._conversations) > MAX_CONVERSATIONS:
                self._conversations.popitem(last=False)
        return conversation

    def get(self, conversation_id: str) -> Conversation | None:
        with self._lock:
            return self._conversations.get(conversation_id)

    def hand_over(self, conversation: Conversation, queue: str, reason: str) -> Handover:
        """Put the conversation in a queue once; asking again returns the same hand-over."""
        with self._lock:
            if conversation.handover_id:
                return next(h for h in self._handovers if h.handover_id == conversation.handover_id)
            handover = Handover(str(uuid.uuid4()), queue, reason, datetime.now(UTC), conversation)
            conversation.handover_id = handover.handover_id
            self._handovers.append(handover)
            self._handovers = self._handovers[-MAX_CONVERSATIONS:]
            return handover

    def handovers(self, queue: str | None = None) -> list[Handover]:
        with self._lock:
            return [h for h in self._handovers if queue is None or h.queue == queue]
