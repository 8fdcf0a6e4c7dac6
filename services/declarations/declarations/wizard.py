"""The one wizard engine: typed fields with validation, conditions that show or hide fields,
computed fields and prefill, driven by a form definition (see `formdefs.py`).

Values are kept normalised in JSON: decimals as strings, money as integer grosze, dates as ISO
strings. A hidden field is never validated and never kept, so a later change that hides a
field also drops what was typed into it.
"""
import re
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from stdnum.exceptions import ValidationError as StdnumError

from declarations import computations
from portal_shared.identifiers import valid_nip, valid_nrb, valid_pesel

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTAL_CODE = re.compile(r"^\d{2}-\d{3}$")


class FieldError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- conditions --------------------------------------------------------------------------
def visible(field: dict, data: dict) -> bool:
    condition = field.get("show_if")
    if not condition:
        return True
    value = data.get(condition["field"])
    if "equals" in condition:
        return value == condition["equals"]
    return value in condition["in"]


def visible_fields(step: dict, data: dict) -> list[dict]:
    return [field for field in step["fields"] if visible(field, data)]


# --- prefill -----------------------------------------------------------------------------
def prefill(form: dict, subject: str, account: dict | None) -> dict:
    """Initial values: the subject's id, and the signed-in person's data when filing for themselves."""
    sources = {"subject": subject}
    if account:
        full_name = " ".join(filter(None, (account.get("first_name"), account.get("last_name"))))
        sources.update({f"account.{key}": value for key, value in account.items() if key != "address"})
        sources["account.full_name"] = full_name or None
        sources.update({f"account.address.{key}": value
                        for key, value in (account.get("address") or {}).items()})
    values = {}
    for step in form["steps"]:
        for field in step["fields"]:
            source = field.get("prefill")
            if source and sources.get(source) not in (None, ""):
                values[field["name"]] = sources[source]
    return values


# --- one value ---------------------------------------------------------------------------
def _text(field, value):
    if not isinstance(value, str):
        raise FieldError("field.not_text")
    value = value.strip()
    if len(value) > field.get("max_length", 1000):
        raise FieldError("field.too_long")
    if field.get("pattern") and not re.fullmatch(field["pattern"], value):
        raise FieldError("field.pattern")
    return value


def _bounded(field, number, parse=lambda v: v):
    if "min" in field and number < parse(field["min"]):
        raise FieldError("field.too_small")
    if "max" in field and number > parse(field["max"]):
        raise FieldError("field.too_large")
    return number


def _integer(field, value):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise FieldError("field.not_integer")
    if isinstance(value, str) and not re.fullmatch(r"-?\d{1,12}", value.strip()):
        raise FieldError("field.not_integer")
    return _bounded(field, int(value))


def _decimal_of(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str, float)):
        raise FieldError("field.not_number")
    text = str(value).strip().replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"-?\d{1,15}(\.\d+)?", text):
        raise FieldError("field.not_number")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise FieldError("field.not_number") from None


def _decimal(field, value):
    number = _decimal_of(value)
    if -number.as_tuple().exponent > field.get("places", 2):
        raise FieldError("field.too_many_decimals")
    return str(_bounded(field, number, Decimal))


