"""Rendering message templates (Jinja2, autoescaped HTML) in the person's language."""
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from notifications.catalog import MessageType

LANGUAGES = ("pl", "en")
_ENV = Environment(loader=PackageLoader("notifications", "templates"),
                   autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                   keep_trailing_newline=True)


def render(message_type: MessageType, language: str, **context) -> dict:
    language = language if language in LANGUAGES else "pl"
    prefix = f"{message_type.name}.{language}"
    return {
        "language": language,
        "subject": _ENV.get_template(f"{prefix}.subject.txt").render(**context).strip(),
        "body_text": _ENV.get_template(f"{prefix}.txt").render(**context),
        "body_html": _ENV.get_template(f"{prefix}.html").render(**context),
    }
