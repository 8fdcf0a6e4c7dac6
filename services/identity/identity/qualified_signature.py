"""Qualified electronic signature: the account holder signs an identity statement as XAdES.

We issue a statement naming the account and its PESEL with a one-use challenge (valid 1 h,
stored as a keyed digest). The uploaded document must be that statement, enveloped-signed
(XAdES, verified by signxml: signature, signed properties, signing-certificate digest), by a
certificate that chains to a configured trust anchor (the qualified CAs of the national trust
list; a test CA in development) at the time of upload, whose subject serialNumber is
`PNOPL-<PESEL>` (ETSI EN 319 412-1 semantics identifier) with the account's PESEL.
"""
import base64
from datetime import UTC, datetime, timedelta

import structlog
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import InvalidCertificate, InvalidInput, InvalidSignature
from signxml.xades import XAdESVerifier

from identity import levels, tokens
from identity.models import Account, AuthenticationRequest
from portal_shared.config import Config
from portal_shared.errors import ValidationFailed

log = structlog.get_logger()
METHOD = "qualified_signature"
LIFETIME = timedelta(hours=1)
NS = "urn:portal-podatnika:identity-statement:1"
FIELD = "signed_statement"
STATEMENT_TEXT = ("Oświadczam, że jestem osobą o podanym numerze PESEL i że to konto w Portalu "
                  "Podatnika należy do mnie.")


def statement(uow, account_id: str) -> dict:
    account = uow.session.get(Account, str(account_id))
    levels.require_can_authenticate(account)
    challenge, now = tokens.url_token(), datetime.now(UTC)
    uow.session.add(AuthenticationRequest(id=tokens.digest(challenge), account_id=account.id,
                                          method=METHOD, created_at=now, expires_at=now + LIFETIME))
    root = etree.Element(f"{{{NS}}}OswiadczenieTozsamosci", nsmap={None: NS})
    for name, value in (("KontoId", account.id), ("Login", account.login), ("PESEL", account.pesel),
                        ("Imie", account.first_name), ("Nazwisko", account.last_name),
                        ("Wyzwanie", challenge), ("Wystawiono", now.isoformat()),
                        ("Tresc", STATEMENT_TEXT)):
        etree.SubElement(root, f"{{{NS}}}{name}").text = value
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()
    return {"statement_xml": xml, "expires_at": now + LIFETIME}


def authenticate(uow, account_id: str, signed_statement: str, source: str | None = None) -> Account:
    account = levels.locked_account(uow.session, account_id)
    levels.require_can_authenticate(account)
    try:
        signed_xml, certificate = verify(signed_statement.encode(), Config().qes_trust_anchors_file)
        pending = _spend_challenge(uow.session, account, signed_xml)
        levels.require_pesel_match(account, _field(signed_xml, "PESEL"), FIELD)
        levels.require_pesel_match(account, pesel_of(certificate), FIELD)
    except ValidationFailed as refusal:
        levels.audit_refusal(uow, account.id, METHOD, refusal, actor=account.id, source=source)
        raise
    pending.used_at = datetime.now(UTC)
    levels.authenticate(uow, account, method=METHOD, performed_by=certificate.issuer.rfc4514_string(),
                        evidence={"certificate_subject": certificate.subject.rfc4514_string(),
                                  "certificate_serial": format(certificate.serial_number, "x"),
                                  "certificate_issuer": certificate.issuer.rfc4514_string()},
                        actor=account.id, source=source)
    return account


def verify(document: bytes, trust_anchors_file: str) -> tuple[etree._Element, x509.Certificate]:
    """The signed statement as verified (never the raw input) and the signing certificate."""
    if not trust_anchors_file:
        raise ValidationFailed({FIELD: ["signature.untrusted"]})  # no anchors configured: trust nobody
    try:
        results = XAdESVerifier().verify(document, ca_pem_file=trust_anchors_file, ee_policy=_signer_policy())
    except InvalidCertificate as exc:
        log.info("qes_certificate_refused", error=str(exc))
        raise ValidationFailed({FIELD: ["signature.untrusted"]}) from None
    except (InvalidSignature, InvalidInput, etree.XMLSyntaxError, ValueError) as exc:
        log.info("qes_signature_refused", error=str(exc))
        raise ValidationFailed({FIELD: ["signature.invalid"]}) from None
    statements = [r for r in results if r.signed_xml is not None
                  and r.signed_xml.tag == f"{{{NS}}}OswiadczenieTozsamosci"]
    if len(statements) != 1:
        raise ValidationFailed({FIELD: ["signature.statement_invalid"]})
    return statements[0].signed_xml, _signing_certificate(statements[0])


def _signer_policy() -> x509.verification.ExtensionPolicy:
    """Qualified certificates for signatures carry nonRepudiation (often alone): accept it."""
    def signing_usage(_policy, _cert, usage: x509.KeyUsage) -> None:
        if not (usage.content_commitment or usage.digital_signature):
            raise ValueError("the certificate may not sign")
    return x509.verification.ExtensionPolicy.permit_all().require_present(
        x509.KeyUsage, x509.verification.Criticality.AGNOSTIC, signing_usage)


def _signing_certificate(result) -> x509.Certificate:
    ns = {"ds": "http://www.w3.org/2000/09/xmldsig#"}
    for element in result.signature_xml.iterfind(".//ds:X509Certificate", ns):
        der = base64.b64decode("".join(element.text.split()))
        cert = x509.load_der_x509_certificate(der)
        pem = cert.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
        if pem.strip() == result.signature_key.strip():
            return cert
    raise ValidationFailed({FIELD: ["signature.invalid"]})


def pesel_of(certificate: x509.Certificate) -> str | None:
    """The PESEL from subject serialNumber `PNOPL-<PESEL>` (ETSI EN 319 412-1, 5.1.3)."""
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        value = str(attribute.value)
        if value.startswith("PNOPL-"):
            return value.removeprefix("PNOPL-")
    raise ValidationFailed({FIELD: ["signature.no_pesel"]})


def _field(signed_xml: etree._Element, name: str) -> str | None:
    element = signed_xml.find(f"{{{NS}}}{name}")
    return element.text if element is not None else None


def _spend_challenge(session, account: Account, signed_xml: etree._Element) -> AuthenticationRequest:
    challenge = _field(signed_xml, "Wyzwanie") or ""
    pending = session.get(AuthenticationRequest, tokens.digest(challenge), with_for_update=True)
    if (pending is None or pending.account_id != account.id or pending.method != METHOD
            or pending.used_at is not None or pending.expires_at < datetime.now(UTC)):
        raise ValidationFailed({FIELD: ["signature.statement_invalid"]})
    return pending
