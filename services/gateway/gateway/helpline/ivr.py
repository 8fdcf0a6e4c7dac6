"""Voicebot routing: what the caller pressed or said -> a thematic queue, or one more prompt.

The telephony platform plays the prompts, collects DTMF or transcribes speech, and asks us what
to do next; it keeps the call, we keep no state between its requests (it sends the attempt
number). Free text is classified by the chatbot, so the IVR and the chat agree on topics."""
from collections.abc import Callable
from dataclasses import dataclass

MENU = {"1": "pit", "2": "vat", "3": "local_taxes", "4": "payments", "5": "eservices"}
SPEAK_KEY = "9"           # "say in a few words what your call is about"
MAX_ATTEMPTS = 3          # after that the caller goes to the general queue, never in circles
FALLBACK_QUEUE = "pit"    # general tax information

PROMPTS = {
    "welcome": (
        "Dzień dobry. W sprawie podatku PIT, PCC lub od spadków i darowizn naciśnij 1. VAT — 2. "
        "Podatki i opłaty lokalne — 3. Płatności i nadpłaty — 4. Pomoc techniczna e-usług — 5. "
        "Aby powiedzieć, w jakiej sprawie dzwonisz, naciśnij 9.",
        "Welcome. For PIT, civil-law transactions or inheritance and gift tax press 1. VAT, 2. "
        "Local taxes and fees, 3. Payments and overpayments, 4. E-services technical help, 5. "
        "To tell us in your own words, press 9."),
    "speak": ("Powiedz krótko, w jakiej sprawie dzwonisz.",
              "Please say briefly what your call is about."),
    "not_understood": ("Nie zrozumiałam. Powiedz inaczej albo wybierz numer z menu.",
                       "Sorry, I did not understand. Please say it differently or choose from the menu."),
    "queue": ("Łączę z konsultantem. Po rozmowie poprosimy o ocenę obsługi w skali od 1 do 5.",
              "Connecting you to a consultant. After the call we will ask you to rate it from 1 to 5."),
    "survey": ("Oceń rozmowę w skali od 1 do 5, naciskając cyfrę. Możesz też powiedzieć komentarz.",
               "Rate the call from 1 to 5 by pressing a digit. You may also say a comment."),
    "thanks": ("Dziękujemy za ocenę.", "Thank you for your rating."),
}


@dataclass(frozen=True)
class Decision:
    action: str               # "queue" or "prompt"
    prompt: str
    queue: str | None = None
    routed_by: str | None = None


def prompt(name: str, lang: str) -> str:
    return PROMPTS[name][0 if lang == "pl" else 1]


def decide(dtmf: str | None, speech: str | None, attempt: int, lang: str,
           classify: Callable[[str, str], str | None]) -> Decision:
    if dtmf in MENU:
        return _to_queue(MENU[dtmf], "dtmf", lang)
    if dtmf == SPEAK_KEY:
        return Decision("prompt", prompt("speak", lang))
    if speech and speech.strip():
        if queue := classify(speech, lang):
            return _to_queue(queue, "intent", lang)
    if attempt >= MAX_ATTEMPTS:
        return _to_queue(FALLBACK_QUEUE, "fallback", lang)
    return Decision("prompt", prompt("not_understood" if speech else "welcome", lang))


def _to_queue(queue: str, routed_by: str, lang: str) -> Decision:
    return Decision("queue", prompt("queue", lang), queue, routed_by)
