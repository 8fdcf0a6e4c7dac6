"""The ledger's side of the integration tests: the fake payment operator, and a liability
assessed for a taxpayer the way it happens in production (declarations accepts an assessment)."""
import os
import time
import uuid

import pytest
from nameko.standalone.events import event_dispatcher

from portal_shared.contracts import declarations
from portal_shared.testing import free_port, start_process


@pytest.fixture(scope="session")
def operator():
    """The fake Przelewy24 as a process; the ledger's adapter is pointed at it."""
    port = free_port()
    process = start_process("ledger.fakes.przelewy24", "--port", str(port), "--merchant-id", "100001",
                            "--api-key", "test-api-key", "--crc", "test-crc", ports=(port,))
    os.environ.update(P24_BASE_URL=f"http://127.0.0.1:{port}", P24_API_KEY="test-api-key", P24_CRC="test-crc",
                      P24_MERCHANT_ID="100001", P24_POS_ID="100001")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def wait_for(check, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.05)
    raise AssertionError("condition not reached")


def accept_assessment(nameko_config, subject, annual, tax_year=2026, tax_type="property_tax"):
    """What the declarations service publishes when it accepts an assessment."""
    payload = declarations.DECLARATION_ACCEPTED.build(
        declaration_id=str(uuid.uuid4()), case_id=str(uuid.uuid4()), form_code="IN-1",
        submitter_account_id=str(uuid.uuid4()), subject=subject, assessment={
            "tax_type": tax_type, "tax_year": tax_year, "taxpayer_kind": "natural",
            "annual_amount_grosze": annual, "months_from": 1, "corrects": None,
            "components": [{"kind": "building_residential", "base": "120.50", "rate": "1.25",
                            "amount_grosze": annual}]})
    event_dispatcher(nameko_config)("declarations", "declaration_accepted", payload)
    return payload