def _money(field, value):
    """Złoty with at most two decimals in, integer grosze out."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise FieldError("field.not_money")  # a bare integer is ambiguous: zł or grosze?
    try:
        amount = _decimal_of(value)
    except FieldError:
        raise FieldError("field.not_money") from None
    if -amount.as_tuple().exponent > 2:
        raise FieldError("field.not_money")
    return _bounded(field, int(amount * 100))


def _date(field, value, data):
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise FieldError("field.not_date")
    if field.get("not_after_today") and day > date.today():
        raise FieldError("field.date_in_future")
    if field.get("not_before") and day < date.fromisoformat(str(field["not_before"])):
        raise FieldError("field.date_before")
    other = data.get(field.get("not_before_field") or "")
    if other and day < date.fromisoformat(other):
        raise FieldError("field.date_before")
    return day.isoformat()


def _boolean(field, value):
    if not isinstance(value, bool):
        raise FieldError("field.not_boolean")
    if field.get("must_be_true") and value is not True:
        raise FieldError("field.must_be_true")
    return value


def _choice(field, value):
    if value not in field["options"]:
        raise FieldError("field.not_a_choice")
    return value


def _multichoice(field, value):
    if not isinstance(value, list) or any(item not in field["options"] for item in value):
        raise FieldError("field.not_a_choice")
    return [option for option in field["options"] if option in value]


def _stdnum(validator, code):
    def check(field, value):
        try:
            return validator(_text({"max_length": 40}, value))
        except (StdnumError, ValueError):
            raise FieldError(code) from None
    return check


def _postal_code(field, value):
    if not isinstance(value, str) or not POSTAL_CODE.match(value.strip()):
        raise FieldError("postal_code.invalid")
    return value.strip()


def _uuid(field, value):
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise FieldError("field.not_uuid") from None


def _email(field, value):
    if not isinstance(value, str) or not EMAIL.match(value.strip()) or len(value) > 254:
        raise FieldError("field.not_email")
    return value.strip()


SCALARS = {"text": _text, "integer": _integer, "decimal": _decimal, "money": _money,
           "boolean": _boolean, "choice": _choice, "multichoice": _multichoice,
           "pesel": _stdnum(valid_pesel, "pesel.invalid"), "nip": _stdnum(valid_nip, "nip.invalid"),
           "nrb": _stdnum(valid_nrb, "nrb.invalid"), "postal_code": _postal_code, "uuid": _uuid,
           "email": _email}


def _empty(value) -> bool:
    return value is None or value == "" or value == []


# --- fields, rows, steps -----------------------------------------------------------------
def clean_field(field: dict, value, data: dict, context: dict):
    """A normalised value, or `FieldError` (or a dict of errors for rows)."""
    kind = field["type"]
    if kind == "rows":
        return _rows(field, value, context)
    if kind == "attachments":
        return _attachments(field, value, context)
    if kind == "date":
        return _date(field, value, data)
    if kind == "money" and context.get("normalised") and type(value) is int:
        cleaned = _bounded(field, value)  # stored grosze
    else:
        cleaned = SCALARS[kind](field, value)
    limit_name = field.get("max_computed")
    if limit_name:
        limit = context.get("computed", {}).get(limit_name)
        if limit is not None and limit <= 0:
            raise FieldError("field.no_overpayment")
        if limit is not None and cleaned > limit:
            raise FieldError("field.exceeds_overpayment")
    return cleaned


def _rows(field, value, context):
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise FieldError("field.not_rows")
    if len(value) < field.get("min_rows", 0):
        raise FieldError("field.rows_too_few")
    if len(value) > field.get("max_rows", 100):
        raise FieldError("field.rows_too_many")
    rows, errors = [], {}
    for index, row in enumerate(value):
        cleaned, row_errors = clean_values(field["row"], row, row, context)
        rows.append(cleaned)
        if row_errors:
            errors[str(index)] = row_errors
    if errors:
        raise RowErrors(errors)
    return rows


class RowErrors(Exception):
    def __init__(self, errors: dict):
        super().__init__("rows")
        self.errors = errors


def _attachments(field, value, context):
    if not isinstance(value, list):
        raise FieldError("field.not_rows")
    if len(value) > field.get("max_rows", 10):
        raise FieldError("field.rows_too_many")
    ids = [_uuid(field, item) for item in value]
    if any(item not in context.get("attachment_ids", ()) for item in ids):
        raise FieldError("field.attachment_unknown")
    return ids


def clean_values(fields_: list[dict], values: dict, data: dict, context: dict) -> tuple[dict, dict]:
    """Validate the visible fields among `fields_`; unknown names are errors."""
    known = {field["name"] for field in fields_}
    errors = {name: ["field.unknown"] for name in values if name not in known}
    cleaned = {}
    for field in fields_:
        if not visible(field, data):
            continue
        value = values.get(field["name"])
        if _empty(value):
            if field.get("required"):
                errors[field["name"]] = ["field.attachment_required" if field["type"] == "attachments"
                                         else "field.required"]
            continue
        try:
            cleaned[field["name"]] = clean_field(field, value, data, context)
        except FieldError as exc:
            errors[field["name"]] = [exc.code]
        except RowErrors as exc:
            errors[field["name"]] = exc.errors
    return cleaned, errors


def save_step(form: dict, step: dict, values: dict, data: dict, context: dict) -> tuple[dict, dict]:
    """Merge a step's values into the draft's (normalised) data; returns (new data, field errors)."""
    tentative = dict(data)
    for field in step["fields"]:  # best effort first, so conditions and computations see this step
        tentative.pop(field["name"], None)
        if not _empty(values.get(field["name"])):
            try:
                tentative[field["name"]] = clean_field(field, values[field["name"]], tentative,
                                                       {**context, "computed": {}})
            except (FieldError, RowErrors):
                continue
    context = {**context, "computed": computations.compute(form, tentative)}
    cleaned, errors = clean_values(step["fields"], values, tentative, context)
    if errors:
        return data, errors
    new_data = {k: v for k, v in data.items() if k not in {f["name"] for f in step["fields"]}}
    new_data.update(cleaned)
    return drop_hidden(form, new_data), {}


def drop_hidden(form: dict, data: dict) -> dict:
    hidden = {field["name"] for step in form["steps"] for field in step["fields"]
              if not visible(field, data)}
    return {name: value for name, value in data.items() if name not in hidden}


def step_errors(form: dict, data: dict, context: dict) -> dict[str, dict]:
    """Re-validate every step against the whole data (an earlier change may affect a later step)."""
    context = {**context, "computed": computations.compute(form, data), "normalised": True}
    result = {}
    for step in form["steps"]:
        values = {f["name"]: data.get(f["name"]) for f in step["fields"] if f["name"] in data}
        _, errors = clean_values(step["fields"], values, data, context)
        result[step["id"]] = errors
    return result
