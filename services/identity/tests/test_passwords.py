"""Password policy of seed 000 and the common-password list."""
import pytest

from identity import passwords


@pytest.mark.parametrize("password, codes", [
    ("Zimowy-Spacer7", []),
    ("Kr@ków2026xyz", []),
    ("short1!", ["password.too_short", "password.needs_upper"]),
    ("alllowercase1!", ["password.needs_upper"]),
    ("ALLUPPERCASE1!", ["password.needs_lower"]),
    ("NoDigitsHere!", ["password.needs_digit"]),
    ("NoSpecial123", ["password.needs_special"]),
    ("Password1!", ["password.common"]),
    ("Qwerty123!", ["password.common"]),
    ("Wakacje123!", ["password.common"]),  # the seed's own example is published, so guessable
    ("Zaq12wsx!", ["password.common"]),
])
def test_policy(password, codes):
    assert passwords.policy_errors(password) == codes


def test_a_password_built_on_the_login_or_name_is_refused():
    assert passwords.policy_errors("Kowalska2026!", personal=("anna.k", "Anna", "Kowalska")) == [
        "password.common"]


def test_hashes_are_argon2id_and_verify():
    stored = passwords.hash_password("Zimowy-Spacer7")
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, "Zimowy-Spacer7")
    assert not passwords.verify_password(stored, "zimowy-spacer7")
    assert not passwords.verify_password("not a hash", "Zimowy-Spacer7")
    assert not passwords.needs_rehash(stored)


def test_the_shipped_list_is_large_and_lower_cased():
    common = passwords.common_passwords()
    assert len(common) > 10_000 and "123456" in common and "zaq12wsx" in common
    assert all(word == word.lower() for word in common)
