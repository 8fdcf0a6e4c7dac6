"""The chatbot's parts: Polish text analysis, the knowledge base files, and the HTTP API."""
import uuid

import pytest
from chatbot_fakes import app, client, rpc_pool  # noqa: F401  (fixtures)

from gateway.chatbot.knowledge import KnowledgeBaseError, parse_article
from gateway.chatbot.text import Analyzer, detect_language, fold
from portal_shared.config import Config


# --- text analysis ------------------------------------------------------------------------
def test_fold_removes_polish_diacritics():
    assert fold("Złożyć ŻÓŁĆ śnieg") == "zlozyc zolc snieg"


def test_inflected_and_diacritic_less_forms_meet_in_one_term(chatbot):
    analyzer = chatbot.languages()["pl"].analyzer
    assert analyzer.terms("nieruchomości") == analyzer.terms("nieruchomosci") == ["nieruchomosc"]
    assert analyzer.terms("zeznaniu") == analyzer.terms("zeznanie")


def test_tax_abbreviations_are_not_taken_for_words():
    analyzer = Analyzer("pl")
    assert analyzer.terms("w picie za pitu PIT") == ["pit", "pit", "pit"]


def test_language_is_detected_and_short_texts_keep_the_default():
    assert detect_language("kiedy zapłacić podatek od nieruchomości") == "pl"
    assert detect_language("when do I pay the property tax", default="pl") == "en"
    assert detect_language("PIT", default="en") == "en"


# --- knowledge base -----------------------------------------------------------------------
def test_every_entry_of_the_knowledge_base_is_well_formed(chatbot):
    articles = [a for lang in chatbot.languages().values() for a in lang.index.articles]
    assert len(articles) >= 40
    assert {a.lang for a in articles} == {"pl", "en"}
    assert {a.category for a in articles} == {"pit", "pcc", "sd", "local_taxes", "payments",
                                             "eservices"}


def test_an_entry_without_its_front_matter_keys_is_refused():
    with pytest.raises(KnowledgeBaseError, match="missing"):
        parse_article("---\nid: x\ntitle: T\nlang: pl\n---\nbody", "faq", "x.md")
    with pytest.raises(KnowledgeBaseError, match="unknown"):
        parse_article("---\nid: x\ntitle: T\nlang: de\ncategory: pit\ntags: [a]\n---\nb", "faq", "x.md")


# --- HTTP API -----------------------------------------------------------------------------
def ask(client, text, conversation_id=None, **headers):
    body = {"text": text}
    if conversation_id:
        body["conversation_id"] = conversation_id
    return client.post("/api/v1/chatbot/messages", json=body, headers=headers)


def test_an_answer_cites_the_entry_it_comes_from(client):
    response = ask(client, "do kiedy trzeba zlozyc pit")
    assert response.status_code == 200
    reply = response.get_json()
    assert reply["kind"] == "answer" and reply["lang"] == "pl"
    assert reply["source"]["id"] == "pit-termin-zeznania"
    assert reply["source"]["link"] == Config().public_base_url + "/faq/pit-termin-zeznania"
    assert "30 kwietnia" in reply["text"]
    assert reply["handover"] is None


def test_an_unknown_question_is_handed_over_with_the_conversation(client, rpc_pool):
    first = ask(client, "czy podatek od wygranej w lotto trzeba placic").get_json()
    assert first["kind"] == "handover" and first["source"] is None
    assert first["handover"]["reason"] == "unknown"
    assert ("route_contact", {"call_id": first["conversation_id"], "queue": first["handover"]["queue"],
                              "routed_by": "chatbot", "channel": "chat"}) in rpc_pool.calls
    follow_up = ask(client, "halo?", first["conversation_id"]).get_json()
    assert follow_up["kind"] == "handed_over"

    rpc_pool.accounts["t" * 32] = {"account_id": str(uuid.uuid4()), "pesel": None,
                                   "level": "authenticated", "roles": ["consultant"]}
    listed = client.get("/api/v1/chatbot/handovers",
                        headers={"Authorization": "Bearer " + "t" * 32}).get_json()["conversations"]
    [waiting] = [c for c in listed if c["conversation_id"] == first["conversation_id"]]
    assert [line["role"] for line in waiting["lines"]] == ["user", "bot", "user", "bot"]
    assert waiting["lines"][0]["text"] == "czy podatek od wygranej w lotto trzeba placic"


