"""Qualified electronic signature: an XAdES-signed statement, the chain and the PESEL (seed 000)."""
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from identity_helpers import ANNA_PESEL, JAN_PESEL, audit_actions
from lxml import etree
from signxml import SignatureConstructionMethod
from signxml.xades import XAdESSigner

PASSWORD = "Zimowy-Spacer7"


def _ca(name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.COUNTRY_NAME, "PL")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def _signer(ca_key, ca_cert, pesel: str):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Anna Kowalska"),
                         x509.NameAttribute(NameOID.SERIAL_NUMBER, f"PNOPL-{pesel}"),
                         x509.NameAttribute(NameOID.COUNTRY_NAME, "PL")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def _pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _sign(statement_xml: str, key, cert) -> str:
    signed = XAdESSigner(method=SignatureConstructionMethod.enveloped).sign(
        etree.fromstring(statement_xml.encode()), key=key, cert=[_pem(cert).decode()])
    return etree.tostring(signed).decode()


@pytest.fixture
def trust(tmp_path, monkeypatch):
    ca_key, ca_cert = _ca("Test Qualified CA")
    anchors = tmp_path / "anchors.pem"
    anchors.write_bytes(_pem(ca_cert))
    monkeypatch.setenv("QES_TRUST_ANCHORS_FILE", str(anchors))
    return ca_key, ca_cert


def _session(client, account) -> dict:
    token = client.post("/api/v1/sessions", json={"login": account["login"], "password": PASSWORD}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _upload(client, headers, signed: str):
    return client.post("/api/v1/authentications/qualified-signature", json={"signed_statement": signed},
                       headers=headers)


def test_a_signed_statement_from_a_trusted_ca_with_the_accounts_pesel_authenticates(client, make_account, trust):
    headers = _session(client, make_account())
    statement = client.get("/api/v1/authentications/qualified-signature/statement", headers=headers).get_json()
    key, cert = _signer(*trust, ANNA_PESEL)
    signed = _sign(statement["statement_xml"], key, cert)

    tampered = signed.replace("Kowalska", "Kowalsky", 1)
    assert _upload(client, headers, tampered).get_json()["error"]["fields"]["signed_statement"] == [
        "Podpis jest nieprawidłowy albo dokument zmieniono po podpisaniu."]
    done = _upload(client, headers, signed)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["level"] == "authenticated"
    [record] = client.get("/api/v1/authentications", headers=headers).get_json()
    assert record["method"] == "qualified_signature"
    assert record["evidence"]["certificate_subject"].startswith("C=PL,2.5.4.5=PNOPL-") or \
        "PNOPL-" + ANNA_PESEL in record["evidence"]["certificate_subject"]
    assert "Test Qualified CA" in record["performed_by"]


def test_an_untrusted_ca_another_pesel_or_a_forged_challenge_is_refused(client, make_account, trust, identity):
    account = make_account()
    headers = _session(client, account)
    statement = client.get("/api/v1/authentications/qualified-signature/statement", headers=headers,
                           ).get_json()["statement_xml"]
    rogue_key, rogue_cert = _ca("Rogue CA")
    key, cert = _signer(rogue_key, rogue_cert, ANNA_PESEL)
    assert _upload(client, headers, _sign(statement, key, cert)).get_json()["error"]["fields"]["signed_statement"] \
        == ["Certyfikat podpisu nie pochodzi od zaufanego dostawcy usług zaufania lub jest nieważny."]
    key, cert = _signer(*trust, JAN_PESEL)
    assert _upload(client, headers, _sign(statement, key, cert)).get_json()["error"]["fields"]["signed_statement"] \
        == ["Numer PESEL nie zgadza się z numerem PESEL konta."]
    forged = statement.replace(statement.split("<Wyzwanie>")[1].split("</Wyzwanie>")[0], "x" * 43)
    key, cert = _signer(*trust, ANNA_PESEL)
    assert _upload(client, headers, _sign(forged, key, cert)).get_json()["error"]["fields"]["signed_statement"] \
        == ["Podpisany dokument nie jest oświadczeniem pobranym dla tego konta lub wygasł. Pobierz nowy."]
    assert audit_actions(identity, account["account_id"]).count("authentication_refused") == 3
    assert client.get("/api/v1/me", headers=headers).get_json()["level"] == "email_verified"
