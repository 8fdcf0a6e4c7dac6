"""Password policy (seed 000) and argon2id hashing.

Policy: at least 8 characters with an upper-case letter, a lower-case letter, a digit and a
special character; not one of the most common breached passwords, even dressed up with a
capital letter and a trailing "123!". Hashes are argon2id at OWASP's parameters.

A hash costs tens of milliseconds of CPU. In the service (an eventlet process) it runs on a
real OS thread (`eventlet.tpool`; argon2-cffi releases the GIL), so one login does not stall
every other request the service is serving meanwhile.
"""
import os
import re
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import patcher, semaphore, tpool

MIN_LENGTH = 8
MAX_LENGTH = 128
# OWASP Password Storage Cheat Sheet, argon2id minimum: m=19 MiB, t=2, p=1.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_TRAILING_DECORATION = re.compile(r"[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("identity.data").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def policy_errors(password: str, *, personal: tuple[str, ...] = ()) -> list[str]:
    """Message codes for every rule the password breaks; empty when it is acceptable."""
    errors = []
    if len(password) < MIN_LENGTH:
        errors.append("password.too_short")
    if len(password) > MAX_LENGTH:
        errors.append("password.too_long")
    if not re.search(r"[A-ZĄĆĘŁŃÓŚŹŻ]", password):
        errors.append("password.needs_upper")
    if not re.search(r"[a-ząćęłńóśźż]", password):
        errors.append("password.needs_lower")
    if not re.search(r"\d", password):
        errors.append("password.needs_digit")
    if not re.search(r"[^\w\s]|_", password):
        errors.append("password.needs_special")
    if not errors and _is_common(password, personal):
        errors.append("password.common")
    return errors


def _is_common(password: str, personal: tuple[str, ...]) -> bool:
    lowered = password.lower()
    stem = _TRAILING_DECORATION.sub("", lowered)
    candidates = {lowered, stem} if len(stem) >= 5 else {lowered}
    if candidates & common_passwords():
        return True
    return any(word and len(word) >= 4 and word.lower() in lowered for word in personal)


# Hashes at once: more than the cores only makes each slower (19 MiB apiece thrash the caches).
_HASHING = semaphore.Semaphore(os.cpu_count() or 1)  # green: waiting for a turn yields


def _off_the_hub(function, *args):
    if not patcher.is_monkey_patched("thread"):
        return function(*args)  # a plain process (CLI, tests without eventlet): nothing to stall
    with _HASHING:
        return tpool.execute(function, *args)


def hash_password(password: str) -> str:
    return _off_the_hub(HASHER.hash, password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _off_the_hub(HASHER.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


# A real hash to compare against when the login is unknown, so both paths cost the same.
DUMMY_HASH = HASHER.hash("not-a-real-password-Zz9!")
