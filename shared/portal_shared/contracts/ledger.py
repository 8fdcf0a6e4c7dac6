"""Contract of the ledger service. Its RPC methods grow with the ledger issue; the events and
the reminder query below are what other services (notifications) rely on."""
from marshmallow import fields

from portal_shared.contracts.base import Event, EventPayload, RpcMethod, StrictSchema
from portal_shared.contracts.common import health

SERVICE = "ledger"

HEALTH = health(SERVICE)


class DueQuery(StrictSchema):
    due_date = fields.Date(required=True)
    after_installment_id = fields.String(load_default=None, allow_none=True)  # keyset paging
    limit = fields.Integer(load_default=1000)


class DueInstallment(StrictSchema):
    installment_id = fields.String(required=True)
    subject = fields.String(required=True)        # PESEL or NIP
    tax_type = fields.String(required=True)
    due_date = fields.Date(required=True)
    outstanding_grosze = fields.Integer(required=True)
    account_number = fields.String(required=True)  # the taxpayer's individual NRB
    title = fields.String(required=True)


UNPAID_INSTALLMENTS_DUE = RpcMethod(
    SERVICE, "unpaid_installments_due", DueQuery, DueInstallment, many=True,
    summary="Installments due on a date with an unpaid amount, in pages (for reminders).")


class PaymentPostedV1(EventPayload):
    payment_id = fields.String(required=True)
    subject = fields.String(required=True)
    amount_grosze = fields.Integer(required=True)
    overpayment_grosze = fields.Integer(required=True)
    source = fields.String(required=True)  # bank_statement, online, cash_desk


class ReminderIssuedV1(EventPayload):
    """An upomnienie (formal reminder) was issued for an overdue installment, with its cost."""
    reminder_id = fields.String(required=True)
    subject = fields.String(required=True)
    installment_id = fields.String(required=True)
    tax_type = fields.String(required=True)
    due_date = fields.Date(required=True)
    outstanding_grosze = fields.Integer(required=True)
    cost_grosze = fields.Integer(required=True)
    account_number = fields.String(required=True)


class PaymentRebookedV1(EventPayload):
    payment_id = fields.String(required=True)
    subject = fields.String(required=True)
    amount_grosze = fields.Integer(required=True)


PAYMENT_POSTED = Event(SERVICE, "payment_posted", 1, PaymentPostedV1)
REMINDER_ISSUED = Event(SERVICE, "reminder_issued", 1, ReminderIssuedV1)
PAYMENT_REBOOKED = Event(SERVICE, "payment_rebooked", 1, PaymentRebookedV1)
