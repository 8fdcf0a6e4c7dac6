"""A poison event on a real service (notifications): dead-lettered at once (a payload that can
never load is not retried), visible to an admin, replayable, and the queue keeps flowing.
Bounded retries of a handler that fails for a while are proved in shared/tests/test_outbox.py."""
import uuid

from helpers import registration
from nameko.standalone.events import event_dispatcher

from identity import bootstrap_staff
from portal_shared.contracts import identity
from portal_shared.contracts.common import failed_events, replay_failed_event

PASSWORD = "Urzad-Podatkowy-2026"


def test_a_poison_event_is_dead_lettered_shown_to_staff_replayable_and_blocks_nothing(
        client, system, rpc, nameko_config, service_databases):
    bootstrap_staff.create_admin("dl.admin", "Ewa Administratorka", PASSWORD, service_databases.url("identity"))
    admin = identity.STAFF_LOGIN(rpc, login="dl.admin", password=PASSWORD, client_address=None)["actor"]
    event = identity.EMAIL_VERIFICATION_REQUESTED
    poison = {"event_id": str(uuid.uuid4()), "version": event.version, "email": "not-an-address"}
    event_dispatcher(nameko_config)(event.source, event.name, poison)

    # the queue is not blocked: the next registration's e-mail still arrives
    registered = client.post("/api/v1/registrations", json=registration(client))
    assert registered.status_code == 201, registered.get_json()
    system.wait_for("anna.kowalska@example.pl")

    [dead] = failed_events("notifications")(rpc, actor=admin)
    assert dead["event_id"] == poison["event_id"] and dead["attempts"] == 1 and dead["dead_at"]
    assert "ValidationFailed" in dead["last_error"]
    replayed = replay_failed_event("notifications")(rpc, actor=admin, event_id=dead["event_id"],
                                                     handler=dead["handler"])
    # still poison: one more try, dead again at once (a failed replay clears replayed_at)
    assert replayed["dead_at"] and replayed["attempts"] == 2 and replayed["replayed_at"] is None
    assert len(system.messages("not-an-address")) == 0
