"""The Przelewy24 adapter against the local fake operator (a separate process)."""
import pytest
import requests

from ledger.operator import OperatorError, Przelewy24, notification_sign
from portal_shared.config import Config
from portal_shared.testing import free_port, start_process


@pytest.fixture(scope="module")
def fake_operator():
    port = free_port()
    process = start_process("ledger.fakes.przelewy24", "--port", str(port), "--merchant-id", "100001",
                            "--api-key", "key-1", "--crc", "crc-1", ports=(port,))
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def adapter(url, **overrides):
    settings = {"p24_base_url": url, "p24_merchant_id": 100001, "p24_pos_id": 100001, "p24_api_key": "key-1",
                "p24_crc": "crc-1", **overrides}
    return Przelewy24(Config(**settings))


def test_register_pay_notify_verify(fake_operator):
    operator = adapter(fake_operator)
    registered = operator.register("session-1", 251_00, "Podatki", "a@example.pl", "http://x/return", "http://x/status")
    assert registered.redirect_url == f"{fake_operator}/trnRequest/{registered.token}"
    notification = requests.post(f"{fake_operator}/_fake/pay/{registered.token}", json={}, timeout=5).json()
    assert operator.authentic(notification)
    assert not operator.authentic({**notification, "amount": 1})
    assert not operator.authentic({**notification, "sign": notification_sign(notification, "another-crc")})
    operator.verify("session-1", notification["orderId"], 251_00)
    with pytest.raises(OperatorError):
        operator.verify("session-1", notification["orderId"], 250_00)


def test_wrong_credentials_or_crc_are_refused(fake_operator):
    with pytest.raises(OperatorError, match="401"):
        adapter(fake_operator, p24_api_key="wrong").register("s", 100, "d", "a@example.pl", "http://x", "http://y")
    with pytest.raises(OperatorError, match="400"):
        adapter(fake_operator, p24_crc="wrong").register("s", 100, "d", "a@example.pl", "http://x", "http://y")


def test_an_unreachable_operator_is_a_retryable_error():
    with pytest.raises(OperatorError, match="unreachable"):
        adapter(f"http://127.0.0.1:{free_port()}").register("s", 100, "d", "a@example.pl", "http://x", "http://y")
