"""The form document: the draft's values and computations as XML, the thing that is signed.

Built deterministically from the draft, so the office can rebuild it at submission and check
that the signature covers exactly what the wizard shows. Attachments enter by their SHA-256.
"""
from lxml import etree

from declarations import xmlsafe

NS = "urn:portal-podatnika:deklaracja:v1"


def _el(parent, tag: str, text=None, **attrs):
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = str(text)
    return element


def build(form: dict, draft_id: str, subject: str, office: str, data: dict, computed: dict,
          attachments: dict[str, dict]) -> etree._Element:
    root = etree.Element(f"{{{NS}}}Deklaracja", {"kodFormularza": form["code"],
                                                  "wersjaFormularza": str(form["version"])},
                         nsmap={None: NS})
    header = _el(root, "Naglowek")
    _el(header, "Podmiot", subject, typ="PESEL" if len(subject) == 11 else "NIP")
    _el(header, "Urzad", office)
    _el(header, "IdentyfikatorProjektu", draft_id)
    for step in form["steps"]:
        part = _el(root, "Czesc", id=step["id"], nazwa=step.get("section", step["id"]))
        for field in step["fields"]:
            if field["name"] in data:
                _value(part, field, data[field["name"]], attachments)
    if computed:
        _computed(_el(root, "Wyliczenia"), computed)
    return root


def _value(parent, field: dict, value, attachments: dict):
    kind = field["type"]
    if kind == "rows":
        rows = _el(parent, "Wiersze", nazwa=field["name"])
        for index, row in enumerate(value, start=1):
            element = _el(rows, "Wiersz", nr=index)
            for row_field in field["row"]:
                if row_field["name"] in row:
                    _value(element, row_field, row[row_field["name"]], attachments)
    elif kind == "attachments":
        listing = _el(parent, "Zalaczniki", nazwa=field["name"])
        for attachment_id in value:
            found = attachments[attachment_id]
            _el(listing, "Zalacznik", id=attachment_id, nazwaPliku=found["filename"],
                typ=found["media_type"], sha256=found["sha256"])
    elif kind == "multichoice":
        listing = _el(parent, "Lista", nazwa=field["name"])
        for item in value:
            _el(listing, "Element", item)
    else:
        text = ("true" if value else "false") if isinstance(value, bool) else value
        _el(parent, "Pole", text, nazwa=field["name"], typ=kind)


def _computed(parent, computed: dict):
    for name, value in sorted(computed.items()):
        if name == "installments":
            for installment in value:
                _el(parent, "Rata", termin=installment["due_date"], kwotaGrosze=installment["amount_grosze"])
        elif name == "components":
            for component in value:
                _el(parent, "Skladnik", rodzaj=component["kind"], jednostka=component["unit"],
                    podstawa=component["base"], stawka=component["rate"],
                    kwotaGrosze=component["amount_grosze"])
        else:
            _el(parent, "Pole", value, nazwa=name)


def canonical(root) -> bytes:
    return xmlsafe.c14n(root)
