"""Messages shown to people, in Polish and English, by message code.

Services answer with codes (`password.too_short`); the gateway translates them by the
request's `Accept-Language`. marshmallow's own English messages are keys here too.
"""
import re

from flask import request

LANGUAGES = ("pl", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # (Polish, English)
    "validation_failed": ("Formularz zawiera błędy.", "The form has errors."),
    "unauthorized": ("Zaloguj się, aby kontynuować.", "Please sign in to continue."),
    "forbidden": ("Brak uprawnień do tej operacji.", "You are not allowed to do this."),
    "not_found": ("Nie znaleziono.", "Not found."),
    "conflict": ("Operacja koliduje z bieżącym stanem.", "This conflicts with the current state."),
    "too_many_attempts": ("Zbyt wiele prób. Spróbuj ponownie później.",
                          "Too many attempts. Please try again later."),
    "service_unavailable": ("Usługa jest chwilowo niedostępna. Spróbuj ponownie za chwilę.",
                            "The service is temporarily unavailable. Please try again shortly."),
    "internal_error": ("Wystąpił nieoczekiwany błąd.", "An unexpected error occurred."),
    "body.not_json": ("Treść żądania musi być obiektem JSON.", "The request body must be a JSON object."),
    "Missing data for required field.": ("To pole jest wymagane.", "This field is required."),
    "Unknown field.": ("Nieznane pole.", "Unknown field."),
    "Not a valid string.": ("Nieprawidłowy tekst.", "Not a valid string."),
    "Not a valid email address.": ("Nieprawidłowy adres e-mail.", "Not a valid e-mail address."),
    "Not a valid boolean.": ("Nieprawidłowa wartość logiczna.", "Not a valid boolean."),
    "Not a valid UUID.": ("Nieprawidłowy identyfikator.", "Not a valid identifier."),
    "Field may not be null.": ("To pole nie może być puste.", "This field may not be empty."),
    "Invalid input type.": ("Nieprawidłowy typ danych.", "Invalid input type."),
    "Invalid value.": ("Nieprawidłowa wartość.", "Invalid value."),
    "pesel.invalid": ("Nieprawidłowy numer PESEL.", "Not a valid PESEL number."),
    "pesel.unavailable": (
        "Nie można założyć konta z tym numerem PESEL. Jeśli to Twój PESEL, a konta nie "
        "zakładałeś, zgłoś się do urzędu z dowodem osobistym: po potwierdzeniu tożsamości "
        "usuniemy błędnie założone konto.",
        "An account cannot be created with this PESEL. If it is yours and you did not create "
        "an account, visit the tax office with your ID card: once your identity is confirmed, "
        "the wrongly created account will be deleted."),
    "nip.invalid": ("Nieprawidłowy numer NIP.", "Not a valid NIP number."),
    "nrb.invalid": ("Nieprawidłowy numer rachunku.", "Not a valid account number."),
    "postal_code.invalid": ("Kod pocztowy ma format NN-NNN.", "The postal code must look like NN-NNN."),
    "phone.invalid": ("Podaj polski numer telefonu komórkowego (+48 i 9 cyfr).",
                      "Enter a Polish mobile number (+48 and 9 digits)."),
    "login.invalid": ("Login: 3–40 znaków, litery, cyfry, kropka, myślnik lub podkreślenie.",
                      "Login: 3–40 characters: letters, digits, dot, hyphen or underscore."),
    "login.taken": ("Ten login jest już zajęty.", "This login is already taken."),
    "email.taken": ("Ten adres e-mail jest już używany.", "This e-mail address is already in use."),
    "email.already_verified": ("Adres e-mail jest już zweryfikowany.", "The e-mail address is already verified."),
    "email.resend_too_soon": ("Nowy kod można wysłać za chwilę.", "A new code can be sent in a moment."),
    "email.resend_limit": ("Wysłano już zbyt wiele kodów. Spróbuj później.",
                           "Too many codes were sent. Please try later."),
    "password.too_short": ("Hasło musi mieć co najmniej 8 znaków.", "The password must have at least 8 characters."),
    "password.too_long": ("Hasło może mieć najwyżej 128 znaków.", "The password may have at most 128 characters."),
    "password.needs_upper": ("Hasło musi zawierać wielką literę.", "The password needs an upper-case letter."),
    "password.needs_lower": ("Hasło musi zawierać małą literę.", "The password needs a lower-case letter."),
    "password.needs_digit": ("Hasło musi zawierać cyfrę.", "The password needs a digit."),
    "password.needs_special": ("Hasło musi zawierać znak specjalny.", "The password needs a special character."),
    "password.common": ("To hasło jest zbyt popularne lub łatwe do odgadnięcia.",
                        "This password is too common or easy to guess."),
    "consent.terms_required": ("Akceptacja regulaminu jest wymagana.", "You must accept the terms."),
    "captcha.wrong": ("Nieprawidłowy tekst z obrazka lub obrazek wygasł. Pobierz nowy.",
                      "The text from the image is wrong or the image expired. Get a new one."),
    "code.invalid": ("Kod składa się z 6 cyfr.", "The code has 6 digits."),
    "code.wrong": ("Nieprawidłowy kod.", "The code is wrong."),
    "code.expired": ("Kod wygasł lub został już użyty. Poproś o nowy.",
                     "The code expired or was already used. Request a new one."),
    "code.void_request_new": ("Zbyt wiele błędnych prób: kod unieważniono. Poproś o nowy.",
                              "Too many wrong tries: the code is void. Request a new one."),
    "link.invalid_or_expired": ("Link jest nieprawidłowy, wygasł lub został już użyty.",
                                "The link is invalid, expired or already used."),
    "login.failed": ("Nieprawidłowy login lub hasło.", "Wrong login or password."),
    "login.locked": ("Zbyt wiele nieudanych prób logowania. Spróbuj później.",
                     "Too many failed sign-in attempts. Please try later."),
    "session.invalid": ("Sesja wygasła. Zaloguj się ponownie.", "Your session has expired. Please sign in again."),
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
