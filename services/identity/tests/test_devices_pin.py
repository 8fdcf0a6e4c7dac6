"""The device PIN's rules."""
import pytest

from identity.devices import pin_errors


@pytest.mark.parametrize("pin", ["2580", "139713", "90210473"])
def test_acceptable_pins(pin):
    assert pin_errors(pin, pin) == []


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "0000", "777777", "1234", "4321", "78901", "09876"])
def test_short_long_identical_and_consecutive_pins_are_refused(pin):
    assert pin_errors(pin, pin) == ["device.pin_invalid"]


def test_both_entries_must_match():
    assert pin_errors("2580", "2581") == ["device.pin_mismatch"]
