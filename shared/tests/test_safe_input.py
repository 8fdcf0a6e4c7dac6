"""Hostile XML and uploads are refused before anything reads them."""
import io
import zipfile

import pytest

from portal_shared.safe_xml import UnsafeXml, parse_xml
from portal_shared.uploads import UploadPolicy, UploadRefused, check_upload

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<lolz>&lol3;</lolz>"""
EXTERNAL_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE doc [<!ENTITY secret SYSTEM "file:///etc/passwd">]><doc>&secret;</doc>"""
EXTERNAL_URL = b"""<?xml version="1.0"?>
<!DOCTYPE doc SYSTEM "http://127.0.0.1:9/evil.dtd"><doc/>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE doc [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x">%remote;]><doc/>"""
CAMT = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<Stmt><Id>1</Id></Stmt></BkToCstmrStmt></Document>"""


def codes(exc_info) -> list[str]:
    return exc_info.value.field_errors["file"]


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_FILE, EXTERNAL_URL, PARAMETER_ENTITY])
def test_dtds_and_entities_are_refused(document):
    with pytest.raises(UnsafeXml) as refused:
        parse_xml(document)
    assert codes(refused) == ["xml.dtd_forbidden"]


def test_a_dtd_hidden_in_utf16_is_refused_by_the_parser_itself():
    with pytest.raises(UnsafeXml) as refused:
        parse_xml(EXTERNAL_FILE.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"')
                  .decode().encode("utf-16"))
    assert codes(refused) == ["xml.dtd_forbidden"]


def test_a_statement_parses_and_oversize_or_broken_xml_is_refused():
    root = parse_xml(CAMT)
    assert root.tag.endswith("Document")
    assert root.find(".//{urn:iso:std:iso:20022:tech:xsd:camt.053.001.02}Id").text == "1"
    with pytest.raises(UnsafeXml) as too_big:
        parse_xml(CAMT, max_bytes=100)
    assert codes(too_big) == ["xml.too_large"]
    with pytest.raises(UnsafeXml) as broken:
        parse_xml(b"<Document><Stmt></Document>")
    assert codes(broken) == ["xml.malformed"]


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PDF_POLICY = UploadPolicy(max_bytes=1024, kinds={"pdf"})


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def refusal(data, name, policy) -> str:
    with pytest.raises(UploadRefused) as refused:
        check_upload(data, name, policy)
    return codes(refused)[0]


def test_a_pdf_is_accepted_by_its_content():
    assert check_upload(PDF, "Zeznanie.PDF", PDF_POLICY) == "pdf"


def test_oversized_empty_and_wrong_type_uploads_are_refused():
    assert refusal(PDF + b"x" * 1024, "a.pdf", PDF_POLICY) == "upload.too_large"
    assert refusal(b"", "a.pdf", PDF_POLICY) == "upload.empty"
    assert refusal(b"MZ\x90\x00\x03binary", "faktura.pdf", PDF_POLICY) == "upload.wrong_type"
    assert refusal(b"#!/bin/sh\nrm -rf /\n", "faktura.pdf", PDF_POLICY) == "upload.wrong_type"
    assert refusal(b"\x89PNG\r\n\x1a\n....", "skan.pdf", PDF_POLICY) == "upload.wrong_type"


def test_a_right_type_under_a_wrong_name_is_refused():
    policy = UploadPolicy(max_bytes=1024, kinds={"pdf", "xml"})
    assert refusal(PDF, "wyciag.xml", policy) == "upload.name_does_not_match_content"
    assert check_upload(CAMT, "wyciag.xml", policy) == "xml"


def test_zip_bombs_and_unsafe_archives_are_refused():
    policy = UploadPolicy(max_bytes=1 << 20, kinds={"zip"}, max_unpacked_bytes=50 << 20, max_entries=10)
    bomb = zipped({"zeros.txt": b"\0" * (60 << 20)})  # 60 MiB of zeros in ~60 KiB
    assert len(bomb) < 100_000
    assert refusal(bomb, "dokumenty.zip", policy) == "upload.archive_too_large_unpacked"
    ratio_bomb = zipped({"zeros.txt": b"\0" * (5 << 20)})
    assert refusal(ratio_bomb, "dokumenty.zip", policy) == "upload.archive_too_large_unpacked"
    assert refusal(zipped({f"{i}.txt": b"x" for i in range(11)}), "d.zip", policy) == \
        "upload.archive_too_many_files"
    assert refusal(zipped({"inner.zip": zipped({"a.txt": b"a"})}), "d.zip", policy) == "upload.archive_nested"
    assert refusal(zipped({"../../etc/cron.d/x": b"a"}), "d.zip", policy) == "upload.archive_unsafe_path"
    assert refusal(b"PK\x03\x04 not really a zip", "d.zip", policy) == "upload.archive_damaged"
    assert check_upload(zipped({"a.pdf": PDF, "b.csv": b"1;2\n"}), "d.zip", policy) == "zip"
