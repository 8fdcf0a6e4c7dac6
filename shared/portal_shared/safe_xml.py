"""Parsing XML that came from outside (bank statements camt.053, UPO, XAdES, uploads) safely.

`parse_xml(data)` refuses what XML can be turned into an attack with: a DTD at all (so no
entity expansion - "billion laughs" - and no external entities reading local files or fetching
URLs), and documents bigger than `max_bytes`. It uses defusedxml's ElementTree, which never
touches the network. Refusals raise `UnsafeXml` (a `ValidationFailed` with a message code), so
an API answers 400; anything not well-formed raises it too.

Code that needs lxml (XAdES signatures) must build its parser with `resolve_entities=False,
no_network=True, huge_tree=False, load_dtd=False` and pass the bytes through
`refuse_dtd(data)` first.
"""
from xml.etree.ElementTree import Element, ParseError  # noqa: S405  types only; parsing is defusedxml

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from portal_shared.errors import ValidationFailed

MAX_XML_BYTES = 20 * 1024 * 1024


class UnsafeXml(ValidationFailed):
    def __init__(self, code: str, field: str = "file"):
        super().__init__({field: [code]})


def refuse_dtd(data: bytes, max_bytes: int = MAX_XML_BYTES) -> None:
    """Cheap checks before any parser sees the bytes: size and no document type declaration."""
    if len(data) > max_bytes:
        raise UnsafeXml("xml.too_large")
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise UnsafeXml("xml.dtd_forbidden")


def parse_xml(data: bytes, max_bytes: int = MAX_XML_BYTES) -> Element:
    """The document's root element, or `UnsafeXml`."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    refuse_dtd(data, max_bytes)
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXml("xml.dtd_forbidden") from exc
    except ParseError as exc:
        raise UnsafeXml("xml.malformed") from exc
