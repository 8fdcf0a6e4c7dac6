"""The taxpayer's own pages: liabilities, installments with transfer details, a ZBP QR code and
online payment, payments and their allocation, overpayments, interest to date, the installment
calendar (.ics) and notification settings. They show the books of whom the session acts for;
the ledger authorises every read (the gateway only passes the actor along)."""
import re
import uuid
from datetime import UTC, datetime, timedelta
from functools import wraps

import icalendar
import segno
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for

from gateway.api import call
from gateway.auth import current_actor, login_required
from gateway.web import ledger_reads
from gateway.web.helpers import flatten_errors, money, text
from portal_shared.contracts import notifications
from portal_shared.errors import ValidationFailed

bp = Blueprint("personal", __name__)
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def books_page(view):
    """A signed-in, authenticated account: the view gets the actor and the subject acted for."""
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if g.account["level"] != "authenticated":
            return render_template("personal/not_authenticated.html"), 403
        actor = current_actor()
        return view(actor, actor["acting_for"] or actor["pesel"], *args, **kwargs)
    return wrapper


def _tax_types(books: dict) -> dict[str, str]:
    return {a["tax_account_id"]: a["tax_type"] for a in books["tax_accounts"]}


def _unpaid(installments: list[dict]) -> list[dict]:
    return [i for i in installments if i["status"] != "paid"]


@bp.get("/my")
@books_page
def dashboard(actor, subject):
    books = ledger_reads.overview(actor, subject)
    unpaid = sorted(_unpaid(books["installments"]), key=lambda i: i["due_date"])
    return render_template("personal/dashboard.html", books=books, subject=subject, tax_types=_tax_types(books),
                           next_installment=unpaid[0] if unpaid else None)


@bp.get("/my/installments")
@books_page
def installments(actor, subject):
    books = ledger_reads.overview(actor, subject)
    ordered = sorted(books["installments"], key=lambda i: (i["due_date"], i["number"]))
    return render_template("personal/installments.html", installments=ordered, subject=subject,
                           tax_types=_tax_types(books))


@bp.get("/my/installments/<uuid:installment_id>")
@books_page
def installment(actor, subject, installment_id):
    books = ledger_reads.overview(actor, subject)
    found = next((i for i in books["installments"] if i["installment_id"] == str(installment_id)), None)
    if found is None:
        abort(404)
    transfer = None if found["status"] == "paid" else ledger_reads.transfer_details(actor, subject, str(installment_id))
    return render_template("personal/installment.html", installment=found, transfer=transfer, subject=subject,
                           tax_type=_tax_types(books)[found["tax_account_id"]],
                           qr_svg=transfer and _qr_svg(transfer["qr_string"]), payment_key=uuid.uuid4().hex)


def _qr_svg(zbp_string: str) -> str:
    """The ZBP transfer string as an inline SVG (scales without blur; no image request)."""
    return segno.make(zbp_string, error="m", micro=False).svg_inline(
        scale=4, border=4, dark="#000", light="#fff", svgclass="qr", omitsize=True)


@bp.post("/my/installments/<uuid:installment_id>/payment")
@books_page
def pay_online(actor, subject, installment_id):
    # The form's own key: sending the same form twice starts one payment, not two.
    key = request.form.get("payment_key", "")
    if not re.fullmatch(r"[0-9a-f]{32}", key):
        abort(400)
    base = current_app.config["PORTAL"].public_base_url.rstrip("/")
    started = ledger_reads.start_online_payment(
        actor, subject, str(installment_id), email=g.account["email"],
        idempotency_key=f"{g.account['account_id']}:web:{key}", return_url=f"{base}/payments/return",
        status_url=f"{base}/api/v1/payments/notifications/przelewy24")
    # A link, not a redirect: the policy `form-action 'self'` stops a form's redirect elsewhere,
    # and people should know they are leaving the portal.
    return render_template("personal/pay_leave.html", started=started)


@bp.get("/payments/return")
def payment_return():
    """Where the operator sends the payer back (no session cookie comes with that cross-site step)."""
    return render_template("personal/pay_return.html")


