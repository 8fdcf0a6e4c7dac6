"""Each message type in both languages through the real SMTP sink and the fake SMS operator and
push service; retries, permanent failures, duplicates, the code limit, quiet hours, the
scheduler with two replicas, and forgetting a deleted account."""
import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import eventlet
import pytest
from nameko.testing.services import entrypoint_hook
from notifications_story import (
    STAFF,
    UPO_PDF,
    FakeDeclarations,
    FakeIdentity,
    FakeLedger,
    execute,
    messages,
    person,
    query,
    wait_for_messages,
    wait_for_rows,
)

from notifications.catalog import MESSAGE_TYPES
from portal_shared.contracts import declarations, identity, ledger
from portal_shared.contracts import notifications as contract
from portal_shared.errors import Forbidden

EXPIRES = datetime.now(UTC) + timedelta(minutes=15)
NRB = "61109010140000071219812874"


def with_device(rpc, push, who: dict) -> str:
    """The person allows SMS and registers a browser for push; returns the fake's subscription id."""
    key = contract.VAPID_PUBLIC_KEY(rpc)["public_key"]
    subscription = push.subscribe(key)
    contract.SET_PREFERENCES(rpc, account_id=who["account_id"], sms=True, push=True)
    contract.REGISTER_PUSH_SUBSCRIPTION(rpc, account_id=who["account_id"], endpoint=subscription["endpoint"],
                                        keys=subscription["keys"])
    return subscription["subscription_id"]


WORDS = {"pl": {"reminder": "Przypomnienie", "notice": "Upomnienie", "payment": "zaksięgowaliśmy",
                "upo": "Urzędowe poświadczenie", "letter": "Nowe pismo", "case": "zakończona pozytywnie",
                "code": "kod weryfikacyjny", "reset": "nowego hasła", "sms_due": "mija termin raty",
                "money": "1\u00a0234,56\u00a0zł"},
         "en": {"reminder": "Reminder", "notice": "Formal reminder", "payment": "payment has been posted",
                "upo": "Official receipt", "letter": "New letter", "case": "accepted",
                "code": "verification code", "reset": "new password", "sms_due": "installment of",
                "money": "PLN 1,234.56"}}


@pytest.mark.slow
@pytest.mark.parametrize("language", ["pl", "en"])
def test_every_message_type_arrives_in_the_persons_language(fakes, rpc_private, publish, language):
    words = WORDS[language]
    who = person("44051401359" if language == "pl" else "02070803628", language)
    FakeIdentity.contacts_by_subject[who["subject"]] = [who]
    device = with_device(rpc_private, fakes.push, who)
    account = uuid.UUID(who["account_id"])

    publish(identity.EMAIL_VERIFICATION_REQUESTED, account_id=account, email=who["email"], first_name="Anna",
            language=language, code="123456", link_token="t" * 30, expires_at=EXPIRES.isoformat())
    publish(identity.PHONE_VERIFICATION_REQUESTED, account_id=account, phone=who["phone"], language=language,
            code="654321", expires_at=EXPIRES.isoformat())
    publish(identity.PASSWORD_RESET_REQUESTED, account_id=account, email=who["email"], first_name="Anna",
            language=language, link_token="r" * 30, expires_at=EXPIRES.isoformat())
    publish(ledger.PAYMENT_POSTED, payment_id="p-1", subject=who["subject"], amount_grosze=123456,
            overpayment_grosze=0, source="online")
    publish(ledger.REMINDER_ISSUED, reminder_id="r-1", subject=who["subject"], installment_id="i-1",
            tax_type="property_tax", due_date="2026-03-15", outstanding_grosze=123456, cost_grosze=1600,
            account_number=NRB)
    publish(declarations.DECLARATION_SUBMITTED, declaration_id=uuid.uuid4(), case_id=uuid.uuid4(), form_code="IN-1",
            form_version="1", submitter_account_id=account, subject=who["subject"], upo_reference="UPO-1")
    due = (date.today() + timedelta(days=30)).isoformat()
    FakeLedger.installments.append({"installment_id": "i-2", "subject": who["subject"], "tax_type": "property_tax",
                                    "due_date": due, "outstanding_grosze": 123456, "account_number": NRB,
                                    "title": "Podatek od nieruchomości, rata 2"})
    assert contract.RUN_REMINDERS(rpc_private, due_date=due, days_before=30) == {"ran": True, "reminders": 1}
    emails = fakes.mail.wait_for(who["email"], count=6)
    # The account-only events need the subject learnt from the events above.
    publish(declarations.LETTER_SENT, letter_id=uuid.uuid4(), account_id=account, subject_line="Wezwanie")
    publish(declarations.CASE_STATUS_CHANGED, case_id=uuid.uuid4(), account_id=account, form_code="IN-1",
            new_status="accepted")
    emails = fakes.mail.wait_for(who["email"], count=8)

    subjects = " | ".join(e["subject"] for e in emails)
    for word in ("reminder", "notice", "payment", "upo", "letter", "case", "code", "reset"):
        assert words[word] in subjects or words[word] in " ".join(e["text"] for e in emails), word
    signature, other = ("Taxpayer Portal", "Portal Podatnika") if language == "en" else ("Portal Podatnika",
                                                                                           "Taxpayer Portal")
    assert all(signature in e["text"] and other not in e["text"] for e in emails)
    assert {m.language for m in messages()} == {language}
    upo = next(e for e in emails if words["upo"] in e["subject"])
    assert upo["attachments"] == [next(a for a in upo["attachments"] if a.endswith(".pdf"))]
    reminder = next(e for e in emails if e["subject"].startswith(words["reminder"]))
    assert words["money"] in reminder["text"] and "61 1090 1014 0000 0712 1981 2874" in reminder["text"]
    assert "/pay?installment=i-2" in reminder["text"] and 'href="' in reminder["html"]
    sms = [m["text"] for m in fakes.sms.wait_for(who["phone"], count=5)]  # code, payment, notice, due, letter
    assert any("654321" in text and words["code"] in text for text in sms)
    assert any(words["sms_due"] in text for text in sms)
    pushes = fakes.push.wait_for(device, count=5)  # payment, notice, due, letter, case
    assert all(p["vapid_sub"].startswith("mailto:") and p["payload"]["title"] for p in pushes)
    assert {p["payload"]["message_id"] for p in pushes} <= {str(m.id) for m in messages("channel = 'push'")}
    assert all(m.status in ("sent", "delivered") for m in messages())


