"""The public part (seed 002): knowledge base, ABC of taxes, legal acts, forms, rates, the
interest calculator, paying without signing in, the accessibility statement."""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_from_directory

from gateway.i18n import LANGUAGE_COOKIE, LANGUAGES, language
from gateway.interest_estimate import late_payment_interest
from gateway.web.helpers import translated

bp = Blueprint("public", __name__)
WARSAW = ZoneInfo("Europe/Warsaw")
ONE_YEAR = 365 * 24 * 3600


def content():
    return current_app.extensions["content"]


def local_path(target: str | None) -> str:
    """Only paths on this site: never `//elsewhere` or `https://elsewhere`."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@bp.get("/")
def home():
    return render_template("home.html")


@bp.get("/language/<code>")
def choose_language(code):
    if code not in LANGUAGES:
        abort(404)
    response = redirect(local_path(request.args.get("next")))
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=ONE_YEAR, samesite="Lax",
                        secure=current_app.config["PORTAL"].is_production, httponly=True)
    return response


@bp.get("/faq")
def faq():
    query = request.args.get("q", "").strip()[:200]
    lang = language()
    found = content().search("faq", query, lang) if query else content().documents("faq", lang)
    return render_template("faq.html", documents=found, query=query)


@bp.get("/faq/<doc_id>")
def faq_entry(doc_id):
    return _document("faq", doc_id)


@bp.get("/articles")
def articles():
    return render_template("articles.html", documents=content().documents("articles", language()))


@bp.get("/articles/<doc_id>")
def article(doc_id):
    return _document("articles", doc_id)


@bp.get("/pay")
def pay():
    return _document("pages", "pay")


@bp.get("/accessibility")
def accessibility():
    return _document("pages", "accessibility")


def _document(kind: str, doc_id: str):
    document = content().document(kind, doc_id, language())
    if document is None:
        abort(404)
    return render_template("document.html", document=document, kind=kind)


@bp.get("/legal-acts")
def legal_acts():
    return render_template("legal_acts.html", acts=content().data("legal_acts") or [])


@bp.get("/forms")
def forms():
    return render_template("forms.html", forms=content().data("forms") or [])


@bp.get("/forms/<path:filename>")
def form_file(filename):
    """A PDF the office placed in `content/forms/`."""
    return send_from_directory(Path(content().root) / "forms", filename, mimetype="application/pdf")


@bp.get("/rates")
@bp.get("/rates/<int:year>")
def rates(year=None):
    years = content().rate_years()
    if not years:
        abort(404)
    this_year = datetime.now(WARSAW).year
    year = year or (this_year if this_year in years else years[-1])
    table = content().rates(year)
    if table is None:
        abort(404)
    return render_template("rates.html", table=table, year=year, years=years)


@bp.get("/interest-calculator")
def interest_calculator():
    form = {name: request.args.get(name, "").strip() for name in ("amount", "due", "paid")}
    errors, estimate = {}, None
    if any(form.values()):
        errors, estimate = _estimate(form)
    threshold = (content().data("interest_rates") or {}).get("threshold", "0")
    return render_template("interest.html", form=form, errors=translated(errors), estimate=estimate,
                           threshold=Decimal(threshold), today=datetime.now(WARSAW).date().isoformat())


def _estimate(form: dict):
    errors: dict[str, list[str]] = {}
    amount = _amount(form["amount"])
    if amount is None:
        errors["amount"] = ["amount.invalid"]
    due, paid = _date(form["due"]), _date(form["paid"])
    for name, value in (("due", due), ("paid", paid)):
        if value is None:
            errors[name] = ["date.invalid"]
    if due and paid and paid < due:
        errors["paid"] = ["date.paid_before_due"]
    if errors:
        return errors, None
    table = content().data("interest_rates") or {"rates": [], "threshold": "0"}
    rates = [(row["from"], Decimal(row["percent"])) for row in table["rates"]]
    try:
        return {}, late_payment_interest(amount, due, paid, rates, Decimal(table["threshold"]))
    except ValueError:
        return {"due": ["date.no_rate"]}, None


def _amount(text: str) -> Decimal | None:
    try:
        amount = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount > Decimal("1e12") or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
