"""The helpline (in the declarations service) against real RabbitMQ and PostgreSQL: contacts through their queue,
the survey, and the reports staff read."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from portal_shared.contracts import helpline
from portal_shared.errors import Conflict, Forbidden, NotFound, ValidationFailed

CONSULTANT = {"account_id": str(uuid.uuid4()), "level": "authenticated", "roles": ["consultant"]}
TAXPAYER = {"account_id": str(uuid.uuid4()), "level": "authenticated", "roles": []}


@pytest.fixture(scope="module")
def service(service_containers, nameko_config):
    from nameko.standalone.rpc import ClusterRpcProxy

    service_containers("declarations")
    with ClusterRpcProxy(nameko_config, timeout=15) as proxy:
        yield proxy


def a_call(rpc, queue="pit", routed_by="dtmf") -> str:
    call_id = f"call-{uuid.uuid4().hex[:12]}"
    helpline.ROUTE_CONTACT(rpc, call_id=call_id, queue=queue, routed_by=routed_by)
    return call_id


def today():
    now = datetime.now(UTC)
    return {"since": (now - timedelta(hours=1)).isoformat(), "until": (now + timedelta(hours=1)).isoformat()}


def figures(rpc, queue):
    report = helpline.QUEUE_STATISTICS(rpc, actor=CONSULTANT, **today())
    return next(q for q in report["queues"] if q["queue"] == queue)


def test_a_call_waits_is_answered_and_completes(service):
    call_id = a_call(service, "local_taxes")
    assert figures(service, "local_taxes")["waiting"] == 1
    answered = helpline.CONTACT_ANSWERED(service, call_id=call_id)
    assert answered["state"] == "answered"
    assert helpline.CONTACT_ANSWERED(service, call_id=call_id)["answered_at"] == answered["answered_at"]
    assert helpline.CONTACT_ENDED(service, call_id=call_id)["state"] == "completed"
    local = figures(service, "local_taxes")
    assert (local["waiting"], local["answered"], local["abandoned"]) == (0, 1, 0)
    assert local["average_wait_seconds"] is not None


def test_hanging_up_in_the_queue_counts_as_abandoned(service):
    call_id = a_call(service, "payments")
    assert helpline.CONTACT_ENDED(service, call_id=call_id)["state"] == "abandoned"
    with pytest.raises(Conflict):
        helpline.CONTACT_ANSWERED(service, call_id=call_id)
    payments = figures(service, "payments")
    assert (payments["waiting"], payments["answered"], payments["abandoned"]) == (0, 0, 1)


def test_routing_a_waiting_call_again_moves_it_to_the_other_queue(service):
    call_id = a_call(service, "pit")
    moved = helpline.ROUTE_CONTACT(service, call_id=call_id, queue="vat", routed_by="intent")
    assert (moved["queue"], moved["routed_by"]) == ("vat", "intent")
    assert figures(service, "pit")["waiting"] == 0 and figures(service, "vat")["waiting"] == 1


def test_the_survey_follows_an_answered_contact_once_and_feeds_the_report(service):
    first, second, unanswered = a_call(service, "eservices"), a_call(service, "eservices"), a_call(service)
    for call_id in (first, second):
        helpline.CONTACT_ANSWERED(service, call_id=call_id)
        helpline.CONTACT_ENDED(service, call_id=call_id)
    helpline.SUBMIT_SURVEY(service, call_id=first, rating=5, comment="Szybko i konkretnie")
    helpline.SUBMIT_SURVEY(service, call_id=second, rating=2, comment="  ")
    with pytest.raises(Conflict):
        helpline.SUBMIT_SURVEY(service, call_id=first, rating=1, comment=None)
    with pytest.raises(Conflict):
        helpline.SUBMIT_SURVEY(service, call_id=unanswered, rating=4, comment=None)
    with pytest.raises(NotFound):
        helpline.SUBMIT_SURVEY(service, call_id="no-such-call", rating=4, comment=None)
    with pytest.raises(ValidationFailed):
        helpline.SUBMIT_SURVEY(service, call_id=first, rating=6, comment=None)

    report = helpline.SURVEY_REPORT(service, actor=CONSULTANT, queue="eservices", **today())
    [eservices] = report["queues"]
    assert eservices["responses"] == 2 and eservices["average_rating"] == "3.50"
    assert eservices["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert [c["comment"] for c in eservices["comments"]] == ["Szybko i konkretnie"]


def test_a_period_outside_the_contacts_reports_nothing(service):
    call_id = a_call(service, "pit")
    helpline.CONTACT_ANSWERED(service, call_id=call_id)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    report = helpline.QUEUE_STATISTICS(service, actor=CONSULTANT, since=(yesterday - timedelta(hours=1)).isoformat(),
                                       until=yesterday.isoformat())
    pit = next(q for q in report["queues"] if q["queue"] == "pit")
    assert pit["answered"] == 0 and pit["waiting"] == 0


def test_reports_are_for_staff_and_need_a_sound_period(service):
    with pytest.raises(Forbidden):
        helpline.QUEUE_STATISTICS(service, actor=TAXPAYER, **today())
    with pytest.raises(Forbidden):
        helpline.SURVEY_REPORT(service, actor=TAXPAYER, **today())
    period = today()
    with pytest.raises(ValidationFailed):
        helpline.QUEUE_STATISTICS(service, actor=CONSULTANT, since=period["until"], until=period["since"])


def test_a_chat_transcript_is_kept_and_read_by_consultants_once_handed_over(service):
    conversation_id = str(uuid.uuid4())
    with pytest.raises(NotFound):
        helpline.CHAT_CONVERSATION(service, conversation_id=conversation_id)
    helpline.CHAT_APPEND(service, conversation_id=conversation_id, lang="pl", lines=[
        {"role": "user", "text": "ile wynosi podatek od psa"}, {"role": "bot", "text": "Nie wiem."}])
    assert helpline.CHAT_CONVERSATION(service, conversation_id=conversation_id)["queue"] is None
    helpline.ROUTE_CONTACT(service, call_id=conversation_id, queue="local_taxes",
                           routed_by="chatbot", channel="chat")
    helpline.CHAT_APPEND(service, conversation_id=conversation_id, lang="pl",
                         lines=[{"role": "user", "text": "halo?"}])

    [waiting] = helpline.WAITING_CHATS(service, actor=CONSULTANT, queue="local_taxes")["conversations"]
    assert waiting["conversation_id"] == conversation_id and waiting["state"] == "waiting"
    assert [line["text"] for line in waiting["lines"]] == ["ile wynosi podatek od psa", "Nie wiem.", "halo?"]
    with pytest.raises(Forbidden):
        helpline.WAITING_CHATS(service, actor=TAXPAYER, queue=None)


def test_a_transcript_stops_growing_at_its_limit(service):
    conversation_id = str(uuid.uuid4())
    for _ in range(11):
        helpline.CHAT_APPEND(service, conversation_id=conversation_id, lang="en",
                             lines=[{"role": "user", "text": "again"}] * 10)
    assert len(helpline.CHAT_CONVERSATION(service, conversation_id=conversation_id)["lines"]) == 100


def test_a_taxpayers_records_are_for_officers_and_not_for_an_unverified_consultant(service, service_containers):
    from portal_shared.contracts import declarations
    from portal_shared.contracts.common import read_staff_audit

    service_containers("identity")
    officer = {**CONSULTANT, "roles": ["tax_officer"]}
    records = declarations.SUBJECT_RECORDS(service, actor=officer, subject="44051401359")
    assert records == {"subject": "44051401359", "declarations": [], "cases": []}
    with pytest.raises(Forbidden):
        declarations.SUBJECT_RECORDS(service, actor=CONSULTANT, subject="44051401359")
    [read] = read_staff_audit("declarations")(service, actor={**CONSULTANT, "roles": ["admin"]})
    assert (read["action"], read["subject"], read["details"]) == (
        "records_read", "44051401359", {"allowed_by": "tax_officer"})
