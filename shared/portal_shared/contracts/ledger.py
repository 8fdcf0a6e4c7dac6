"""Contract of the ledger service. Its RPC methods grow with the ledger issue; the events and
the reminder query below are what other services (notifications) rely on."""
from marshmallow import fields, validate

from portal_shared.contracts.base import Event, EventPayload, RpcMethod, StrictSchema
from portal_shared.contracts.common import health
from portal_shared.contracts.identity import Actor

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


# --- queries of a taxpayer's money (authorised with `authz.require`, scope "view") ----------
TAX_TYPES = ("property_tax", "agricultural_tax", "forest_tax", "transport_tax", "waste_fee")
INSTALLMENT_STATUSES = ("paid", "partly_paid", "due", "overdue")


class SubjectQuery(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    subject = fields.String(required=True, validate=validate.Length(min=10, max=11))


class TaxAccount(StrictSchema):
    tax_account_id = fields.String(required=True)
    tax_type = fields.String(required=True)
    account_number = fields.String(required=True)


class Component(StrictSchema):
    kind = fields.String(required=True)
    base = fields.Decimal(required=True, as_string=True)
    rate = fields.Decimal(required=True, as_string=True)
    amount_grosze = fields.Integer(required=True)


class Liability(StrictSchema):
    liability_id = fields.String(required=True)
    tax_account_id = fields.String(required=True)
    tax_year = fields.Integer(required=True)
    taxpayer_kind = fields.String(required=True)
    annual_amount_grosze = fields.Integer(required=True)
    status = fields.String(required=True)          # active | replaced (history of corrections)
    replaces_id = fields.String(allow_none=True)
    declaration_id = fields.String(allow_none=True)
    components = fields.List(fields.Nested(Component), required=True)


class Installment(StrictSchema):
    installment_id = fields.String(required=True)
    liability_id = fields.String(required=True)
    tax_account_id = fields.String(required=True)
    tax_year = fields.Integer(required=True)
    number = fields.Integer(required=True)
    due_date = fields.Date(required=True)
    amount_grosze = fields.Integer(required=True)
    paid_grosze = fields.Integer(required=True)
    outstanding_grosze = fields.Integer(required=True)
    interest_today_grosze = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(INSTALLMENT_STATUSES))


class AllocationPart(StrictSchema):
    kind = fields.String(required=True)   # principal | interest | reminder_cost | overpayment
    grosze = fields.Integer(required=True)  # negative: reversed by a rebooking, correction or refund
    installment_id = fields.String(allow_none=True)
    reminder_id = fields.String(allow_none=True)
    operation = fields.String(required=True)  # posting | rebooking | correction | credit | refund


class Payment(StrictSchema):
    payment_id = fields.String(required=True)
    source = fields.String(required=True)
    amount_grosze = fields.Integer(required=True)
    paid_on = fields.Date(required=True)
    title = fields.String(required=True)
    tax_account_id = fields.String(allow_none=True)
    allocations = fields.List(fields.Nested(AllocationPart), required=True)


class Overpayment(StrictSchema):
    tax_account_id = fields.String(required=True)
    payment_id = fields.String(required=True)
    paid_on = fields.Date(required=True)
    grosze = fields.Integer(required=True)


class Reminder(StrictSchema):
    reminder_id = fields.String(required=True)
    installment_id = fields.String(required=True)
    issued_on = fields.Date(required=True)
    outstanding_grosze = fields.Integer(required=True)
    cost_grosze = fields.Integer(required=True)
    cost_outstanding_grosze = fields.Integer(required=True)


class Balance(StrictSchema):
    assessed_grosze = fields.Integer(required=True)
    paid_grosze = fields.Integer(required=True)
    outstanding_grosze = fields.Integer(required=True)
    interest_today_grosze = fields.Integer(required=True)
    reminder_costs_grosze = fields.Integer(required=True)
    overpayment_grosze = fields.Integer(required=True)
    received_grosze = fields.Integer(required=True)
    refunded_grosze = fields.Integer(required=True)
    balance_grosze = fields.Integer(required=True)   # to pay today; negative: the office owes
    reconciles = fields.Boolean(required=True)


