"""Checking how a submission was signed, and with what.

- qualified signature: a XAdES signature enveloped in the form document, its certificate
  chaining to a configured trust anchor (QUALIFIED_TRUST_ANCHORS_FILE), its signer the actor
  (certificate serialNumber `PNOPL-<PESEL>`, ETSI EN 319 412-1);
- trusted profile: the signing service's `PodpisZP` structure, its signature by the service's
  certificate (TRUSTED_PROFILE_CERT_FILE), its signer's PESEL the actor's;
- session: confirmation inside an `authenticated` session, for forms that allow it.

In each case the signed document must be, byte for byte after canonicalisation, the one the
office rebuilds from the draft: "see what is signed".
"""
import base64
from dataclasses import dataclass

from cryptography import x509
from signxml import SignatureConfiguration, XMLVerifier
from signxml.exceptions import InvalidCertificate, InvalidInput, InvalidSignature
from signxml.xades import XAdESSignatureConfiguration, XAdESVerifier

from declarations import documents, pki, trusted_profile, xmlsafe
from portal_shared.config import Config
from portal_shared.errors import ValidationFailed

DS = "http://www.w3.org/2000/09/xmldsig#"
SIGNED_FIELD = "signed_xml_base64"


@dataclass
class Signed:
    structure: bytes   # exactly as received
    signer: str        # who signed, for the record and the UPO


def _fail(code: str, field: str = SIGNED_FIELD):
    return ValidationFailed({field: [code]})


def verify_qualified(signed: bytes, expected_c14n: bytes, actor_pesel: str | None) -> Signed:
    anchors = Config().qualified_trust_anchors_file
    if not anchors:
        raise _fail("signing.untrusted")
    xmlsafe.parse(signed, SIGNED_FIELD)  # refuses DTDs and entities before signxml sees it
    try:
        results = XAdESVerifier().verify(
            signed, ca_pem_file=anchors, parser=xmlsafe.parser(),
            expect_config=XAdESSignatureConfiguration(location="./", expect_references=3))
    except InvalidCertificate:
        raise _fail("signing.untrusted") from None
    except (InvalidSignature, InvalidInput, ValueError):
        raise _fail("signing.invalid") from None
    document = next((r.signed_xml for r in results
                     if r.signed_xml is not None and r.signed_xml.tag == f"{{{documents.NS}}}Deklaracja"), None)
    if document is None or xmlsafe.c14n(document) != expected_c14n:
        raise _fail("signing.document_mismatch")
    certificate = _signing_certificate(results[0].signature_xml)
    if pki.serial_number_of(certificate) != f"PNOPL-{actor_pesel}":
        raise _fail("signing.signer_mismatch")
    return Signed(signed, f"qualified:{certificate.subject.rfc4514_string()}")


def _signing_certificate(signature_xml) -> x509.Certificate:
    element = signature_xml.find(f".//{{{DS}}}X509Certificate")
    return x509.load_der_x509_certificate(base64.b64decode("".join(element.text.split())))


def verify_trusted_profile(signed: bytes, expected_c14n: bytes, actor_pesel: str | None) -> Signed:
    cert_file = Config().trusted_profile_cert_file
    if not cert_file:
        raise _fail("signing.untrusted", "signing_id")
    with open(cert_file, "rb") as handle:
        cert = handle.read().decode()
    xmlsafe.parse(signed, "signing_id")
    try:
        result = XMLVerifier().verify(signed, x509_cert=cert, parser=xmlsafe.parser(),
                                      expect_config=SignatureConfiguration(location="./"))
    except (InvalidSignature, InvalidInput, InvalidCertificate, ValueError):
        raise _fail("signing.invalid", "signing_id") from None
    wrapper = result.signed_xml
    ns = {"zp": trusted_profile.NS}
    document = wrapper.find("zp:Dokument/*", ns)
    if document is None or xmlsafe.c14n(document) != expected_c14n:
        raise _fail("signing.document_mismatch", "signing_id")
    pesel = wrapper.findtext("zp:DaneZP/zp:Pesel", namespaces=ns)
    if pesel != actor_pesel:
        raise _fail("signing.signer_mismatch", "signing_id")
    names = " ".join(filter(None, (wrapper.findtext("zp:DaneZP/zp:Imie", namespaces=ns),
                                   wrapper.findtext("zp:DaneZP/zp:Nazwisko", namespaces=ns))))
    return Signed(signed, f"trusted_profile:{names} (PESEL {pesel})")


def confirm_in_session(document_c14n: bytes, account_id: str) -> Signed:
    return Signed(document_c14n, f"session:{account_id}")
