"""Bank-transfer details in the Polish banks' QR format (ZBP "Standard 2D" v1.0, 2013-12-03).

Nine fields joined by `|`: recipient NIP (empty for a natural person), `PL`, the NRB (26 digits),
the amount in grosze as 6 digits (`000000` lets the payer type it; it cannot exceed 9,999.99 zł),
recipient name (1-20 chars), title (1-32 chars), three reserved fields. At most 160 characters,
error correction L, UTF-8; a field never contains `|` and only the listed characters.
"""
import io
import re

import segno

DISALLOWED = re.compile(r"[^0-9A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźż ,./\\\-@#&*_]")
MAX_AMOUNT_GROSZE = 999_999


def _clean(text: str, limit: int) -> str:
    return DISALLOWED.sub(" ", text).strip()[:limit].strip()


def zbp_string(recipient_nip: str, nrb: str, amount_grosze: int, recipient_name: str, title: str) -> str:
    if not re.fullmatch(r"\d{26}", nrb):
        raise ValueError("the account must be 26 digits")
    if recipient_nip and not re.fullmatch(r"\d{10}", recipient_nip):
        raise ValueError("the recipient NIP must be 10 digits")
    amount = amount_grosze if 0 < amount_grosze <= MAX_AMOUNT_GROSZE else 0
    name, title = _clean(recipient_name, 20), _clean(title, 32)
    if not name or not title:
        raise ValueError("recipient name and title are required")
    text = "|".join((recipient_nip, "PL", nrb, f"{amount:06d}", name, title, "", "", ""))
    assert len(text) <= 160
    return text


def amount_fits(amount_grosze: int) -> bool:
    """False when the QR code carries 000000 and the amount must be shown beside it."""
    return 0 < amount_grosze <= MAX_AMOUNT_GROSZE


def qr_png(text: str, scale: int = 4) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="l", encoding="utf-8", boost_error=False, micro=False).save(out, kind="png", scale=scale)
    return out.getvalue()