def test_upo_attachment_is_the_pdf_from_declarations(fakes, publish):
    who = person("44051401359")
    FakeIdentity.contacts_by_subject[who["subject"]] = [who]
    publish(declarations.DECLARATION_SUBMITTED, declaration_id=uuid.uuid4(), case_id=uuid.uuid4(), form_code="IN-1",
            form_version="1", submitter_account_id=uuid.UUID(who["account_id"]), subject=who["subject"],
            upo_reference="UPO-1")
    wait_for_messages("message_type = 'upo_receipt' AND status = 'sent'")
    sent = fakes.mail.wait_for(who["email"])[0]
    [(name, digest)] = sent["attachment_sha256"].items()
    assert name.startswith("UPO-") and name.endswith(".pdf")
    assert digest == hashlib.sha256(UPO_PDF).hexdigest()  # the PDF declarations handed out, intact


def test_a_temporary_failure_is_retried_then_delivered(fakes, rpc_private, publish):
    who = person("44051401359")
    fakes.sms.fail_next(who["phone"], 201)  # the operator's "internal system error"
    publish(identity.PHONE_VERIFICATION_REQUESTED, account_id=uuid.UUID(who["account_id"]), phone=who["phone"],
            language="pl", code="111111", expires_at=EXPIRES.isoformat())

    sms = fakes.sms.wait_for(who["phone"])[0]
    [message] = wait_for_messages("status = 'delivered'")  # the operator's report, through the gateway
    assert [h["status"] for h in message.history] == ["queued", "sending", "queued", "sending", "sent", "delivered"]
    assert message.attempts == 2 and "201" in message.history[2]["error"]
    again = contract.SMS_DELIVERY_REPORTS(rpc_private, reports=[{"provider_id": sms["id"], "status_code": 404}])
    assert again == {"applied": 0}  # a repeated report changes nothing