class Overview(StrictSchema):
    subject = fields.String(required=True)
    tax_accounts = fields.List(fields.Nested(TaxAccount), required=True)
    liabilities = fields.List(fields.Nested(Liability), required=True)
    installments = fields.List(fields.Nested(Installment), required=True)
    payments = fields.List(fields.Nested(Payment), required=True)
    overpayments = fields.List(fields.Nested(Overpayment), required=True)
    reminders = fields.List(fields.Nested(Reminder), required=True)
    balance = fields.Nested(Balance, required=True)


class InterestDue(StrictSchema):
    installment_id = fields.String(required=True)
    due_date = fields.Date(required=True)
    outstanding_grosze = fields.Integer(required=True)
    interest_grosze = fields.Integer(required=True)


class TransferQuery(SubjectQuery):
    installment_id = fields.String(load_default=None, allow_none=True)


class TransferDetails(StrictSchema):
    installment_id = fields.String(required=True)
    recipient_name = fields.String(required=True)
    account_number = fields.String(required=True)
    title = fields.String(required=True)
    amount_grosze = fields.Integer(required=True)
    amount_in_qr = fields.Boolean(required=True)   # False: the QR leaves the amount to the payer
    qr_string = fields.String(required=True)       # ZBP "Standard 2D"
    qr_png_base64 = fields.String(required=True)


OVERVIEW = RpcMethod(SERVICE, "overview", SubjectQuery, Overview,
                     summary="Everything about a taxpayer's money: accounts, liabilities, installments, payments.")
TAX_ACCOUNTS = RpcMethod(SERVICE, "tax_accounts", SubjectQuery, TaxAccount, many=True,
                         summary="The taxpayer's tax accounts with their individual account numbers.")
LIABILITIES = RpcMethod(SERVICE, "liabilities", SubjectQuery, Liability, many=True,
                        summary="Liabilities with components, corrected ones included (status replaced).")
INSTALLMENTS = RpcMethod(SERVICE, "installments", SubjectQuery, Installment, many=True,
                         summary="Installments with status and outstanding amount.")
PAYMENTS = RpcMethod(SERVICE, "payments", SubjectQuery, Payment, many=True,
                     summary="Payments with their allocations (newest first).")
OVERPAYMENTS = RpcMethod(SERVICE, "overpayments", SubjectQuery, Overpayment, many=True,
                         summary="Overpayments kept for the taxpayer.")
REMINDERS = RpcMethod(SERVICE, "reminders", SubjectQuery, Reminder, many=True,
                      summary="Reminders (upomnienia) issued, with their costs.")
BALANCE = RpcMethod(SERVICE, "balance", SubjectQuery, Balance,
                    summary="The balance today and whether the books reconcile.")
INTEREST_DUE = RpcMethod(SERVICE, "interest_due", SubjectQuery, InterestDue, many=True,
                         summary="Late-payment interest owed today, per overdue installment.")
TRANSFER_DETAILS = RpcMethod(SERVICE, "transfer_details", TransferQuery, TransferDetails, many=True,
                             summary="Bank-transfer details and a ZBP QR code per unpaid installment.")


# --- the public interest calculator (seed 002) -------------------------------------------
class InterestQuery(StrictSchema):
    amount_grosze = fields.Integer(required=True, validate=validate.Range(min=1, max=10**13))
    due_date = fields.Date(required=True)
    payment_date = fields.Date(required=True)
    rate_kind = fields.String(load_default="base", validate=validate.OneOf(("base", "reduced", "increased")))