def test_an_answer_is_kept_in_the_transcript_with_its_source(client, rpc_pool):
    reply = ask(client, "jak ustawic telepin").get_json()
    lines = rpc_pool.chats[reply["conversation_id"]]["lines"]
    assert lines[0] == {"role": "user", "text": "jak ustawic telepin", "article_id": None}
    assert lines[1]["article_id"] == reply["source"]["id"] == "es-telepin"


def test_questions_on_vat_go_to_the_vat_queue(client):
    reply = ask(client, "jak rozliczyc vat od uslug").get_json()
    assert reply["handover"]["queue"] == "vat"
    assert reply["handover"]["reason"] == "out_of_scope"


def test_asking_for_a_consultant_hands_over_at_once(client):
    reply = ask(client, "chce rozmawiac z konsultantem").get_json()
    assert reply["kind"] == "handover" and reply["handover"]["reason"] == "requested"


def test_the_handover_button_queues_the_conversation_once(client, rpc_pool):
    conversation_id = ask(client, "jak sie liczy odsetki za zwloke").get_json()["conversation_id"]
    url = f"/api/v1/chatbot/conversations/{conversation_id}/handover"
    first = client.post(url, json={}).get_json()
    again = client.post(url, json={"queue": "pit"}).get_json()
    assert first["handover"]["queue"] == again["handover"]["queue"] == "payments"
    assert [name for name, _ in rpc_pool.calls].count("route_contact") == 1


def test_a_conversation_is_rated_through_the_helpline(client, rpc_pool):
    conversation_id = str(uuid.uuid4())
    url = f"/api/v1/chatbot/conversations/{conversation_id}/survey"
    assert client.post(url, json={"rating": 0}).status_code == 400
    assert client.post(url, json={"rating": 5, "comment": "Dziękuję"}).status_code == 200
    assert rpc_pool.calls == [("submit_survey", {"call_id": conversation_id, "rating": 5,
                                                 "comment": "Dziękuję"})]


def test_english_questions_get_english_answers(client):
    reply = ask(client, "when is the deadline for the annual PIT return?").get_json()
    assert reply["lang"] == "en" and reply["source"]["id"] == "en-pit-annual-return"
    handed = ask(client, "what is the corporate income tax rate",
                 **{"Accept-Language": "en"}).get_json()
    assert handed["kind"] == "handover" and handed["text"].startswith("Consultants answer")


def test_bad_input_is_a_400_with_field_errors_and_an_unknown_conversation_a_404(client):
    response = client.post("/api/v1/chatbot/messages", json={"text": ""})
    assert response.status_code == 400
    assert "text" in response.get_json()["error"]["fields"]
    assert ask(client, "x" * 1001).status_code == 400
    missing = ask(client, "pit", str(uuid.uuid4()), **{"Accept-Language": "en"})
    assert missing.status_code == 404
    assert missing.get_json()["error"]["message"].startswith("No such conversation")


def test_only_consultants_list_handovers(client, rpc_pool):
    assert client.get("/api/v1/chatbot/handovers").status_code == 401
    rpc_pool.accounts["u" * 32] = {"account_id": str(uuid.uuid4()), "pesel": None,
                                   "level": "authenticated", "roles": []}
    response = client.get("/api/v1/chatbot/handovers", headers={"Authorization": "Bearer " + "u" * 32})
    assert response.status_code == 403


def test_the_chatbot_is_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/chatbot/messages"]
    assert "/api/v1/chatbot/handovers" in paths


def test_one_client_may_not_flood_the_chat(client, app):
    from gateway.chatbot.limits import SlidingWindowLimit

    app.extensions["chatbot_limit"] = SlidingWindowLimit(limit=2)
    assert [ask(client, "pit").status_code for _ in range(3)] == [200, 200, 429]
    refused = ask(client, "pit", **{"Accept-Language": "en"})
    assert refused.headers["Retry-After"] == "60"
    assert refused.get_json()["error"]["message"].startswith("Too many messages")


def test_the_limit_frees_up_as_the_window_slides():
    from gateway.chatbot.limits import SlidingWindowLimit

    limit = SlidingWindowLimit(limit=1, window_seconds=60)
    assert limit.allow("a", now=0) and not limit.allow("a", now=59) and limit.allow("b", now=59)
    assert limit.allow("a", now=60)
