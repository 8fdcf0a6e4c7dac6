"""Attachments: PDF, JPEG, PNG and signed XML only, recognised by content (never by name),
limited in size, stored with their SHA-256."""
import base64
import binascii
import hashlib
import io
from datetime import UTC, datetime

import sqlalchemy as sa
from PIL import Image, UnidentifiedImageError

from declarations import xmlsafe
from declarations.models import Attachment
from portal_shared.config import Config
from portal_shared.errors import ValidationFailed

MAX_PER_OWNER = 20
DS_SIGNATURE = "{http://www.w3.org/2000/09/xmldsig#}Signature"


def decode(content_base64: str) -> bytes:
    try:
        content = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed({"content_base64": ["attachment.not_base64"]}) from None
    if not content:
        raise ValidationFailed({"content_base64": ["attachment.empty"]})
    if len(content) > Config().attachment_max_bytes:
        raise ValidationFailed({"content_base64": ["attachment.too_large"]})
    return content


def media_type_of(content: bytes) -> str:
    """The real type of the bytes, or `ValidationFailed`."""
    if content.startswith(b"%PDF-") and b"%%EOF" in content[-1024:]:
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n") or content.startswith(b"\xff\xd8\xff"):
        return _image_type(content)
    if content.lstrip()[:1] == b"<":
        return _signed_xml_type(content)
    raise ValidationFailed({"content_base64": ["attachment.type"]})


def _image_type(content: bytes) -> str:
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()  # walks the file: a renamed or truncated file fails here
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationFailed({"content_base64": ["attachment.type"]}) from None
    types = {"PNG": "image/png", "JPEG": "image/jpeg"}
    if kind not in types:
        raise ValidationFailed({"content_base64": ["attachment.type"]})
    return types[kind]


def _signed_xml_type(content: bytes) -> str:
    try:
        root = xmlsafe.parse(content, "content_base64")
    except ValidationFailed:
        raise ValidationFailed({"content_base64": ["attachment.type"]}) from None
    if root.find(f".//{DS_SIGNATURE}") is None and root.tag != DS_SIGNATURE:
        raise ValidationFailed({"content_base64": ["attachment.type"]})
    return "application/xml"


def store(session, account_id: str, filename: str, content_base64: str, draft_id: str | None = None,
          case_id: str | None = None) -> Attachment:
    content = decode(content_base64)
    media_type = media_type_of(content)
    owner = Attachment.draft_id == draft_id if draft_id else Attachment.case_id == case_id
    if session.scalar(sa.select(sa.func.count()).select_from(Attachment).where(owner)) >= MAX_PER_OWNER:
        raise ValidationFailed({"content_base64": ["attachment.too_many"]})
    attachment = Attachment(account_id=account_id, draft_id=draft_id, case_id=case_id,
                            filename=_safe_name(filename), media_type=media_type, size=len(content),
                            sha256=hashlib.sha256(content).hexdigest(), content=content,
                            created_at=datetime.now(UTC))
    session.add(attachment)
    session.flush()
    return attachment


def _safe_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:200] or "plik"


def view(attachment: Attachment) -> dict:
    return {"attachment_id": attachment.id, "filename": attachment.filename,
            "media_type": attachment.media_type, "size": attachment.size, "sha256": attachment.sha256}
