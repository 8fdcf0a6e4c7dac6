"""Signature checks without the broker: XAdES against trust anchors, the trusted-profile
structure against the service's certificate, and the adapter when the service is away."""
import pytest
import requests
from lxml import etree
from signxml import XMLSigner
from signxml.xades import XAdESSigner

from declarations import documents, pki, signing, trusted_profile, xmlsafe
from portal_shared.errors import ServiceUnavailable, ValidationFailed

PESEL = "44051401359"


@pytest.fixture
def document():
    form = {"code": "WPW", "version": "1", "steps": [{"id": "s", "fields": [{"name": "a", "type": "text"}]}]}
    return documents.canonical(documents.build(form, "d1", PESEL, "Urząd", {"a": "zażółć"}, {}, {}))


@pytest.fixture
def anchors(tmp_path, monkeypatch):
    ca = pki.new_ca("Test CA")
    path = tmp_path / "anchors.pem"
    path.write_bytes(ca.cert_pem)
    monkeypatch.setenv("QUALIFIED_TRUST_ANCHORS_FILE", str(path))
    return ca


def _xades(document: bytes, signer) -> bytes:
    return etree.tostring(XAdESSigner(signature_algorithm="ecdsa-sha256").sign(
        etree.fromstring(document), key=signer.key_pem, cert=signer.cert_pem))


def _code(call) -> str:
    with pytest.raises(ValidationFailed) as refused:
        call()
    [codes] = refused.value.field_errors.values()
    return codes[0]


def test_a_qualified_signature_of_the_actor_over_the_document_passes(document, anchors):
    signed = _xades(document, pki.issue_signing_cert(anchors, "Anna", f"PNOPL-{PESEL}"))
    result = signing.verify_qualified(signed, document, PESEL)
    assert result.structure == signed and "CN=Anna" in result.signer


def test_qualified_signature_failures_say_why(document, anchors):
    mine = pki.issue_signing_cert(anchors, "Anna", f"PNOPL-{PESEL}")
    assert _code(lambda: signing.verify_qualified(_xades(document, mine), document, "02070803628")) == \
        "signing.signer_mismatch"
    rogue = pki.issue_signing_cert(pki.new_ca("Rogue"), "Anna", f"PNOPL-{PESEL}")
    assert _code(lambda: signing.verify_qualified(_xades(document, rogue), document, PESEL)) == "signing.untrusted"
    other = document.replace("zażółć".encode(), b"inne")
    assert _code(lambda: signing.verify_qualified(_xades(other, mine), document, PESEL)) == \
        "signing.document_mismatch"
    genuine = _xades(document, mine)
    assert b">d1<" in genuine
    tampered = genuine.replace(b">d1<", b">d2<")
    assert _code(lambda: signing.verify_qualified(tampered, document, PESEL)) == "signing.invalid"


def test_no_trust_anchors_means_no_qualified_signature_is_trusted(document, monkeypatch):
    monkeypatch.setenv("QUALIFIED_TRUST_ANCHORS_FILE", "")
    assert _code(lambda: signing.verify_qualified(b"<a/>", document, PESEL)) == "signing.untrusted"


def test_the_trusted_profile_structure_is_checked_against_the_service_certificate(document, tmp_path, monkeypatch):
    service = pki.self_signed("Profil Zaufany")
    cert = tmp_path / "tp.crt"
    cert.write_bytes(service.cert_pem)
    monkeypatch.setenv("TRUSTED_PROFILE_CERT_FILE", str(cert))
    ns = trusted_profile.NS
    root = etree.Element(f"{{{ns}}}PodpisZP", nsmap={None: ns})
    etree.SubElement(root, f"{{{ns}}}Dokument").append(xmlsafe.parse(document))
    etree.SubElement(etree.SubElement(root, f"{{{ns}}}DaneZP"), f"{{{ns}}}Pesel").text = PESEL
    signed = etree.tostring(XMLSigner(signature_algorithm="ecdsa-sha256").sign(
        root, key=service.key_pem, cert=service.cert_pem))
    assert signing.verify_trusted_profile(signed, document, PESEL).signer.endswith(f"(PESEL {PESEL})")
    impostor = pki.self_signed("Not the service")
    forged = etree.tostring(XMLSigner(signature_algorithm="ecdsa-sha256").sign(
        etree.fromstring(signed.split(b"<ds:Signature")[0] + b"</PodpisZP>"), key=impostor.key_pem,
        cert=impostor.cert_pem))
    assert _code(lambda: signing.verify_trusted_profile(forged, document, PESEL)) == "signing.invalid"


def test_the_adapter_reports_an_unreachable_service_as_unavailable():
    client = trusted_profile.TrustedProfileClient("http://127.0.0.1:9", requests.Session())
    with pytest.raises(ServiceUnavailable):
        client.add_document_to_signing(b"<a/>", "http://portal/return")
