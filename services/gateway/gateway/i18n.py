"""Translating message codes into Polish or English by the request's `Accept-Language`."""
import re

from flask import request

from gateway import chatbot
from portal_shared.contracts import helpline, identity
from portal_shared.messages import COMMON_MESSAGES

LANGUAGES = ("pl", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    **COMMON_MESSAGES,
    **identity.MESSAGES,
    **chatbot.MESSAGES,
    **helpline.MESSAGES,
    "ivr.signature_invalid": ("Nieprawidłowy podpis żądania.", "Invalid request signature."),
}


# marshmallow's messages with numbers in them: (pattern, Polish, English).
PATTERNS = [
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
     "Długość musi wynosić od {0} do {1} znaków.", "Length must be between {0} and {1}."),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"),
     "Za krótkie: co najmniej {0} znaków.", "Too short: at least {0} characters."),
    (re.compile(r"^Longer than maximum length (\d+)\.$"),
     "Za długie: najwyżej {0} znaków.", "Too long: at most {0} characters."),
    (re.compile(r"^Must be one of: (.*)\.$"), "Dozwolone wartości: {0}.", "Must be one of: {0}."),
]


def language() -> str:
    return request.accept_languages.best_match(LANGUAGES, default="pl")


def translate(code: str, lang: str | None = None) -> str:
    index = LANGUAGES.index(lang or language())
    if code in MESSAGES:
        return MESSAGES[code][index]
    for pattern, *texts in PATTERNS:
        if match := pattern.match(code):
            return texts[index].format(*match.groups())
    return code


def translate_tree(errors, lang: str):
    """Field errors may nest (`address.postal_code`): translate every leaf."""
    if isinstance(errors, dict):
        return {key: translate_tree(value, lang) for key, value in errors.items()}
    if isinstance(errors, list):
        return [translate_tree(item, lang) for item in errors]
    return translate(str(errors), lang)
