"""Parsing XML from outside safely: no DTDs, no entities, no network, no huge trees.

A document with a DOCTYPE is refused outright (that is where billion-laughs and external
entities live); lxml's parser is configured so that nothing is resolved even if one slipped by.
"""
from lxml import etree

from portal_shared.errors import ValidationFailed

MAX_XML_BYTES = 5 * 1024 * 1024


def parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=False, remove_pis=False)


def parse(data: bytes, field: str = "xml") -> etree._Element:
    if len(data) > MAX_XML_BYTES:
        raise ValidationFailed({field: ["attachment.too_large"]})
    try:
        tree = etree.fromstring(data, parser())
    except etree.XMLSyntaxError:
        raise ValidationFailed({field: ["xml.invalid"]}) from None
    if tree.getroottree().docinfo.doctype:
        raise ValidationFailed({field: ["xml.invalid"]})
    return tree


def c14n(element) -> bytes:
    """Exclusive canonical form: the same document gives the same bytes, whatever its layout."""
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)
