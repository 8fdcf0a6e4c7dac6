"""Online payments through the pay-by-link operator: start one for chosen installments, and
post it when the operator's signed notification arrives and verifies."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from ledger import overview, postings
from ledger.bulk import new_id
from ledger.clock import today
from ledger.models import online_payments
from ledger.operator import OperatorError, Przelewy24
from portal_shared.errors import Conflict, Forbidden, NotFound, ServiceUnavailable, ValidationFailed


def prepare(session, subject: str, installment_ids: list[str], idempotency_key: str) -> dict:
    """Record the payment to start (or find the one this key started); amount = what the chosen
    installments owe today, interest included."""
    existing = session.execute(sa.select(online_payments).where(
        online_payments.c.idempotency_key == idempotency_key)).first()
    if existing:
        if existing.subject != subject or sorted(existing.installment_ids) != sorted(installment_ids):
            raise Conflict("idempotency_key.reused")
        return dict(existing._mapping)
    accounts = [a.id for a in overview.tax_accounts_of(session, subject)]
    chosen = {i["installment_id"]: i for i in overview.installments_of(session, accounts, today())
              if i["installment_id"] in set(installment_ids)}
    if len(chosen) != len(set(installment_ids)):
        raise ValidationFailed({"installment_ids": ["installment.not_found"]})
    if any(i["status"] == "paid" for i in chosen.values()):
        raise ValidationFailed({"installment_ids": ["installment.paid"]})
    if len({i["tax_account_id"] for i in chosen.values()}) != 1:
        raise ValidationFailed({"installment_ids": ["installment.one_tax_account"]})
    amount = sum(i["outstanding_grosze"] + i["interest_today_grosze"] for i in chosen.values())
    row = {"id": new_id(), "idempotency_key": idempotency_key, "subject": subject,
           "tax_account_id": next(iter(chosen.values()))["tax_account_id"], "installment_ids": sorted(chosen),
           "amount_grosze": amount, "status": "registering"}
    session.execute(insert(online_payments).values(**row))
    return row


def register(session, operator: Przelewy24, payment: dict, email: str, return_url: str, status_url: str) -> dict:
    if payment.get("redirect_url"):
        return payment
    try:
        registered = operator.register(payment["id"], payment["amount_grosze"], f"Podatki {payment['subject']}",
                                       email, return_url, status_url)
    except OperatorError as exc:
        raise ServiceUnavailable("operator.unavailable") from exc
    session.execute(online_payments.update().where(online_payments.c.id == payment["id"]).values(
        operator_token=registered.token, redirect_url=registered.redirect_url, status="started"))
    return {**payment, "redirect_url": registered.redirect_url}


def on_notification(session, operator: Przelewy24, notification: dict) -> tuple[postings.Posted, dict]:
    """Check the signature, match the payment, verify with the operator, post it once."""
    if not operator.authentic(notification):
        raise Forbidden("notification.invalid_signature")
    payment = session.execute(sa.select(online_payments).where(
        online_payments.c.id == notification["sessionId"]).with_for_update()).first()
    if payment is None:
        raise NotFound("payment.not_found")
    if notification["amount"] != payment.amount_grosze or notification["currency"] != "PLN":
        raise ValidationFailed({"amount": ["notification.amount_mismatch"]})
    try:
        operator.verify(payment.id, notification["orderId"], payment.amount_grosze)
    except OperatorError as exc:
        raise ServiceUnavailable("operator.unavailable") from exc
    liabilities = {row.liability_id for row in session.execute(sa.text(
        "SELECT liability_id::text AS liability_id FROM installments WHERE id = ANY(CAST(:ids AS "
        "uuid[]))"), {"ids": payment.installment_ids})}
    posted = postings.post(session, [postings.IncomingPayment(
        idempotency_key=f"p24:{notification['orderId']}", amount_grosze=payment.amount_grosze, paid_on=today(),
        source="online", tax_account_id=payment.tax_account_id, title=notification["statement"],
        named_liability_id=next(iter(liabilities)) if len(liabilities) == 1 else None)])[0]
    session.execute(online_payments.update().where(online_payments.c.id == payment.id).values(
        status="paid", operator_order_id=str(notification["orderId"])))
    return posted, dict(payment._mapping)
