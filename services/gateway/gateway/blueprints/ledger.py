"""A taxpayer's money (for oneself or a principal within mandate), online payment, and the
public late-payment interest calculator. The ledger service checks every authorisation."""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint, current_app, g, request

from gateway.api import call, documented, json_body
from gateway.auth import current_actor, login_required
from gateway.dashboard import taxpayer_overview
from portal_shared.contracts import ledger
from portal_shared.errors import ValidationFailed

bp = Blueprint("ledger", __name__, url_prefix="/api/v1")

SUBJECT_QUERIES = {
    "tax-accounts": ledger.TAX_ACCOUNTS, "liabilities": ledger.LIABILITIES,
    "installments": ledger.INSTALLMENTS, "payments": ledger.PAYMENTS, "overpayments": ledger.OVERPAYMENTS,
    "reminders": ledger.REMINDERS, "balance": ledger.BALANCE, "interest-due": ledger.INTEREST_DUE,
}


def _subject_view(resource: str, method):
    @login_required
    def view(subject: str):
        return call(method, actor=current_actor(), subject=subject)
    view.__name__ = f"taxpayer_{resource.replace('-', '_')}"
    documented(method.summary, response=method.result, auth=True, errors=(400, 401, 403))(view)
    bp.add_url_rule(f"/taxpayers/<subject>/{resource}", view_func=view, methods=["GET"])


for _resource, _method in SUBJECT_QUERIES.items():
    _subject_view(_resource, _method)


@bp.get("/taxpayers/<subject>/overview")
@documented(ledger.OVERVIEW.summary, response=ledger.OVERVIEW.result, auth=True, errors=(400, 401, 403))
@login_required
def taxpayer_overview_view(subject):
    return taxpayer_overview(current_actor(), subject)


@bp.get("/taxpayers/<subject>/transfer-details")
@documented("Transfer details and a ZBP QR code for each unpaid installment (or `?installment_id=`).",
            response=ledger.TransferDetails, auth=True, errors=(400, 401, 403, 404))
@login_required
def transfer_details(subject):
    return call(ledger.TRANSFER_DETAILS, actor=current_actor(), subject=subject,
                installment_id=request.args.get("installment_id"))


@bp.post("/payments")
@documented("Start an online payment of chosen installments (header Idempotency-Key): the operator's URL.",
            body=ledger.StartPayment, response=ledger.StartedPayment, status=201, auth=True,
            errors=(400, 401, 403, 409, 503))
@login_required
def start_payment():
    key = request.headers.get("Idempotency-Key", "").strip()
    if not 8 <= len(key) <= 200:
        raise ValidationFailed({"Idempotency-Key": ["idempotency_key.required"]})
    body = json_body()
    base = current_app.config["PORTAL"].public_base_url.rstrip("/")
    started = call(ledger.START_ONLINE_PAYMENT, actor=current_actor(), subject=body.get("subject"),
                   installment_ids=body.get("installment_ids"), email=body.get("email") or g.account.get("email"),
                   idempotency_key=f"{g.account['account_id']}:{key}", return_url=f"{base}/payments/return",
                   status_url=f"{base}/api/v1/payments/notifications/przelewy24")
    return started, 201


@bp.post("/payments/notifications/przelewy24")
@documented("The payment operator's signed transaction notification (called by the operator).",
            body=ledger.OperatorNotification, response=ledger.Posting, errors=(400, 403, 404, 503))
def operator_notification():
    return call(ledger.OPERATOR_NOTIFICATION, **json_body())


@bp.get("/interest-calculator")
@documented("Late-payment interest: ?amount=<zł>&due_date=YYYY-MM-DD&payment_date=YYYY-MM-DD[&rate_kind=reduced].",
            response=ledger.InterestResult)
def interest_calculator():
    errors, args = {}, request.args
    try:
        amount = Decimal(args.get("amount", ""))
        if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors["amount"] = ["amount.invalid"]
    dates = {}
    for name in ("due_date", "payment_date"):
        try:
            dates[name] = date.fromisoformat(args.get(name, ""))
        except ValueError:
            errors[name] = ["Not a valid date."]
    if errors:
        raise ValidationFailed(errors)
    return call(ledger.CALCULATE_INTEREST, amount_grosze=int(amount * 100), due_date=dates["due_date"].isoformat(),
                payment_date=dates["payment_date"].isoformat(), rate_kind=args.get("rate_kind", "base"))
