"""Writing a MIME message (multipart text + HTML, with attachments) straight to bytes.

The standard library's `email` package spends milliseconds building and flattening each
message; a reminder run sends hundreds of thousands. The shape here is fixed and simple:
every body part is UTF-8 in base64, headers with non-ASCII text are RFC 2047 encoded words,
lines end in CRLF. The SMTP sink parses the result with the standard library in the tests.
"""
import base64
import uuid
from email.utils import formatdate

CRLF = b"\r\n"
MAX_WORD_BYTES = 45  # 45 bytes -> 60 base64 characters: an encoded word stays under 76


def encoded_words(value: str) -> str:
    """A header value, RFC 2047-encoded (and folded) when it is not plain short ASCII."""
    if value.isascii() and len(value) < 70 and "\n" not in value and "=?" not in value:
        return value
    words, chunk = [], b""
    for character in value.replace("\r", " ").replace("\n", " "):
        encoded = character.encode()
        if len(chunk) + len(encoded) > MAX_WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word).decode()}?=" for word in words)


def address(name: str, email: str) -> str:
    return f"{encoded_words(name)} <{email}>" if name else email


def _base64_lines(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", CRLF)


def _part(content_type: str, data: bytes, disposition: str | None = None) -> bytes:
    headers = f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: base64\r\n"
    if disposition:
        headers += f"Content-Disposition: {disposition}\r\n"
    return headers.encode() + CRLF + _base64_lines(data)


def _multipart(subtype: str, parts: list[bytes]) -> tuple[str, bytes]:
    boundary = f"=_portal_{uuid.uuid4().hex}"
    body = b"".join(b"--" + boundary.encode() + CRLF + part for part in parts)
    return f'multipart/{subtype}; boundary="{boundary}"', body + b"--" + boundary.encode() + b"--" + CRLF


def render(from_header: str, recipient: str, subject: str, text: str, html: str | None, message_id: str,
           attachments=()) -> bytes:
    parts = [_part('text/plain; charset="utf-8"', text.encode())]
    if html:
        parts.append(_part('text/html; charset="utf-8"', html.encode()))
    content_type, body = _multipart("alternative", parts) if html else (
        'text/plain; charset="utf-8"', _base64_lines(text.encode()))
    if attachments:
        files = [_part(f'{kind}; name="{name}"', data, f'attachment; filename="{name}"')
                 for name, kind, data in attachments]
        alternative = f"Content-Type: {content_type}\r\n".encode() + CRLF + body
        if not html:
            alternative = f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: base64\r\n".encode() \
                + CRLF + body
        content_type, body = _multipart("mixed", [alternative, *files])
    single = not html and not attachments
    headers = (f"From: {from_header}\r\nTo: {recipient}\r\nSubject: {encoded_words(subject)}\r\n"
               f"Date: {formatdate(usegmt=True)}\r\n"
               # stable per message: a resend after a crash carries the same id, so mail
               # systems (and our checks) can drop the duplicate
               f"Message-ID: <{message_id}@portal.local>\r\n"
               f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n")
    if single:
        headers += "Content-Transfer-Encoding: base64\r\n"
    return headers.encode() + CRLF + body
