"""Voicebot routing: the DTMF menu, free-text intent through the chatbot's classifier, the
fallback that never loops, and the signed webhook."""
import json
import time

import pytest
from chatbot_fakes import app, client, rpc_pool  # noqa: F401  (fixtures)

from gateway.helpline import ivr, signature
from portal_shared.config import Config


def decide(chatbot, dtmf=None, speech=None, attempt=1, lang="pl"):
    return ivr.decide(dtmf, speech, attempt, lang,
                      lambda text, lang: chatbot.classify(text, default_lang=lang))


@pytest.mark.parametrize("key, queue", sorted(ivr.MENU.items()))
def test_each_menu_key_leads_to_its_queue(chatbot, key, queue):
    decision = decide(chatbot, dtmf=key)
    assert (decision.action, decision.queue, decision.routed_by) == ("queue", queue, "dtmf")


@pytest.mark.parametrize("speech, queue", [
    ("dzwonie w sprawie raty podatku od nieruchomosci", "local_taxes"),
    ("mam pytanie o fakture vat", "vat"),
    ("chcialem zapytac o zwrot z pitu", "pit"),
    ("zaplacilem na zly numer konta", "payments"),
    ("nie moge sie zalogowac, zapomnialem hasla", "eservices"),
    ("I have a question about my property tax installments", "local_taxes"),
])
def test_what_the_caller_says_is_routed_by_intent(chatbot, speech, queue):
    decision = decide(chatbot, speech=speech)
    assert (decision.queue, decision.routed_by) == (queue, "intent")


def test_the_speak_key_asks_for_words_and_not_understood_asks_again(chatbot):
    assert decide(chatbot, dtmf="9").prompt == ivr.prompt("speak", "pl")
    again = decide(chatbot, speech="yyy no wie pani", attempt=1)
    assert again.action == "prompt" and again.prompt == ivr.prompt("not_understood", "pl")
    assert decide(chatbot, dtmf="7", lang="en").prompt == ivr.prompt("welcome", "en")


def test_after_the_last_attempt_the_caller_reaches_a_person(chatbot):
    decision = decide(chatbot, speech="yyy no wie pani", attempt=ivr.MAX_ATTEMPTS)
    assert (decision.queue, decision.routed_by) == (ivr.FALLBACK_QUEUE, "fallback")


def test_a_signature_holds_only_for_its_body_secret_and_time():
    body, now = b'{"dtmf": "1"}', int(time.time())
    good = signature.sign("s3cret", now, body)
    assert signature.valid("s3cret", str(now), good, body)
    assert not signature.valid("other", str(now), good, body)
    assert not signature.valid("s3cret", str(now), good, b'{"dtmf": "2"}')
    assert not signature.valid("s3cret", str(now), good, body, now=now + signature.MAX_SKEW_SECONDS + 1)
    assert not signature.valid("s3cret", None, good, body)


def signed_post(client, url, payload, secret=None):
    body = json.dumps(payload).encode()
    timestamp = int(time.time())
    mac = signature.sign(secret or Config().ivr_webhook_secret, timestamp, body)
    return client.post(url, data=body, content_type="application/json",
                       headers={"X-IVR-Timestamp": str(timestamp), "X-IVR-Signature": mac})


def test_the_webhook_routes_a_signed_call_to_the_helpline(client, rpc_pool):
    response = signed_post(client, "/api/v1/ivr/calls/c-1/input", {"dtmf": "3"})
    assert response.status_code == 200
    assert response.get_json()["queue"] == "local_taxes"
    assert rpc_pool.calls == [("route_contact", {"call_id": "c-1", "queue": "local_taxes",
                                                 "routed_by": "dtmf", "channel": "phone"})]


def test_the_webhook_refuses_unsigned_or_badly_signed_requests(client, rpc_pool):
    assert client.post("/api/v1/ivr/calls/c-1/input", json={"dtmf": "1"}).status_code == 401
    forged = signed_post(client, "/api/v1/ivr/calls/c-1/input", {"dtmf": "1"}, secret="guess")
    assert forged.status_code == 401 and rpc_pool.calls == []


def test_a_rating_outside_one_to_five_is_a_400(client, rpc_pool):
    response = signed_post(client, "/api/v1/ivr/calls/c-1/survey", {"rating": 6})
    assert response.status_code == 400 and "rating" in response.get_json()["error"]["fields"]
    assert rpc_pool.calls == []
