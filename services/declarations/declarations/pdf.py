"""PDFs: the submitted form laid out like the paper form's sections, and the UPO.

fpdf2 with a Unicode TrueType font (DejaVu Sans from Debian's fonts-dejavu-core, or
PDF_FONT_FILE), so Polish letters render.
"""
import os
from datetime import UTC
from decimal import Decimal
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace

from declarations import formdefs
from portal_shared.config import Config

GREY = (230, 230, 230)
WARSAW = ZoneInfo("Europe/Warsaw")
UNITS = {"m2": "m²", "ha": "ha", "zl": "zł", "resident_month": "os.×mies."}
AMOUNT_LABELS = {"total_exact_grosze": "Suma kwot podatku (przed zaokrągleniem)",
                 "annual_amount_grosze": "Kwota roczna", "amount_for_period_grosze": "Kwota za okres obowiązku",
                 "monthly_fee_grosze": "Miesięczna opłata", "overpayment_grosze": "Nadpłata"}


def _font_file() -> str:
    path = Config().pdf_font_file
    if not os.path.exists(path):
        raise RuntimeError(f"PDF font {path} is missing: apt-get install fonts-dejavu-core or set PDF_FONT_FILE")
    return path


def _document(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("Portal Podatnika")
    pdf.add_font("Body", "", _font_file())
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Body", size=9)
    return pdf


def money(grosze: int) -> str:
    zl, gr = divmod(abs(int(grosze)), 100)
    return f"{'-' if grosze < 0 else ''}{zl:,}".replace(",", " ") + f",{gr:02d} zł"


def _display(field: dict, value, language: str) -> str:
    if field["type"] == "money":
        return money(value)
    if field["type"] == "boolean":
        return ("tak" if value else "nie") if language == "pl" else ("yes" if value else "no")
    if field["type"] == "choice":
        return formdefs.option_text(value, language)
    if field["type"] == "multichoice":
        return ", ".join(formdefs.option_text(item, language) for item in value)
    if field["type"] == "decimal":
        return str(Decimal(value)).replace(".", ",")
    return str(value)


def _section(pdf: FPDF, title: str):
    pdf.ln(2)
    pdf.set_fill_color(*GREY)
    pdf.set_font("Body", size=10)
    pdf.cell(0, 7, title, border=1, fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", size=9)


def _rows(pdf: FPDF, pairs: list[tuple[str, str]]):
    """Label | value rows; a table keeps both cells of a row the same height when text wraps."""
    if not pairs:
        return
    with pdf.table(col_widths=(38, 62), first_row_as_headings=False, line_height=5.5,
                   text_align="LEFT") as table:
        for label, value in pairs:
            row = table.row()
            row.cell(label)
            row.cell(value)


def _table(pdf: FPDF, columns: list[str], rows: list[list[str]]):
    with pdf.table(headings_style=FontFace(emphasis="NONE", fill_color=GREY), line_height=5,
                   text_align="LEFT") as table:
        heading = table.row()
        for column in columns:
            heading.cell(column)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)


def sections(form: dict, data: dict, language: str) -> list[dict]:
    """The summary by the paper form's sections (also what the wizard's summary shows)."""
    result = []
    for step in form["steps"]:
        items = []
        for field in step["fields"]:
            if field["name"] not in data:
                continue
            value = data[field["name"]]
            item = {"name": field["name"], "label": formdefs.text(field.get("label"), language)}
            if field["type"] == "rows":
                item["rows"] = [{formdefs.text(f.get("label"), language): _display(f, row[f["name"]], language)
                                 for f in field["row"] if f["name"] in row} for row in value]
            elif field["type"] == "attachments":
                item["value"] = f"{len(value)}"
            else:
                item["value"] = _display(field, value, language)
            items.append(item)
        result.append({"id": step["id"], "section": step.get("section") or formdefs.text(step["title"], language),
                       "items": items})
    return result


def declaration_pdf(form: dict, declaration, language: str = "pl") -> bytes:
    pdf = _document(f"{form['code']} {declaration.id}")
    pdf.set_font("Body", size=14)
    pdf.cell(0, 9, form["code"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", size=10)
    pdf.multi_cell(0, 6, formdefs.text(form["title"], language), new_x="LMARGIN", new_y="NEXT")
    _section(pdf, "Nagłówek")
    _rows(pdf, [("Identyfikator podatkowy (PESEL/NIP)", declaration.subject),
                ("Wersja formularza", declaration.form_version),
                ("Data wpływu", f"{declaration.received_at.astimezone(WARSAW):%Y-%m-%d %H:%M:%S} (Europe/Warsaw), "
                                f"{declaration.received_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC")])
    for section in sections(form, declaration.data, language):
        _section(pdf, section["section"])
        pairs = []
        for item in section["items"]:
            if "rows" not in item:
                pairs.append((item["label"], item["value"]))
                continue
            _rows(pdf, pairs)
            pairs = []
            columns = list(item["rows"][0]) if item["rows"] else []
            _table(pdf, ["Lp.", *columns], [[str(i), *row.values()] for i, row in enumerate(item["rows"], 1)])
        _rows(pdf, pairs)
    _computed(pdf, declaration.computed)
    _section(pdf, "Podpis")
    _rows(pdf, [("Sposób podpisu", formdefs.option_text(declaration.signing_method, language)),
                ("Podpisujący", declaration.signer),
                (f"Skrót dokumentu ({declaration.digest_algorithm}, base64)", declaration.document_digest)])
    return bytes(pdf.output())


def _computed(pdf: FPDF, computed: dict):
    if not computed:
        return
    _section(pdf, "Wyliczenia")
    if computed.get("components"):
        _table(pdf, ["Rodzaj", "Podstawa", "Stawka", "Kwota"],
               [[formdefs.option_text(c["kind"], "pl"), f"{c['base']} {UNITS.get(c['unit'], c['unit'])}",
                 c["rate"], money(c["amount_grosze"])]
                for c in computed["components"]])
    if computed.get("installments"):
        _table(pdf, ["Termin płatności raty", "Kwota raty"],
               [[i["due_date"], money(i["amount_grosze"])] for i in computed["installments"]])
    _rows(pdf, [(AMOUNT_LABELS[name], money(value)) for name, value in computed.items() if name in AMOUNT_LABELS])


def upo_pdf(fields: dict, upo_sha256: str) -> bytes:
    pdf = _document(f"UPO {fields['reference']}")
    pdf.set_font("Body", size=13)
    pdf.multi_cell(0, 8, "Urzędowe Poświadczenie Odbioru (UPO)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", size=9)
    _section(pdf, "Dokument")
    shown = {**fields, "signing_method": formdefs.option_text(fields.get("signing_method") or "", "pl")}
    _rows(pdf, [(label, shown[key]) for label, key in (
        ("Numer referencyjny", "reference"), ("Organ przyjmujący", "office"), ("Formularz", "form_code"),
        ("Wersja formularza", "form_version"), ("Składający", "submitter_name"),
        ("PESEL składającego", "submitter_pesel"), ("Mocodawca (PESEL/NIP)", "principal"),
        ("Sposób podpisu", "signing_method"), ("Data wpływu (Europe/Warsaw)", "received_at"),
        ("Data wpływu (UTC)", "received_at_utc"), ("Data wystawienia UPO", "issued_at")) if shown.get(key)])
    _section(pdf, f"Skróty ({fields['digest_algorithm']}, base64)")
    _rows(pdf, [("Skrót dokumentu", fields["document_digest"]),
                ("Skrót złożonej struktury", fields["structure_digest"])])
    pdf.ln(3)
    pdf.multi_cell(0, 5, "Dowodem jest podpisany przez urząd plik XML tego UPO (SHA-256 pliku: "
                         f"{upo_sha256}). Sprawdź go w portalu: Weryfikacja UPO.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
