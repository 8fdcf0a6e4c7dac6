"""Comparing secrets without leaking their length of agreement through timing."""
import hmac


def equal(given: str, expected: str) -> bool:
    """Like `hmac.compare_digest`, which raises TypeError on non-ASCII text (anything a caller
    types can be non-ASCII): compare the UTF-8 bytes instead."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))