@bp.get("/my/payments")
@books_page
def payments(actor, subject):
    books = ledger_reads.overview(actor, subject)
    installments_by_id = {i["installment_id"]: i for i in books["installments"]}
    return render_template("personal/payments.html", payments=books["payments"], subject=subject,
                           installments=installments_by_id, tax_types=_tax_types(books))


@bp.get("/my/overpayments")
@books_page
def overpayments(actor, subject):
    books = ledger_reads.overview(actor, subject)
    return render_template("personal/overpayments.html", overpayments=books["overpayments"], subject=subject,
                           total=books["balance"]["overpayment_grosze"], tax_types=_tax_types(books))


@bp.get("/my/interest")
@books_page
def interest(actor, subject):
    owed = ledger_reads.interest_due(actor, subject)
    return render_template("personal/interest.html", owed=owed, subject=subject,
                           total=sum(row["interest_grosze"] for row in owed))


@bp.get("/my/installments.ics")
@books_page
def calendar(actor, subject):
    books = ledger_reads.overview(actor, subject)
    transfers = {t["installment_id"]: t for t in ledger_reads.unpaid_transfer_details(actor, subject)}
    tax_types = _tax_types(books)
    feed = icalendar.Calendar()
    feed.add("prodid", "-//Portal Podatnika//raty//PL")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", text("calendar.name"))
    stamp = datetime.now(UTC)
    for row in _unpaid(books["installments"]):
        transfer = transfers.get(row["installment_id"])
        if transfer:
            feed.add_component(_installment_event(row, transfer, text(f"tax_type.{tax_types[row['tax_account_id']]}"),
                                                  stamp))
    return Response(feed.to_ical(), mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="raty.ics"'})


def _installment_event(row: dict, transfer: dict, tax_name: str, stamp: datetime) -> icalendar.Event:
    due = datetime.fromisoformat(row["due_date"]).date()
    event = icalendar.Event()
    event.add("uid", f"{row['installment_id']}@portal-podatnika")
    event.add("dtstamp", stamp)
    event.add("dtstart", due)
    event.add("dtend", due + timedelta(days=1))
    event.add("summary", text("calendar.summary", row["number"], tax_name, row["tax_year"],
                              money(row["outstanding_grosze"])))
    event.add("description", text("calendar.description", transfer["account_number"], transfer["title"],
                                   money(row["outstanding_grosze"])))
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text("calendar.alarm"))
    alarm.add("trigger", timedelta(days=-3))
    event.add_component(alarm)
    return event


@bp.route("/my/notifications", methods=["GET", "POST"])
@login_required
def notification_settings():
    """The person's own settings (not the principal's): they are about who gets the messages."""
    account_id = g.account["account_id"]
    errors, form = {}, None
    if request.method == "POST":
        form = _notification_form()
        errors = _notification_errors(form)
        if not errors:
            try:
                call(notifications.SET_PREFERENCES, account_id=account_id, **form)
            except ValidationFailed as exc:
                errors = flatten_errors(exc.field_errors)
            else:
                flash(text("notifications.saved"))
                return redirect(url_for(".notification_settings"))
    if form is None:
        form = call(notifications.PREFERENCES, account_id=account_id)
    html = render_template("personal/notifications.html", form=form, errors=errors)
    return html, 400 if errors else 200


def _notification_form() -> dict:
    return {"sms": request.form.get("sms") == "yes", "push": request.form.get("push") == "yes",
            "language": request.form.get("language") or None,
            "quiet_from": _hour(request.form.get("quiet_from", "")),
            "quiet_until": _hour(request.form.get("quiet_until", ""))}


def _hour(typed: str) -> str | None:
    """`7:00` -> `07:00` (the contract takes ISO times); anything else is kept for the error."""
    typed = typed.strip()
    match = TIME.match(typed)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else (typed or None)


def _notification_errors(form: dict) -> dict[str, list[str]]:
    errors = {name: [text("notifications.time_invalid")] for name in ("quiet_from", "quiet_until")
              if form[name] and not TIME.match(form[name])}
    if not errors and bool(form["quiet_from"]) != bool(form["quiet_until"]):
        errors["quiet_until" if form["quiet_from"] else "quiet_from"] = [text("notifications.quiet_pair")]
    if form["language"] not in (None, "pl", "en"):
        errors["language"] = [text("validation_failed")]
    return errors