class InterestPeriod(StrictSchema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    days = fields.Integer(required=True)
    rate_percent = fields.Decimal(required=True, as_string=True)
    interest_grosze = fields.Integer(required=True)   # this period, to the grosz (for display)


class InterestResult(StrictSchema):
    periods = fields.List(fields.Nested(InterestPeriod), required=True)
    exact = fields.Decimal(required=True, as_string=True)
    rounded_grosze = fields.Integer(required=True)
    charged_grosze = fields.Integer(required=True)
    minimum_grosze = fields.Integer(required=True)


CALCULATE_INTEREST = RpcMethod(SERVICE, "calculate_interest", InterestQuery, InterestResult,
                               summary="Late-payment interest per rate period and in total (public).")


# --- staff: cash desk, rebooking, statements, reminders ---------------------------------
class CashPayment(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    idempotency_key = fields.String(required=True, validate=validate.Length(min=8, max=200))
    account_number = fields.String(required=True, validate=validate.Regexp(r"^\d{26}$"))
    amount_grosze = fields.Integer(required=True, validate=validate.Range(min=1, max=10**12))
    paid_on = fields.Date(required=True)
    named_liability_id = fields.UUID(load_default=None, allow_none=True)
    title = fields.String(load_default="", validate=validate.Length(max=500))


class Posting(StrictSchema):
    payment_id = fields.String(required=True)
    duplicate = fields.Boolean(required=True)   # True: this key was posted before; nothing changed
    allocations = fields.List(fields.Nested(AllocationPart), required=True)


class RebookArgs(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    payment_id = fields.UUID(required=True)
    target_liability_id = fields.UUID(required=True)


class StatementImport(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    format = fields.String(required=True, validate=validate.OneOf(("camt053", "mt940")))
    content_base64 = fields.String(required=True)


class ImportReport(StrictSchema):
    job_id = fields.String(required=True)
    duplicate_file = fields.Boolean(required=True)
    entries = fields.Integer(required=True)
    posted = fields.Integer(required=True)
    duplicates = fields.Integer(required=True)
    matched = fields.Integer(required=True)
    unmatched = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    posted_grosze = fields.Integer(required=True)
    overpayment_grosze = fields.Integer(required=True)
    unmatched_entries = fields.List(fields.Dict(), required=True)
    rejected_entries = fields.List(fields.Dict(), required=True)


class JobQuery(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    job_id = fields.UUID(required=True)


class ImportJob(StrictSchema):
    job_id = fields.String(required=True)
    format = fields.String(required=True)
    status = fields.String(required=True)
    processed = fields.Integer(required=True)
    report = fields.Dict(required=True)
    started_at = fields.AwareDateTime(required=True)
    finished_at = fields.AwareDateTime(allow_none=True)


class ReminderRun(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    on = fields.Date(load_default=None, allow_none=True)   # default: today in Warsaw


class ReminderRunResult(StrictSchema):
    issued = fields.Integer(required=True)


class AccountNumberQuery(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    account_number = fields.String(required=True, validate=validate.Regexp(r"^\d{26}$"))


class AccountOwner(StrictSchema):
    subject = fields.String(required=True)
    tax_type = fields.String(required=True)
    account_number = fields.String(required=True)


class StaffSubjectQuery(SubjectQuery):
    verification_id = fields.UUID(load_default=None, allow_none=True)  # a consultant's verified caller


FIND_TAX_ACCOUNT = RpcMethod(SERVICE, "find_tax_account", AccountNumberQuery, AccountOwner,
                             summary="Staff (tax_officer): whose individual account number this is (audited).")
STAFF_OVERVIEW = RpcMethod(SERVICE, "staff_overview", StaffSubjectQuery, Overview,
                           summary="Staff: a taxpayer's overview for a tax officer, or for a consultant "
                                   "within a verified caller's mandate (audited).")
POST_CASH_PAYMENT = RpcMethod(SERVICE, "post_cash_payment", CashPayment, Posting,
                              summary="Cash desk: post a payment to an individual account (tax_officer).")
REBOOK_PAYMENT = RpcMethod(SERVICE, "rebook_payment", RebookArgs, Posting,
                           summary="Move a payment to the liability it was meant for (tax_officer).")
IMPORT_STATEMENT = RpcMethod(SERVICE, "import_statement", StatementImport, ImportReport,
                             summary="Import a camt.053 or MT940 statement as one job (tax_officer).")
IMPORT_JOB = RpcMethod(SERVICE, "import_job", JobQuery, ImportJob, summary="Progress and report of an import job.")
ISSUE_REMINDERS = RpcMethod(SERVICE, "issue_reminders", ReminderRun, ReminderRunResult,
                            summary="Issue reminders for installments overdue by the configured days (tax_officer).")


# --- online payment (pay-by-link operator) -----------------------------------------------
class StartPayment(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    subject = fields.String(required=True, validate=validate.Length(min=10, max=11))
    installment_ids = fields.List(fields.String(), required=True, validate=validate.Length(min=1, max=24))
    idempotency_key = fields.String(required=True, validate=validate.Length(min=8, max=200))
    email = fields.Email(required=True)
    return_url = fields.Url(required=True, require_tld=False)
    status_url = fields.Url(required=True, require_tld=False)


class StartedPayment(StrictSchema):
    online_payment_id = fields.String(required=True)
    amount_grosze = fields.Integer(required=True)
    redirect_url = fields.String(required=True)


class OperatorNotification(StrictSchema):
    """Przelewy24's transaction notification, as POSTed to our status URL."""
    merchantId = fields.Integer(required=True)  # noqa: N815 (the operator's field names)
    posId = fields.Integer(required=True)  # noqa: N815
    sessionId = fields.String(required=True)  # noqa: N815
    amount = fields.Integer(required=True)
    originAmount = fields.Integer(required=True)  # noqa: N815
    currency = fields.String(required=True)
    orderId = fields.Integer(required=True)  # noqa: N815
    methodId = fields.Integer(required=True)  # noqa: N815
    statement = fields.String(required=True)
    sign = fields.String(required=True)


START_ONLINE_PAYMENT = RpcMethod(SERVICE, "start_online_payment", StartPayment, StartedPayment,
                                 summary="Register a pay-by-link transaction for chosen installments.")
OPERATOR_NOTIFICATION = RpcMethod(SERVICE, "operator_notification", OperatorNotification, Posting,
                                  summary="The operator's signed notification: verify, then post the payment.")

MESSAGES: dict[str, tuple[str, str]] = {
    "liability.not_found": ("Nie znaleziono zobowiązania.", "Liability not found."),
    "payment.not_found": ("Nie znaleziono wpłaty.", "Payment not found."),
    "payment.partly_refunded": (
        "Część tej wpłaty zwrócono już jako nadpłatę. Zwrócona kwota opuściła urząd, więc wpłaty nie można "
        "przeksięgować na inny rachunek podatku; najpierw rozlicz zwrot.",
        "Part of this payment was already refunded as an overpayment. The refunded amount has left the office, "
        "so the payment cannot be rebooked to another tax account; settle the refund first."),
    "installment.not_found": ("Nie znaleziono raty.", "Installment not found."),
    "installment.paid": ("Ta rata jest już zapłacona.", "This installment is already paid."),
    "tax_account.not_found": ("Nie znaleziono rachunku podatnika o tym numerze.",
                              "No tax account has this account number."),
    "notification.invalid_signature": ("Nieprawidłowy podpis powiadomienia.", "Invalid notification signature."),
    "notification.amount_mismatch": ("Kwota powiadomienia nie zgadza się z płatnością.",
                                     "The notification's amount does not match the payment."),
    "operator.unavailable": ("Operator płatności jest chwilowo niedostępny. Spróbuj ponownie.",
                             "The payment operator is unavailable. Please try again."),
    "statement.invalid": ("Nie udało się odczytać wyciągu.", "The statement could not be read."),
    "installment.one_tax_account": ("Jedna płatność może dotyczyć rat jednego podatku.",
                                    "One payment can cover installments of one tax only."),
    "idempotency_key.required": ("Brak nagłówka Idempotency-Key.", "The Idempotency-Key header is missing."),
    "idempotency_key.reused": ("Ten klucz Idempotency-Key użyto dla innej płatności.",
                               "This Idempotency-Key was used for a different payment."),
    "date.out_of_range": ("Data spoza zakresu tabeli stóp procentowych.", "Date outside the rate table."),
    "amount.invalid": ("Nieprawidłowa kwota.", "Invalid amount."),
    "date.order": ("Data zapłaty nie może być wcześniejsza niż termin płatności.",
                   "The payment date cannot be before the due date."),
}