def test_a_permanent_failure_stops_and_staff_see_it_and_can_retry(fakes, rpc_private, publish):
    who = person("44051401359")
    fakes.sms.fail_next(who["phone"], 13)  # no correct phone numbers
    publish(identity.PHONE_VERIFICATION_REQUESTED, account_id=uuid.UUID(who["account_id"]), phone=who["phone"],
            language="pl", code="222222", expires_at=EXPIRES.isoformat())

    [failed] = wait_for_messages("status = 'failed'")
    assert failed.attempts == 1 and "13" in failed.last_error
    listed = contract.FAILED_MESSAGES(rpc_private, actor=STAFF)
    assert [m["message_id"] for m in listed] == [str(failed.id)]
    contract.RETRY_MESSAGE(rpc_private, actor=STAFF, message_id=str(failed.id))
    fakes.sms.wait_for(who["phone"])
    [retried] = wait_for_messages("status = 'delivered'")
    assert [h["status"] for h in retried.history][-4:] == ["queued", "sending", "sent", "delivered"]
    assert retried.history[-4]["retried_by"] == STAFF["account_id"]


def test_temporary_failures_are_bounded(fakes, publish):
    who = person("44051401359")
    fakes.sms.fail_next(who["phone"], "http500", times=10)
    publish(identity.PHONE_VERIFICATION_REQUESTED, account_id=uuid.UUID(who["account_id"]), phone=who["phone"],
            language="pl", code="333333", expires_at=EXPIRES.isoformat())
    [failed] = wait_for_messages("status = 'failed'")
    assert failed.attempts == 3  # the first try and one retry per configured delay (200 ms, 400 ms)
    assert fakes.sms.messages(who["phone"]) == []


def test_the_same_event_twice_sends_once(fakes, publish):
    who = person("44051401359")
    payload = identity.EMAIL_VERIFICATION_REQUESTED.build(
        account_id=who["account_id"], email=who["email"], first_name="Anna", language="pl", code="123456",
        link_token="t" * 30, expires_at=EXPIRES.isoformat())
    publish(identity.EMAIL_VERIFICATION_REQUESTED, payload)
    publish(identity.EMAIL_VERIFICATION_REQUESTED, payload)
    fakes.mail.wait_for(who["email"])
    marker = str(uuid.uuid4())  # a later event is handled after both copies: then count
    publish(identity.PASSWORD_RESET_REQUESTED, account_id=who["account_id"], email=marker + "@example.pl",
            first_name="Anna", language="pl", link_token="r" * 30, expires_at=EXPIRES.isoformat())
    fakes.mail.wait_for(marker + "@example.pl")
    assert len(fakes.mail.messages(who["email"])) == 1
    assert len(messages("message_type = 'email_verification'")) == 1


def test_the_sixth_code_within_an_hour_is_refused(fakes, publish):
    who = person("44051401359")
    for code in range(6):
        publish(identity.PHONE_VERIFICATION_REQUESTED, account_id=uuid.UUID(who["account_id"]), phone=who["phone"],
                language="pl", code=f"{code:06d}", expires_at=EXPIRES.isoformat())
    [refused] = wait_for_messages("last_error = 'rate_limited'")
    assert refused.status == "failed"
    assert len(fakes.sms.wait_for(who["phone"], count=5)) == 5
    assert len(wait_for_messages("status IN ('sent', 'delivered')", count=5)) == 5


