"""Pieces without a broker: quiet hours, formatting, MIME, and the channel adapters against the
fake SMS operator and push service."""
from datetime import UTC, datetime, time
from email import message_from_bytes, policy

import pytest
from py_vapid import Vapid

from notifications import templates
from notifications.catalog import INSTALLMENT_DUE, MESSAGE_TYPES
from notifications.email_client import SmtpClient
from notifications.failures import PermanentFailure, TemporaryFailure
from notifications.models import Preferences
from notifications.push_client import PushClient, SubscriptionGone
from notifications.recipients import quiet_until
from notifications.sms_client import SmsClient
from portal_shared.config import Config


@pytest.mark.parametrize(("now_utc", "quiet", "expected_utc"), [
    ("2026-01-10T21:30", (time(22), time(7)), "2026-01-11T06:00"),  # 22:30 in Warsaw (UTC+1): until 07:00
    ("2026-01-10T20:30", (time(22), time(7)), None),                # 21:30: before the quiet hours
    ("2026-01-11T04:00", (time(22), time(7)), "2026-01-11T06:00"),  # 05:00: after midnight, same morning
    ("2026-07-11T10:00", (time(12), time(14)), "2026-07-11T12:00"),  # 12:00 CEST (UTC+2): the start is quiet
    ("2026-07-11T12:00", (time(12), time(14)), None),               # 14:00 CEST: the end is not
])
def test_quiet_hours_end_in_warsaw_time(now_utc, quiet, expected_utc):
    now = datetime.fromisoformat(now_utc).replace(tzinfo=UTC)
    found = quiet_until(Preferences(quiet_from=quiet[0], quiet_until=quiet[1]), now)
    assert found == (None if expected_utc is None else datetime.fromisoformat(expected_utc).replace(tzinfo=UTC))


def test_amounts_dates_and_account_numbers_are_written_per_language():
    pl = templates.render(INSTALLMENT_DUE, "pl", **INSTALLMENT_DUE.sample)
    en = templates.render(INSTALLMENT_DUE, "en", **INSTALLMENT_DUE.sample)
    assert "1\u00a0234,56\u00a0zł" in pl["text"] and "15.03.2026" in pl["text"]
    assert "PLN 1,234.56" in en["text"] and "2026-03-15" in en["text"]
    assert "61 1090 1014 0000 0712 1981 2874" in pl["text"]
    assert templates.render(INSTALLMENT_DUE, "de", **INSTALLMENT_DUE.sample)["language"] == "pl"


def test_every_type_has_what_its_channels_need_in_both_languages():
    needs = {"email": ("subject", "text", "html"), "sms": ("sms",), "push": ("push_title", "push_body")}
    for message_type in MESSAGE_TYPES.values():
        for language in ("pl", "en"):
            rendered = templates.render(message_type, language, **message_type.sample)
            for channel in message_type.channels:
                assert all(rendered.get(part) for part in needs[channel]), (message_type.name, language, channel)


def test_the_mime_message_parses_with_text_html_and_attachment():
    client = SmtpClient(Config())
    email = client.build("anna@example.pl", "Urzędowe poświadczenie odbioru (UPO): IN-1 " * 3, "Treść\n",
                         "<p>Treść &amp;</p>", "m-1", [("UPO-1.pdf", "application/pdf", b"%PDF-1.4")])
    parsed = message_from_bytes(email.data, policy=policy.default)
    assert str(parsed["Subject"]) == "Urzędowe poświadczenie odbioru (UPO): IN-1 " * 3
    assert parsed.get_body(("plain",)).get_content() == "Treść\n"
    assert parsed.get_body(("html",)).get_content() == "<p>Treść &amp;</p>"
    [attachment] = parsed.iter_attachments()
    assert attachment.get_filename() == "UPO-1.pdf" and attachment.get_content() == b"%PDF-1.4"
    assert not parsed.defects and b"\r\n" in email.data


def test_the_sms_adapter_maps_operator_errors(sms_gateway, monkeypatch):
    client = SmsClient(Config())
    assert client.send("+48601000001", "Kod 1", "m-1")
    assert client.send("+48601000001", "Kod 1", "m-1") == ""  # the operator had it already (idx)
    sms_gateway.fail_next("+48601000002", 201)
    with pytest.raises(TemporaryFailure):
        client.send("+48601000002", "Kod 2", "m-2")
    with pytest.raises(PermanentFailure):
        client.send("+1555", "Kod 3", "m-3")
    monkeypatch.setenv("SMS_API_TOKEN", "wrong")
    with pytest.raises(TemporaryFailure, match="101"):  # credentials: fixable, so retried
        SmsClient(Config()).send("+48601000004", "Kod 4", "m-4")


