"""Between a wizard step's fields (as the declarations service describes them) and an HTML form.

The service keeps values normalised (money in grosze, decimals with a dot); a page shows them as
a person types them, and sends back what was typed: the service validates and normalises.
Repeating rows are named `objects.0.kind`, the same path the service's field errors take.
"""
from gateway.i18n import language

LISTS = ("multichoice", "attachments")


def _money_text(grosze: int) -> str:
    sign = "-" if grosze < 0 else ""
    zloty, rest = divmod(abs(grosze), 100)
    return f"{sign}{zloty}{',' if language() == 'pl' else '.'}{rest:02d}"


def _shown_value(field: dict, value):
    kind = field["type"]
    if kind == "rows":
        return [shown(field["row"], row) for row in value or []]
    if kind == "boolean" or kind in LISTS:
        return value
    if kind == "money" and isinstance(value, int):
        return _money_text(value)
    if kind == "decimal" and language() == "pl":
        return str(value).replace(".", ",")
    return "" if value is None else str(value)


def shown(fields: list[dict], stored: dict) -> dict:
    """A step's stored values as the form's inputs show them."""
    return {f["name"]: _shown_value(f, stored[f["name"]]) for f in fields if f["name"] in stored}


def _blank(value) -> bool:
    return value in (None, "", [], False)


def read(fields: list[dict], form, prefix: str = "") -> dict:
    """What the person typed into one step (blank rows dropped, so row numbers match the errors)."""
    values = {}
    for field in fields:
        name, kind = field["name"], field["type"]
        key = prefix + name
        if kind == "rows":
            posted = form.get(f"{key}.count", "")
            count = min(int(posted) if posted.isdigit() else 0, field.get("max_rows", 100) + 1)
            rows = [read(field["row"], form, f"{key}.{index}.") for index in range(count)]
            values[name] = [row for row in rows if not all(_blank(v) for v in row.values())]
        elif kind == "boolean":
            values[name] = form.get(key) == "yes"
        elif kind in LISTS:
            values[name] = form.getlist(key)
        else:
            values[name] = form.get(key, "").strip()
    return values


def payload(fields: list[dict], values: dict) -> dict:
    """The step's values for SAVE_STEP: an unchecked optional box is "no", an empty field absent."""
    sent = {}
    for field in fields:
        value = values.get(field["name"])
        if field["type"] == "boolean":
            sent[field["name"]] = bool(value)
        elif not _blank(value):
            sent[field["name"]] = value
    return sent


def with_blank_row(fields: list[dict], values: dict, rows_of: str) -> dict:
    if any(f["name"] == rows_of and f["type"] == "rows" for f in fields):
        values = {**values, rows_of: [*values.get(rows_of, []), {}]}
    return values


def order(fields: list[dict], values: dict) -> list[str]:
    """Field paths in the order the page shows them: the error summary follows it."""
    names = []
    for field in fields:
        names.append(field["name"])
        if field["type"] == "rows":
            for index, _ in enumerate(values.get(field["name"]) or [{}]):
                names += [f"{field['name']}.{index}.{sub['name']}" for sub in field["row"]]
    return names
