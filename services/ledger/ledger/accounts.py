"""Individual bank account numbers (NRB) of tax accounts.

An NRB is 2 check digits + the bank's 8-digit sort code + a 16-digit customer part. Each tax
account gets its own number, so a transfer to it identifies the taxpayer and the tax. The
customer part is the office's 4-digit prefix and a 12-digit serial from a database sequence.
Check digits follow ISO 7064 mod 97-10 as for the IBAN (validated by python-stdnum).
"""
from stdnum import iban

from portal_shared.identifiers import valid_nip, valid_pesel

TAX_TYPES = ("property_tax", "agricultural_tax", "forest_tax", "transport_tax", "waste_fee")


def check_digits(bban: str) -> str:
    """The two NRB check digits for a 24-digit BBAN (PL = 2521)."""
    return f"{98 - int(bban + '252100') % 97:02d}"


def individual_nrb(sort_code: str, office_prefix: str, serial: int) -> str:
    bban = f"{sort_code}{office_prefix}{serial:012d}"
    if len(bban) != 24 or not bban.isdigit():
        raise ValueError("sort code (8) + office prefix (4) + serial (12) must be 24 digits")
    nrb = check_digits(bban) + bban
    iban.validate("PL" + nrb)
    return nrb


def subject_kind(subject: str) -> str:
    """'pesel' or 'nip' for a valid identifier, else ValueError."""
    if len(subject) == 11:
        valid_pesel(subject)
        return "pesel"
    valid_nip(subject)
    return "nip"


def format_nrb(nrb: str) -> str:
    return f"{nrb[:2]} " + " ".join(nrb[i:i + 4] for i in range(2, 26, 4))
