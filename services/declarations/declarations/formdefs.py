"""Form definitions are data: one YAML file per form version in `forms/`, read once.

A definition names its steps (each a section of the paper form) and their fields; the wizard
engine (`wizard.py`) is the only code that interprets them.
"""
import functools
from importlib import resources

import yaml

from portal_shared.errors import NotFound

FIELD_TYPES = {"text", "integer", "decimal", "money", "date", "boolean", "choice", "multichoice",
               "pesel", "nip", "nrb", "postal_code", "uuid", "email", "rows", "attachments"}
EFFECTS = {"assessment", "rebooking", "refund_claim", "mandate"}


@functools.cache
def all_forms() -> dict[tuple[str, str], dict]:
    forms = {}
    for entry in sorted(resources.files("declarations").joinpath("forms").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            form = yaml.safe_load(entry.read_text(encoding="utf-8"))
            check(form)
            forms[(form["code"], str(form["version"]))] = form
    return forms


class DefinitionError(ValueError):
    pass


def _require(condition: bool, *where) -> None:
    if not condition:
        raise DefinitionError(f"malformed form definition at {where}")


def check(form: dict) -> None:
    """Refuse a malformed definition at load time, not in front of a taxpayer."""
    _require(form["effect"] in EFFECTS, form["code"], "effect")
    names = set()
    for step in form["steps"]:
        for field in step["fields"]:
            _require(field["type"] in FIELD_TYPES, form["code"], field["name"])
            _require(field["name"] not in names, form["code"], field["name"], "duplicate")
            names.add(field["name"])
            for row_field in field.get("row", ()):
                _require(row_field["type"] in FIELD_TYPES, form["code"], row_field["name"])
    for step in form["steps"]:
        for field in step["fields"]:
            if condition := field.get("show_if"):
                _require(condition["field"] in names, form["code"], field["name"], "show_if")


def current(code: str) -> dict:
    """The newest version of a form (versions sort as strings: dates or numbers)."""
    versions = [form for (form_code, _), form in all_forms().items() if form_code == code]
    if not versions:
        raise NotFound("form.unknown")
    return max(versions, key=lambda form: str(form["version"]))


def get(code: str, version: str) -> dict:
    try:
        return all_forms()[(code, str(version))]
    except KeyError:
        raise NotFound("form.unknown") from None


@functools.cache
def option_labels() -> dict:
    return yaml.safe_load(resources.files("declarations").joinpath("options.yaml").read_text(encoding="utf-8"))


def option_text(code: str, language: str) -> str:
    return text(option_labels().get(code, code), language)


def text(label, language: str) -> str:
    """Labels are [Polish, English] pairs (or a plain string)."""
    if isinstance(label, list):
        return label[0] if language == "pl" else label[-1]
    return label or ""


def step(form: dict, step_id: str) -> dict | None:
    return next((s for s in form["steps"] if s["id"] == step_id), None)


def summary(form: dict, language: str) -> dict:
    return {"code": form["code"], "version": str(form["version"]),
            "title": text(form["title"], language), "description": text(form["description"], language),
            "signing_methods": list(form["signing_methods"]), "subject_kinds": list(form["subject_kinds"])}


def public_definition(form: dict, language: str) -> dict:
    """What a browser needs to draw the wizard: steps, fields, labels, conditions."""
    return {**summary(form, language), "steps": [
        {"id": s["id"], "section": s.get("section"), "title": text(s["title"], language),
         "fields": [field_view(f, language) for f in s["fields"]]} for s in form["steps"]]}


def field_view(field: dict, language: str) -> dict:
    view = {key: value for key, value in field.items()
            if key not in ("label", "row", "option_labels", "prefill")}
    view["label"] = text(field.get("label"), language)
    if "options" in field:
        view["option_labels"] = {option: option_text(option, language) for option in field["options"]}
    if "row" in field:
        view["row"] = [field_view(f, language) for f in field["row"]]
    return view
