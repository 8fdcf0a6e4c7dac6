"""Pure rules, no broker or database: the telePIN policy and the PESEL in a qualified certificate."""
import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from identity import in_person, qualified_signature, telepin
from portal_shared.errors import ValidationFailed


@pytest.mark.parametrize("pin, expected", [
    ("482915", {}), ("135790", {}), ("112233", {}), ("098765", {}),
    ("48291", {"telepin": ["telepin.format"]}), ("4829150", {"telepin": ["telepin.format"]}),
    ("48 915", {"telepin": ["telepin.format"]}), ("000000", {"telepin": ["telepin.identical_digits"]}),
    ("012345", {"telepin": ["telepin.sequence"]}), ("987654", {"telepin": ["telepin.sequence"]}),
])
def test_telepin_policy(pin, expected):
    assert telepin.policy_errors(pin, pin) == expected


def test_both_telepin_entries_must_match():
    assert telepin.policy_errors("482915", "482951") == {"telepin_repeated": ["telepin.mismatch"]}


class _Cert:
    def __init__(self, *attributes):
        self.subject = x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])


def test_the_pesel_comes_from_the_etsi_semantics_identifier():
    cert = _Cert((NameOID.COMMON_NAME, "Anna Kowalska"), (NameOID.SERIAL_NUMBER, "PNOPL-44051401359"))
    assert qualified_signature.pesel_of(cert) == "44051401359"
    with pytest.raises(ValidationFailed):
        qualified_signature.pesel_of(_Cert((NameOID.SERIAL_NUMBER, "IDCPL-ABC123456")))


def test_a_checked_document_is_kept_masked_with_a_keyed_digest():
    evidence = in_person.document_evidence("id_card", "abc 123456")
    assert evidence["document_number_masked"] == "ABC****56"
    assert evidence["document_number_digest"] == in_person.document_evidence("id_card", "ABC123456")[
        "document_number_digest"]
    assert "123456" not in str(evidence.values())
