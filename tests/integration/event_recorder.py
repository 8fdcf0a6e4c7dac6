"""A test consumer of identity's events that notifications acts on: reset links, SMS codes,
warnings to an old e-mail address."""
import time
from typing import ClassVar

from nameko.events import event_handler

from portal_shared.contracts import identity


class IdentityEventRecorder:
    name = "test_identity_event_recorder"
    received: ClassVar[list[tuple[str, dict]]] = []

    @event_handler(identity.SERVICE, identity.PASSWORD_RESET_REQUESTED.name)
    def password_reset_requested(self, payload):
        self.received.append((identity.PASSWORD_RESET_REQUESTED.name, identity.PASSWORD_RESET_REQUESTED.load(payload)))

    @event_handler(identity.SERVICE, identity.PHONE_VERIFICATION_REQUESTED.name)
    def phone_verification_requested(self, payload):
        self.received.append((identity.PHONE_VERIFICATION_REQUESTED.name,
                              identity.PHONE_VERIFICATION_REQUESTED.load(payload)))


    @event_handler(identity.SERVICE, identity.EMAIL_CHANGED.name)
    def email_changed(self, payload):
        self.received.append((identity.EMAIL_CHANGED.name, identity.EMAIL_CHANGED.load(payload)))

    @event_handler(identity.SERVICE, identity.PASSWORD_CHANGED.name)
    def password_changed(self, payload):
        self.received.append((identity.PASSWORD_CHANGED.name, identity.PASSWORD_CHANGED.load(payload)))


class RecordedEvents:
    def __init__(self, received: list):
        self.received = received

    def of(self, event, **match) -> list[dict]:
        return [payload for name, payload in self.received if name == event.name
                and all(str(payload.get(key)) == str(value) for key, value in match.items())]

    def wait_for(self, event, count: int = 1, timeout: float = 15.0, **match) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of(event, **match)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"{count} {event.name} event(s) matching {match} did not arrive")
