"""Checking an uploaded file before anything else reads it: size, type by content, archives.

    kind = check_upload(data, "wyciag.xml", UploadPolicy(max_bytes=5 << 20, kinds={"xml"}))

The type comes from the file's first bytes (its magic number), never from the name or the
browser's Content-Type; a name whose extension says otherwise is refused too, so a script
renamed `.pdf` or a PDF renamed `.xml` does not get through. ZIP archives (also DOCX/ODT, which
are ZIPs) are read from their central directory without unpacking: too many entries, too
much unpacked size, a suspicious compression ratio or nested archives are refused, so a zip
bomb never reaches a decompressor. Refusals are `UploadRefused` (400 with a message code).
"""
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from portal_shared.errors import ValidationFailed

# kind -> (magic prefixes, extensions)
KINDS: dict[str, tuple[tuple[bytes, ...], tuple[str, ...]]] = {
    "pdf": ((b"%PDF-",), (".pdf",)),
    "png": ((b"\x89PNG\r\n\x1a\n",), (".png",)),
    "jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "zip": ((b"PK\x03\x04", b"PK\x05\x06"), (".zip",)),
    "xml": ((b"<?xml", b"\xef\xbb\xbf<?xml", b"<"), (".xml",)),
    "csv": ((), (".csv", ".txt")),  # text: no magic; checked as UTF-8 without NULs
}
ARCHIVE_MAGIC = (b"PK\x03\x04", b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh")


class UploadRefused(ValidationFailed):
    def __init__(self, code: str, field: str = "file"):
        super().__init__({field: [code]})


@dataclass(frozen=True)
class UploadPolicy:
    max_bytes: int
    kinds: frozenset[str] | set[str] = field(default_factory=lambda: {"pdf"})
    max_unpacked_bytes: int = 100 * 1024 * 1024
    max_entries: int = 1000
    max_ratio: int = 100  # unpacked / packed for any one entry; text compresses ~10x


def check_upload(data: bytes, filename: str, policy: UploadPolicy) -> str:
    """The file's kind when it may be accepted, else `UploadRefused`."""
    if not data:
        raise UploadRefused("upload.empty")
    if len(data) > policy.max_bytes:
        raise UploadRefused("upload.too_large")
    kind = sniff(data)
    if kind not in policy.kinds:
        raise UploadRefused("upload.wrong_type")
    if PurePath(filename).suffix.lower() not in KINDS[kind][1]:
        raise UploadRefused("upload.name_does_not_match_content")
    if kind == "zip":
        check_zip(data, policy)
    return kind


def sniff(data: bytes) -> str | None:
    head = data[:16]
    for kind, (magics, _) in KINDS.items():
        if any(head.startswith(magic) for magic in magics):
            return kind
    return "csv" if _plain_text(data) else None


def _plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_zip(data: bytes, policy: UploadPolicy) -> None:
    """Judge an archive by its directory; read (bounded) only to check nested archives' magic."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused("upload.archive_damaged") from exc
    if len(entries) > policy.max_entries:
        raise UploadRefused("upload.archive_too_many_files")
    if sum(entry.file_size for entry in entries) > policy.max_unpacked_bytes:
        raise UploadRefused("upload.archive_too_large_unpacked")
    for entry in entries:
        if entry.file_size > policy.max_ratio * max(entry.compress_size, 1) and entry.file_size > 1 << 20:
            raise UploadRefused("upload.archive_too_large_unpacked")
        if entry.filename.startswith("/") or ".." in PurePath(entry.filename).parts:
            raise UploadRefused("upload.archive_unsafe_path")
        with archive.open(entry) as member:
            if member.read(8).startswith(ARCHIVE_MAGIC):
                raise UploadRefused("upload.archive_nested")
