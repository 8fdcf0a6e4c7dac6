"""Attachments by content, safe XML, and the UPO signed by the office's key."""
import base64
import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from declarations import attachments, pki, upo, xmlsafe
from portal_shared.errors import ValidationFailed


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.parametrize(("content", "media_type"), [
    (b"%PDF-1.7\n...\n%%EOF\n", "application/pdf"),
    (_image("PNG"), "image/png"),
    (_image("JPEG"), "image/jpeg"),
    (b'<a><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></a>', "application/xml"),
])
def test_allowed_types_are_recognised_by_content(content, media_type):
    assert attachments.media_type_of(content) == media_type


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00", b"%PDF-1.7 but truncated", b"\x89PNG\r\n\x1a\n broken", b"<a>unsigned</a>",
    _image("GIF"), b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
])
def test_anything_else_is_refused(content):
    with pytest.raises(ValidationFailed):
        attachments.media_type_of(content)


def test_size_is_limited(monkeypatch):
    monkeypatch.setenv("ATTACHMENT_MAX_BYTES", "10")
    with pytest.raises(ValidationFailed) as refused:
        attachments.decode(base64.b64encode(b"%PDF-" + b"x" * 20).decode())
    assert refused.value.field_errors == {"content_base64": ["attachment.too_large"]}


def test_xml_with_a_doctype_is_refused():
    with pytest.raises(ValidationFailed):
        xmlsafe.parse(b'<!DOCTYPE l [<!ENTITY a "aaaa">]><l>&a;</l>')


def _upo(keys):
    return upo.build_and_sign(
        keys, reference="UMK-20260115-ABCDEF", office="Urząd Miasta Krakowa", form_code="IN-1",
        form_version="2019-07-01", submitter={"name": "Anna Kowalska", "pesel": "44051401359", "account_id": "a"},
        principal={"id": "5260250274", "kind": "NIP"}, signing_method="qualified_signature",
        received_at=datetime(2026, 1, 15, 11, 30, tzinfo=UTC), issued_at=datetime(2026, 1, 15, 11, 30, 1, tzinfo=UTC),
        document_digest=upo.digest(b"doc"), structure_digest=upo.digest(b"signed doc"))


def test_a_upo_verifies_with_the_office_key_only():
    pair = pki.self_signed("UPO test")
    keys = upo.OfficeKeys(pair.key_pem, pair.cert_pem)
    xml = _upo(keys)
    fields = upo.signature_valid(keys, xml)
    assert fields["received_at"] == "2026-01-15T12:30:00+01:00"  # Europe/Warsaw
    assert fields["received_at_utc"].startswith("2026-01-15T11:30")
    assert fields["principal"] == "5260250274" and fields["digest_algorithm"] == "SHA-256"
    other = pki.self_signed("someone else")
    assert upo.signature_valid(upo.OfficeKeys(other.key_pem, other.cert_pem), xml) is None
    assert upo.signature_valid(keys, xml.replace(b"Anna", b"Anka")) is None
