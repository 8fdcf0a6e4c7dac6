"""Translating message codes into Polish or English by the request's `Accept-Language`."""
import re

from flask import request

from gateway import chatbot
from portal_shared.contracts import declarations, helpline, identity, ledger, notifications
from portal_shared.messages import COMMON_MESSAGES

LANGUAGES = ("pl", "en")
LANGUAGE_COOKIE = "lang"
MACHINE_PATHS = ("/api/", "/dev/", "/healthz", "/readyz", "/static/")
PAGES_UNDER_API = ("/api/docs",)

# The gateway's own codes (request handling, not any service's).
GATEWAY_MESSAGES: dict[str, tuple[str, str]] = {
    "idempotency.key_invalid": ("Nagłówek Idempotency-Key: od 1 do 255 drukowalnych znaków ASCII.",
                                "The Idempotency-Key header: 1 to 255 printable ASCII characters."),
    "idempotency.key_reused": ("Ten klucz Idempotency-Key użyto już dla innego żądania.",
                               "This Idempotency-Key was already used for a different request."),
    "idempotency.in_progress": ("Żądanie z tym kluczem Idempotency-Key jest jeszcze przetwarzane.",
                                "A request with this Idempotency-Key is still being processed."),
    "csrf.invalid": ("Formularz wygasł lub nie pochodzi z tej strony. Wyślij go ponownie.",
                     "The form expired or did not come from this site. Please send it again."),
    "too_many_requests": ("Zbyt wiele żądań. Spróbuj ponownie za chwilę.",
                          "Too many requests. Please try again shortly."),
    "method_not_allowed": ("Ta metoda nie jest dozwolona.", "This method is not allowed."),
    "bad_request": ("Nieprawidłowe żądanie.", "Bad request."),
}

MESSAGES: dict[str, tuple[str, str]] = {
    **COMMON_MESSAGES,
    **GATEWAY_MESSAGES,
    **identity.MESSAGES,
    **ledger.MESSAGES,
    **notifications.MESSAGES,
    **declarations.MESSAGES,
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


def is_page() -> bool:
    """A request for a page people read (HTML), not for the API or an operations endpoint."""
    return request.path in PAGES_UNDER_API or not request.path.startswith(MACHINE_PATHS)


def language() -> str:
    """Pages: the language the person chose (a cookie), Polish by default. API: Accept-Language."""
    if is_page():
        chosen = request.cookies.get(LANGUAGE_COOKIE)
        return chosen if chosen in LANGUAGES else "pl"
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
