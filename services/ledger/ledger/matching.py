"""Which tax account a bank payment is for: its individual account number, or failing that the
identifiers in its title (an NRB of a tax account, or a PESEL/NIP plus words naming the tax)."""
import re

from stdnum.pl import nip, pesel

NRB_IN_TEXT = re.compile(r"(?<!\d)(?:PL)?(\d{2}(?:\s?\d{4}){6})(?!\d)")
DIGITS = re.compile(r"(?<!\d)(\d{10,11})(?!\d)")
TAX_WORDS = (
    ("property_tax", ("nieruchom", "podatek od nier")),
    ("agricultural_tax", ("rolny",)),
    ("forest_tax", ("leśny", "lesny")),
    ("transport_tax", ("transport", "środk", "srodk")),
    ("waste_fee", ("odpad", "śmieci", "smieci")),
)


def account_numbers_in(text: str) -> list[str]:
    return [re.sub(r"\s", "", m) for m in NRB_IN_TEXT.findall(text or "")]


def identifiers_in(text: str) -> list[str]:
    found = []
    for candidate in DIGITS.findall(text or ""):
        if (len(candidate) == 11 and pesel.is_valid(candidate)) or (len(candidate) == 10 and nip.is_valid(candidate)):
            found.append(candidate)
    return found


def tax_type_in(text: str) -> str | None:
    lowered = (text or "").lower()
    for tax_type, words in TAX_WORDS:
        if any(word in lowered for word in words):
            return tax_type
    return None


class Matcher:
    """Built once per batch from the tax accounts: number -> id and subject -> {tax type: id}."""

    def __init__(self, rows):
        self.by_number: dict[str, str] = {}
        self.by_subject: dict[str, dict[str, str]] = {}
        self.accounts: dict[str, tuple[str, str]] = {}   # id -> (subject, tax type)
        for account_id, subject, tax_type, number in rows:
            self.accounts[account_id] = (subject, tax_type)
            self.by_number[number] = account_id
            self.by_subject.setdefault(subject, {})[tax_type] = account_id

    def match(self, credited_account: str | None, title: str) -> str | None:
        if credited_account and (found := self.by_number.get(credited_account[-26:])):
            return found
        for number in account_numbers_in(title):
            if found := self.by_number.get(number):
                return found
        for identifier in identifiers_in(title):
            accounts = self.by_subject.get(identifier, {})
            named = tax_type_in(title)
            if named in accounts:
                return accounts[named]
            if len(accounts) == 1:
                return next(iter(accounts.values()))
        return None
