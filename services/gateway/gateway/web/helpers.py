"""Helpers for pages: texts in the page's language and form errors."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from gateway.i18n import LANGUAGES, language, translate
from gateway.web.texts import TEXTS

WARSAW = ZoneInfo("Europe/Warsaw")


def text(key: str, *args) -> str:
    """A page text, else a service message code, in the page's language."""
    lang = language()
    if key in TEXTS:
        return TEXTS[key][LANGUAGES.index(lang)].format(*args)
    return translate(key, lang)


def localized(value) -> str:
    """A `{pl: ..., en: ...}` value from the office's YAML, in the page's language."""
    if isinstance(value, dict):
        return str(value.get(language()) or value.get("pl") or "")
    return "" if value is None else str(value)


def decimal_text(value) -> str:
    """Polish uses a decimal comma and a space between thousands."""
    if isinstance(value, Decimal):
        value = f"{value:,.2f}".replace(",", " ")
    return str(value).replace(".", ",") if language() == "pl" else str(value)


def local_time(value) -> str:
    """An aware timestamp (or its ISO text) as the office's wall clock shows it."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M") if value else ""


def money(grosze: int) -> str:
    """Integer grosze as złote for people: `100100` -> "1 001,00 zł" (Polish) or "1 001.00 zł"."""
    return decimal_text(Decimal(grosze) / 100) + "\u00a0zł"


def account_text(number: str) -> str:
    """An NRB the way banks print it: `48 1020 5356 7001 0000 0000 0002`."""
    return " ".join([number[:2], *(number[i:i + 4] for i in range(2, len(number), 4))])


def day_text(value) -> str:
    """An ISO date as people write it: 15.03.2027 in Polish, 2027-03-15 in English."""
    value = date.fromisoformat(value) if isinstance(value, str) else value
    return value.strftime("%d.%m.%Y") if language() == "pl" else value.isoformat()


def flatten_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """`{"address": {"postal_code": [...]}}` -> `{"address.postal_code": [...]}` (translated)."""
    flat: dict[str, list[str]] = {}
    for key, value in (errors or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten_errors(value, name + "."))
        else:
            flat[name] = [translate(str(code), language()) for code in value]
    return flat


def translated(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    return {name: [text(code) for code in codes] for name, codes in errors.items()}