def test_the_push_service_checks_the_vapid_key_and_decrypts(push_service):
    client = PushClient(Config())
    subscription = push_service.subscribe(client.public_key)
    client.send(subscription, "Tytuł", "Treść", "https://portal.example/x", "m-1")
    [received] = push_service.messages(subscription["subscription_id"])
    assert received["payload"] == {"title": "Tytuł", "body": "Treść", "url": "https://portal.example/x",
                                   "message_id": "m-1"}
    other = Vapid()
    other.generate_keys()
    stranger = PushClient(Config())
    stranger.vapid = other
    with pytest.raises(PermanentFailure, match="403"):
        stranger.send(subscription, "x", "y", None, "m-2")
    push_service.unsubscribe(subscription["subscription_id"])
    with pytest.raises(SubscriptionGone):
        client.send(subscription, "x", "y", None, "m-3")


@pytest.fixture
def guarded_sink(tmp_path):
    """A sink that, like a production relay, requires STARTTLS (self-signed certificate for
    127.0.0.1) and a login."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from portal_shared.testing import free_port, start_process

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    smtp_port, http_port = free_port(), free_port()
    process = start_process("notifications.fakes.mailsink", "--smtp-port", str(smtp_port), "--http-port",
                            str(http_port), "--tls-cert", str(tmp_path / "cert.pem"), "--tls-key",
                            str(tmp_path / "key.pem"), "--login", "portal:relay-secret", ports=(smtp_port, http_port))
    yield {"SMTP_PORT": str(smtp_port), "SMTP_CA_FILE": str(tmp_path / "cert.pem"), "api": f"http://127.0.0.1:{http_port}"}
    process.terminate()
    process.wait(10)


def test_smtp_uses_starttls_and_login_where_the_relay_requires_them(guarded_sink, monkeypatch):
    import requests

    monkeypatch.setenv("SMTP_PORT", guarded_sink["SMTP_PORT"])
    monkeypatch.setenv("SMTP_CA_FILE", guarded_sink["SMTP_CA_FILE"])
    monkeypatch.setenv("SMTP_STARTTLS", "true")
    monkeypatch.setenv("SMTP_USER", "portal")
    monkeypatch.setenv("SMTP_PASSWORD", "relay-secret")
    client = SmtpClient(Config())
    client.send(client.build("anna@example.pl", "Temat", "Treść", None, "m-1"))
    [received] = requests.get(f"{guarded_sink['api']}/messages", timeout=5).json()
    assert received["rcpt_to"] == ["anna@example.pl"]

    monkeypatch.setenv("SMTP_PASSWORD", "wrong")
    with pytest.raises(PermanentFailure, match="535"):
        SmtpClient(Config()).send(client.build("anna@example.pl", "Temat", "Treść", None, "m-2"))
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    with pytest.raises(PermanentFailure, match="AUTH"):  # no login offered over an unencrypted line
        SmtpClient(Config()).send(client.build("anna@example.pl", "Temat", "Treść", None, "m-3"))


def test_one_kept_connection_pipelines_a_batch_and_reports_each_message(mail_sink):
    """Content and the next envelope share a write (RFC 2920); a refused recipient in the
    middle fails alone, a leading dot survives, and the connection is reused afterwards."""
    mail_sink.clear()
    mail_sink.refuse_next("busy@example.pl", "451 4.3.0 Mailbox busy")
    mail_sink.refuse_next("gone@example.pl", "550 5.1.1 No such user")
    client = SmtpClient(Config())
    to = ["a@example.pl", "busy@example.pl", "b@example.pl", "gone@example.pl", "c@example.pl"]
    emails = [client.build(address, "Temat", ".kropka na początku\n.\n", None, f"m-{n}")
              for n, address in enumerate(to)]
    with client.connection() as connection:
        fates = connection.send_all(emails)
        kept = connection.smtp
    assert [type(fate).__name__ if fate else None for fate in fates] == [
        None, "TemporaryFailure", None, "PermanentFailure", None]
    received = mail_sink.messages()
    assert [m["rcpt_to"] for m in received] == [["a@example.pl"], ["b@example.pl"], ["c@example.pl"]]
    assert all(m["text"] == ".kropka na początku\n.\n" for m in received)
    with client.connection() as connection:
        assert connection.smtp is kept
        connection.send(client.build("d@example.pl", "Temat", "Treść", None, "m-5"))
    assert len(mail_sink.messages("d@example.pl")) == 1
    client.close()