def test_quiet_hours_defer_a_reminder_but_not_a_code(fakes, rpc_private, publish):
    who = person("44051401359")
    FakeIdentity.contacts_by_subject[who["subject"]] = [who]
    now = datetime.now(ZoneInfo("Europe/Warsaw"))
    quiet_until = (now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    contract.SET_PREFERENCES(rpc_private, account_id=who["account_id"], sms=True,
                             quiet_from=(now - timedelta(hours=1)).strftime("%H:%M"),
                             quiet_until=quiet_until.strftime("%H:%M"))
    publish(ledger.REMINDER_ISSUED, reminder_id="r-1", subject=who["subject"], installment_id="i-1",
            tax_type="property_tax", due_date="2026-03-15", outstanding_grosze=10000, cost_grosze=1600,
            account_number=NRB)
    publish(identity.PHONE_VERIFICATION_REQUESTED, account_id=uuid.UUID(who["account_id"]), phone=who["phone"],
            language="pl", code="444444", expires_at=EXPIRES.isoformat())

    [code] = fakes.sms.wait_for(who["phone"])
    assert "444444" in code["text"]
    deferred = wait_for_messages("message_type = 'reminder_notice'", count=2)  # e-mail and SMS
    assert {m.status for m in deferred} == {"queued"}
    assert all(m.not_before.astimezone(ZoneInfo("Europe/Warsaw")).time() == quiet_until for m in deferred)
    assert all(m.not_before > datetime.now(UTC) for m in deferred)
    assert fakes.mail.messages(who["email"]) == []


def test_the_scheduler_runs_once_with_two_replicas(fakes):
    due = (date.today() + timedelta(days=7)).isoformat()
    people = [person(f"4405140{n:04d}") for n in range(3)]
    for n, who in enumerate(people):
        FakeIdentity.contacts_by_subject[who["subject"]] = [who]
        FakeLedger.installments.append({"installment_id": f"i-{n}", "subject": who["subject"],
                                        "tax_type": "property_tax", "due_date": due, "outstanding_grosze": 5000,
                                        "account_number": NRB, "title": "Rata"})
    results = []

    def run(container):
        with entrypoint_hook(container, "run_reminders") as run_reminders:
            results.append(run_reminders(due_date=due, days_before=7))
    threads = [eventlet.spawn(run, replica) for replica in fakes.replicas]
    for thread in threads:
        thread.wait()

    assert sorted(r["ran"] for r in results) == [False, True]
    assert sum(r["reminders"] for r in results) == 3
    for who in people:
        fakes.mail.wait_for(who["email"])
    assert len(FakeLedger.calls) == 1  # one page, fetched by one replica
    assert len(fakes.mail.messages()) == 3


def test_a_deleted_account_is_forgotten(fakes, rpc_private, publish):
    who = person("44051401359")
    FakeIdentity.contacts_by_subject[who["subject"]] = [who]
    with_device(rpc_private, fakes.push, who)
    publish(ledger.PAYMENT_POSTED, payment_id="p-1", subject=who["subject"], amount_grosze=5000,
            overpayment_grosze=0, source="online")
    wait_for_messages("status IN ('sent', 'delivered')", count=3)
    publish(identity.ACCOUNT_DELETED, account_id=who["account_id"], pesel=who["subject"], reason="wrong_pesel")
    wait_for_messages("recipient = '[usunięto]'", count=3)
    assert all(m.account_id is None and who["first_name"] not in m.body_text for m in messages())
    assert messages("recipient LIKE :email", email=f"%{who['email']}%") == []


def test_staff_preview_every_type_in_both_languages(fakes, rpc_private):
    for name, message_type in MESSAGE_TYPES.items():
        for language in ("pl", "en"):
            preview = contract.PREVIEW(rpc_private, actor=STAFF, message_type=name, language=language, context=None)
            assert preview["language"] == language
            assert preview.get("subject") or preview.get("sms"), name
    escaped = contract.PREVIEW(rpc_private, actor=STAFF, message_type="letter_sent", language="pl",
                               context={"subject_line": "<script>x</script>"})
    assert "<script>" not in escaped["html"] and "&lt;script&gt;" in escaped["html"]
    with pytest.raises(Forbidden):
        contract.PREVIEW(rpc_private, actor={**STAFF, "roles": []}, message_type="letter_sent", language="pl",
                         context=None)


def test_an_smtp_temporary_refusal_is_retried_and_a_permanent_one_recorded(fakes, publish):
    later, never = person("44051401359"), person("02070803628")
    fakes.mail.refuse_next(later["email"], "451 4.3.0 Mailbox busy")
    fakes.mail.refuse_next(never["email"], "550 5.1.1 No such user")
    for who in (later, never):
        publish(identity.PASSWORD_RESET_REQUESTED, account_id=who["account_id"], email=who["email"],
                first_name="Anna", language="pl", link_token="r" * 30, expires_at=EXPIRES.isoformat())

    fakes.mail.wait_for(later["email"])
    [sent] = wait_for_messages("status = 'sent'")
    assert sent.attempts == 2 and "451" in sent.history[2]["error"]
    [failed] = wait_for_messages("status = 'failed'")
    assert failed.recipient == never["email"] and failed.attempts == 1 and "550" in failed.last_error


def test_the_operators_delivery_report_reaches_the_message_through_the_gateway(fakes, publish):
    who = person("44051401359")
    publish(identity.PHONE_VERIFICATION_REQUESTED, account_id=uuid.UUID(who["account_id"]), phone=who["phone"],
            language="en", code="555555", expires_at=EXPIRES.isoformat())
    [delivered] = wait_for_messages("status = 'delivered'")
    assert [h["status"] for h in delivered.history] == ["queued", "sending", "sent", "delivered"]
    assert fakes.sms.messages(who["phone"])[0]["report"]["body"] == "OK"


def test_a_push_to_an_unsubscribed_browser_forgets_the_subscription(fakes, rpc_private, publish):
    who = person("44051401359", email=False)
    FakeIdentity.contacts_by_subject[who["subject"]] = [who]
    device = with_device(rpc_private, fakes.push, who)
    fakes.push.unsubscribe(device)
    publish(ledger.PAYMENT_POSTED, payment_id="p-1", subject=who["subject"], amount_grosze=5000,
            overpayment_grosze=0, source="online")
    [push] = wait_for_messages("channel = 'push' AND status = 'failed'")
    assert "410" in push.last_error
    assert wait_for_messages("channel = 'sms' AND status IN ('sent', 'delivered')")
    from notifications_story import query
    assert query("SELECT count(*) FROM push_subscriptions")[0][0] == 0


def test_a_send_interrupted_by_a_crash_is_released_and_sent_again(fakes, publish):
    who = person("44051401359")
    publish(identity.PASSWORD_RESET_REQUESTED, account_id=who["account_id"], email=who["email"], first_name="Anna",
            language="pl", link_token="r" * 30, expires_at=EXPIRES.isoformat())
    fakes.mail.wait_for(who["email"])
    wait_for_messages("status = 'sent'")
    execute("UPDATE messages SET status = 'sending', updated_at = now() - interval '11 minutes'")

    with entrypoint_hook(fakes.replicas[0], "release_waiting") as release_waiting:
        release_waiting()
    first, again = fakes.mail.wait_for(who["email"], count=2)  # at least once: the crash may have come
    [message] = wait_for_messages("status = 'sent'")                # after the sink's 250
    assert [h["status"] for h in message.history][-3:] == ["queued", "sending", "sent"]
    assert message.history[-3]["error"] == "interrupted send"
    assert first["message_id"] == again["message_id"] == f"<{message.id}@portal.local>"  # mail systems drop it


def test_the_resend_window_is_configured(fakes, publish, monkeypatch):
    old, young = person("44051401359"), person("02070803628")
    for who in (old, young):
        publish(identity.PASSWORD_RESET_REQUESTED, account_id=who["account_id"], email=who["email"],
                first_name="Anna", language="pl", link_token="r" * 30, expires_at=EXPIRES.isoformat())
    wait_for_messages("status = 'sent'", count=2)
    monkeypatch.setenv("NOTIFY_RESEND_AFTER_SECONDS", "30")
    execute("UPDATE messages SET status = 'sending', updated_at = now() - interval '40 seconds' "
            "WHERE recipient = :email", email=old["email"])
    execute("UPDATE messages SET status = 'sending', updated_at = now() - interval '20 seconds' "
            "WHERE recipient = :email", email=young["email"])

    with entrypoint_hook(fakes.replicas[0], "release_waiting") as release_waiting:
        release_waiting()
    fakes.mail.wait_for(old["email"], count=2)
    assert wait_for_messages("status = 'sent' AND recipient = :email", email=old["email"])
    [waiting] = messages("recipient = :email", email=young["email"])
    assert waiting.status == "sending" and len(fakes.mail.messages(young["email"])) == 1


def test_an_event_whose_lookup_fails_is_kept_and_handled_later(fakes, publish):
    who = person("44051401359")
    FakeIdentity.contacts_by_subject[who["subject"]] = [who]
    FakeDeclarations.failures_left = 1
    publish(declarations.DECLARATION_SUBMITTED, declaration_id=uuid.uuid4(), case_id=uuid.uuid4(), form_code="IN-1",
            form_version="1", submitter_account_id=uuid.UUID(who["account_id"]), subject=who["subject"],
            upo_reference="UPO-1")
    [deferred] = wait_for_rows("SELECT * FROM deferred_events")
    assert "restarting" in deferred.last_error and messages() == []

    execute("UPDATE deferred_events SET next_at = now()")  # its backoff has passed
    with entrypoint_hook(fakes.replicas[1], "release_waiting") as release_waiting:
        release_waiting()
    assert fakes.mail.wait_for(who["email"])[0]["attachments"][0].endswith(".pdf")
    assert query("SELECT * FROM deferred_events") == []
