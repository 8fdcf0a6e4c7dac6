"""Steps of the taxpayer's story, as the browser or a mobile app would take them."""
import re

VALID_PESEL = "44051401359"


def registration(client, **overrides) -> dict:
    """A complete, valid registration form with a fresh CAPTCHA and its answer."""
    captcha = client.get("/api/v1/captcha").get_json()
    answer = client.get(f"/dev/captcha/{captcha['captcha_id']}").get_json()["answer"]
    form = {
        "first_name": "Anna", "last_name": "Kowalska", "pesel": VALID_PESEL,
        "address": {"street": "Wielicka", "building": "28a", "flat": "4",
                    "postal_code": "30-552", "city": "Kraków"},
        "email": "anna.kowalska@example.pl", "phone": "+48 601 234 567",
        "login": "anna.k", "password": "Zimowy-Spacer7", "consent_terms": True,
        "consent_e_correspondence": True, "captcha_id": captcha["captcha_id"],
        "captcha_answer": answer,
    }
    form.update(overrides)
    return form


def code_from(message: dict) -> str:
    return re.search(r"\b(\d{6})\b", message["text"]).group(1)


def link_token_from(message: dict) -> str:
    return re.search(r"verify-email\?token=([\w-]+)", message["text"]).group(1)
