"""Rendering a message type in the person's language: plain-text parts (subject, e-mail text,
SMS, push) from `<type>.<lang>.txt` blocks and the e-mail's HTML, autoescaped, from
`<type>.<lang>.html`. Money is integer grosze, formatted the way each language writes it."""
from datetime import date

from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateNotFound, pass_context

from notifications.catalog import MessageType

LANGUAGES = ("pl", "en")
TAX_NAMES = {
    "property_tax": ("podatku od nieruchomości", "property tax"),
    "agricultural_tax": ("podatku rolnego", "agricultural tax"),
    "forest_tax": ("podatku leśnego", "forest tax"),
    "transport_tax": ("podatku od środków transportowych", "transport tax"),
    "waste_fee": ("opłaty za odpady", "waste fee"),
}
CASE_STATUSES = {
    "received": ("przyjęta", "received"),
    "in_review": ("w trakcie rozpatrywania", "in review"),
    "needs_completion": ("wymaga uzupełnienia", "needs completing"),
    "accepted": ("zakończona pozytywnie", "accepted"),
    "rejected": ("odrzucona", "rejected"),
}


def _in_language(table: dict):
    @pass_context
    def lookup(context, key):
        names = table.get(key)
        return key if names is None else names[LANGUAGES.index(context["language"])]
    return lookup


@pass_context
def money(context, grosze: int) -> str:
    zloty, rest = divmod(int(grosze), 100)
    if context["language"] == "pl":
        return f"{zloty:,}".replace(",", "\u00a0") + f",{rest:02d}\u00a0zł"
    return f"PLN {zloty:,}.{rest:02d}"


@pass_context
def day(context, value) -> str:
    value = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{value.day:02d}.{value.month:02d}.{value.year}" if context["language"] == "pl" else value.isoformat()


def nrb(number: str) -> str:
    """26 digits in the customary groups: 61 1090 1014 0000 0712 1981 2874."""
    digits = "".join(ch for ch in str(number) if ch.isdigit())
    return " ".join([digits[:2], *(digits[i:i + 4] for i in range(2, len(digits), 4))])


def _environment(autoescape: bool) -> Environment:
    # Plain-text parts (subject, text, SMS, push) are not HTML; the HTML part is autoescaped.
    env = Environment(loader=PackageLoader("notifications", "templates"), autoescape=autoescape,  # noqa: S701  # nosec B701
                      undefined=StrictUndefined, keep_trailing_newline=True,
                      auto_reload=False)  # templates ship with the code: no stat() per render
    env.filters.update(money=money, day=day, nrb=nrb, tax_name=_in_language(TAX_NAMES),
                       case_status=_in_language(CASE_STATUSES))
    return env


_TEXT, _HTML = _environment(autoescape=False), _environment(autoescape=True)


def language_of(preferred: str | None) -> str:
    return preferred if preferred in LANGUAGES else "pl"


def render(message_type: MessageType, language: str, **context) -> dict:
    """Every part the type has, in `language` (Polish when the language is not offered)."""
    language = language_of(language)
    context["language"] = language
    prefix = f"{message_type.name}.{language}"
    text = _TEXT.get_template(f"{prefix}.txt")
    blocks = text.new_context(context)
    parts = {name: "".join(block(blocks)).strip() for name, block in text.blocks.items()}
    try:
        parts["html"] = _HTML.get_template(f"{prefix}.html").render(context)
    except TemplateNotFound:
        pass
    return {"language": language, **parts}
