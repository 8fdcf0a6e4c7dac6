"""The UPO (urzędowe poświadczenie odbioru): the office's signed receipt of a submission.

It names the reference number, the receiving office, the form and its version, the submitter
and (when acting for someone) the principal, the arrival time in Europe/Warsaw and UTC, the
issue time, and two digests as e-Deklaracje's UPO does: `SkrotDokumentu` (the document as
submitted: what was signed) and `SkrotZlozonejStruktury` (the whole received structure,
signature included). SHA-256 in base64, with the algorithm named so verification can accept
another. Signed by the office's key (XML-DSig, enveloped).
"""
import base64
import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from lxml import etree
from signxml import SignatureConfiguration, XMLSigner, XMLVerifier
from signxml.exceptions import InvalidCertificate, InvalidInput, InvalidSignature

from declarations import pki, xmlsafe
from portal_shared.config import Config
from portal_shared.errors import ValidationFailed

NS = "urn:portal-podatnika:upo:v1"
WARSAW = ZoneInfo("Europe/Warsaw")
DIGEST_ALGORITHMS = {"SHA-256": hashlib.sha256, "SHA-512": hashlib.sha512}
DEFAULT_ALGORITHM = "SHA-256"


@dataclass(frozen=True)
class OfficeKeys:
    key_pem: bytes
    cert_pem: bytes


def load_office_keys(config: Config) -> OfficeKeys:
    """Production reads the configured key; elsewhere a local key is made once and kept, so
    UPOs issued before a restart still verify."""
    if config.upo_signing_key_file and config.upo_signing_cert_file:
        with open(config.upo_signing_key_file, "rb") as key, open(config.upo_signing_cert_file, "rb") as cert:
            return OfficeKeys(key.read(), cert.read())
    if config.is_production:
        raise RuntimeError("UPO_SIGNING_KEY_FILE and UPO_SIGNING_CERT_FILE must be set in production")
    path = os.path.join(tempfile.gettempdir(), "portal-dev-keys", f"office-{config.office_code}.pem")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        pair = pki.self_signed(f"UPO {config.office_code} (development)")
        temporary = f"{path}.{os.getpid()}.tmp"  # key and certificate in one file, replaced atomically
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pair.key_pem + pair.cert_pem)
        os.replace(temporary, path)
    with open(path, "rb") as handle:
        content = handle.read()
    split = content.index(b"-----BEGIN CERTIFICATE-----")
    return OfficeKeys(content[:split], content[split:])


def digest(data: bytes, algorithm: str = DEFAULT_ALGORITHM) -> str:
    return base64.b64encode(DIGEST_ALGORITHMS[algorithm](data).digest()).decode()


def new_reference(office_code: str, received_at: datetime) -> str:
    return f"{office_code}-{received_at.astimezone(WARSAW):%Y%m%d}-{secrets.token_hex(8).upper()}"


def _el(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = str(text)
    return element


def build_and_sign(keys: OfficeKeys, *, reference: str, office: str, form_code: str, form_version: str,
                   submitter: dict, principal: dict | None, signing_method: str, received_at: datetime,
                   issued_at: datetime, document_digest: str, structure_digest: str,
                   algorithm: str = DEFAULT_ALGORITHM) -> bytes:
    root = etree.Element(f"{{{NS}}}UPO", nsmap={None: NS})
    _el(root, "NumerReferencyjny", reference)
    _el(root, "OrganPrzyjmujacy", office)
    _el(root, "Formularz", kod=form_code, wersja=form_version)
    person = _el(root, "Skladajacy")
    _el(person, "Nazwa", submitter["name"])
    if submitter.get("pesel"):
        _el(person, "PESEL", submitter["pesel"])
    _el(person, "IdentyfikatorKonta", submitter["account_id"])
    if principal:
        represented = _el(root, "Mocodawca")
        _el(represented, "Identyfikator", principal["id"], typ=principal["kind"])
    _el(root, "SposobPodpisu", signing_method)
    _el(root, "DataWplyniecia", received_at.astimezone(WARSAW).isoformat(timespec="seconds"), strefa="Europe/Warsaw")
    _el(root, "DataWplynieciaUTC", received_at.astimezone(UTC).isoformat(timespec="seconds"))
    _el(root, "DataWystawienia", issued_at.astimezone(WARSAW).isoformat(timespec="seconds"), strefa="Europe/Warsaw")
    _el(root, "SkrotDokumentu", document_digest, algorytm=algorithm)
    _el(root, "SkrotZlozonejStruktury", structure_digest, algorytm=algorithm)
    signed = XMLSigner(signature_algorithm="ecdsa-sha256", digest_algorithm="sha256").sign(
        root, key=keys.key_pem, cert=keys.cert_pem)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def read(upo_xml: bytes) -> dict:
    """The UPO's fields (no checks): for the PDF and the verification answer."""
    root = xmlsafe.parse(upo_xml, "xml_base64")
    ns = {"u": NS}
    form = root.find("u:Formularz", ns)
    return {
        "reference": root.findtext("u:NumerReferencyjny", namespaces=ns),
        "office": root.findtext("u:OrganPrzyjmujacy", namespaces=ns),
        "form_code": form.get("kod") if form is not None else None,
        "form_version": form.get("wersja") if form is not None else None,
        "submitter_name": root.findtext("u:Skladajacy/u:Nazwa", namespaces=ns),
        "submitter_pesel": root.findtext("u:Skladajacy/u:PESEL", namespaces=ns),
        "principal": root.findtext("u:Mocodawca/u:Identyfikator", namespaces=ns),
        "signing_method": root.findtext("u:SposobPodpisu", namespaces=ns),
        "received_at": root.findtext("u:DataWplyniecia", namespaces=ns),
        "received_at_utc": root.findtext("u:DataWplynieciaUTC", namespaces=ns),
        "issued_at": root.findtext("u:DataWystawienia", namespaces=ns),
        "document_digest": root.findtext("u:SkrotDokumentu", namespaces=ns),
        "structure_digest": root.findtext("u:SkrotZlozonejStruktury", namespaces=ns),
        "digest_algorithm": root.find("u:SkrotDokumentu", ns).get("algorytm")
        if root.find("u:SkrotDokumentu", ns) is not None else None,
    }


def signature_valid(keys: OfficeKeys, upo_xml: bytes) -> dict | None:
    """The UPO's fields when the office's signature over it holds; None when it does not."""
    try:
        xmlsafe.parse(upo_xml, "xml_base64")
        result = XMLVerifier().verify(upo_xml, x509_cert=keys.cert_pem.decode(), parser=xmlsafe.parser(),
                                      expect_config=SignatureConfiguration(location="./"))
    except (InvalidSignature, InvalidInput, InvalidCertificate, ValidationFailed, ValueError):
        return None
    return read(etree.tostring(result.signed_xml))
