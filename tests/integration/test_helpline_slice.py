"""The helpline end to end: the telephony platform's signed webhook through the gateway routes
calls by key and by what the caller said, reports their outcome and the survey; the helpline
service counts them, and staff read the statistics and the survey report."""
import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from gateway.helpline import signature
from portal_shared.config import Config
from portal_shared.contracts import helpline
from portal_shared.errors import Forbidden

CONSULTANT = {"account_id": str(uuid.uuid4()), "level": "authenticated", "roles": ["consultant"]}


class Telephony:
    """The platform's side of the webhook: every request signed with the shared secret."""

    def __init__(self, client):
        self.client = client

    def post(self, call_id, what, payload):
        body = json.dumps(payload).encode()
        timestamp = int(time.time())
        return self.client.post(
            f"/api/v1/ivr/calls/{call_id}/{what}", data=body, content_type="application/json",
            headers={"X-IVR-Timestamp": str(timestamp),
                     "X-IVR-Signature": signature.sign(Config().ivr_webhook_secret, timestamp, body)})


def staff_report(gateway_app, method, **args):
    now = datetime.now(UTC)
    return gateway_app.extensions["rpc"].call(
        method, actor=CONSULTANT, since=(now - timedelta(hours=1)).isoformat(),
        until=(now + timedelta(hours=1)).isoformat(), **args)


@pytest.mark.slow
def test_calls_are_routed_answered_rated_and_reported(client, gateway_app):
    platform = Telephony(client)
    spoken, abandoned, waiting = (f"call-{uuid.uuid4().hex[:8]}" for _ in range(3))

    assert platform.post(spoken, "input", {"dtmf": "9"}).get_json()["action"] == "prompt"
    routed = platform.post(spoken, "input", {"speech": "zaplacilem podatek na zly numer konta",
                                              "attempt": 2}).get_json()
    assert (routed["action"], routed["queue"], routed["routed_by"]) == ("queue", "payments", "intent")
    assert platform.post(spoken, "events", {"event": "answered"}).get_json()["state"] == "answered"
    assert platform.post(spoken, "events", {"event": "ended"}).get_json()["state"] == "completed"
    thanks = platform.post(spoken, "survey", {"rating": 4, "comment": "Pomocna konsultantka"})
    assert thanks.status_code == 200
    assert platform.post(spoken, "survey", {"rating": 1}).status_code == 409

    assert platform.post(abandoned, "input", {"dtmf": "2"}).get_json()["queue"] == "vat"
    assert platform.post(abandoned, "events", {"event": "ended"}).get_json()["state"] == "abandoned"
    assert platform.post(waiting, "input", {"dtmf": "5"}).get_json()["queue"] == "eservices"
    assert platform.post("no-such-call", "events", {"event": "answered"}).status_code == 404

    figures = {q["queue"]: q for q in staff_report(gateway_app, helpline.QUEUE_STATISTICS)["queues"]}
    assert (figures["payments"]["answered"], figures["vat"]["abandoned"],
            figures["eservices"]["waiting"]) == (1, 1, 1)
    [payments] = staff_report(gateway_app, helpline.SURVEY_REPORT, queue="payments")["queues"]
    assert payments["responses"] == 1 and payments["average_rating"] == "4.00"
    assert payments["comments"][0]["comment"] == "Pomocna konsultantka"


def test_a_taxpayer_cannot_read_the_helpline_reports(client, gateway_app):
    now = datetime.now(UTC)
    with pytest.raises(Forbidden):
        gateway_app.extensions["rpc"].call(
            helpline.QUEUE_STATISTICS, actor={**CONSULTANT, "roles": []},
            since=(now - timedelta(hours=1)).isoformat(), until=now.isoformat())


def test_a_chat_continues_in_another_gateway_worker_and_waits_in_the_helpline_queue(client, gateway_app):
    from gateway.app import create_app

    reply = client.post("/api/v1/chatbot/messages",
                        json={"text": "chce rozmawiac z konsultantem o podatku od nieruchomosci"}).get_json()
    assert reply["kind"] == "handover"
    other_worker = create_app(Config(), gateway_app.extensions["rpc"])
    other_worker.extensions["chatbot"] = gateway_app.extensions["chatbot"]
    follow_up = other_worker.test_client().post(
        "/api/v1/chatbot/messages",
        json={"conversation_id": reply["conversation_id"], "text": "czekam"}).get_json()
    assert follow_up["kind"] == "handed_over"

    figures = {q["queue"]: q for q in staff_report(gateway_app, helpline.QUEUE_STATISTICS)["queues"]}
    assert figures[reply["handover"]["queue"]]["waiting"] == 1
    [waiting] = gateway_app.extensions["rpc"].call(helpline.WAITING_CHATS, actor=CONSULTANT,
                                                   queue=None)["conversations"]
    assert [line["text"] for line in waiting["lines"] if line["role"] == "user"] == [
        "chce rozmawiac z konsultantem o podatku od nieruchomosci", "czekam"]
