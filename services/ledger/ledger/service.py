"""Entrypoints of the ledger service: each checks who asks, then calls a domain module."""
import base64
import binascii
from datetime import date

import sqlalchemy as sa
from nameko.rpc import RpcProxy

from ledger import imports, interest, liabilities, online, overpayments, overview, postings, reminders, transfer_qr
from ledger.accounts import subject_kind
from ledger.clock import today
from ledger.models import Base, installments, payments, tax_accounts
from ledger.operator import Przelewy24
from portal_shared import authz, staff_audit
from portal_shared.config import Config
from portal_shared.contracts import declarations
from portal_shared.contracts import identity as identity_contract
from portal_shared.contracts import ledger as contract
from portal_shared.db import Database
from portal_shared.dead_letters import DeadLetters
from portal_shared.entrypoints import handles, rpc_method
from portal_shared.errors import NotFound, ValidationFailed
from portal_shared.health import HealthCheck
from portal_shared.logging import LoggingContext
from portal_shared.staff_audit import StaffAudit

TITLE_LABELS = {"property_tax": "P.NIERUCH.", "agricultural_tax": "P.ROLNY", "forest_tax": "P.LESNY",
                "transport_tax": "P.SR.TRANSP.", "waste_fee": "OPL.ODPADY"}


def _posting(posted: postings.Posted) -> dict:
    return {"payment_id": posted.payment_id, "duplicate": posted.duplicate,
            "allocations": [{"kind": a.kind, "grosze": a.grosze, "installment_id": a.installment_id,
                             "reminder_id": a.reminder_id, "operation": "posting"} for a in posted.allocations]}


class Service(HealthCheck, DeadLetters, StaffAudit):
    name = contract.SERVICE

    db = Database(contract.SERVICE, Base.metadata)
    log = LoggingContext()
    identity = RpcProxy(identity_contract.SERVICE)   # `authz.require(self, ...)` calls identity through it

    # --- queries ------------------------------------------------------------------------
    def _accounts(self, actor: dict, subject: str, scope: str = "view") -> list[str]:
        return [a.id for a in self._account_rows(actor, subject, scope)]

    def _account_rows(self, actor: dict, subject: str, scope: str = "view") -> list:
        try:
            subject_kind(subject)
        except Exception:
            raise ValidationFailed({"subject": ["subject.invalid"]}) from None
        authz.require(self, actor, subject, scope)
        return overview.tax_accounts_of(self.db.session, subject)

    @rpc_method(contract.OVERVIEW)
    def overview(self, actor, subject):
        accounts = self._account_rows(actor, subject)
        return overview.overview(self.db.session, subject, today(), accounts)

    @rpc_method(contract.TAX_ACCOUNTS)
    def tax_accounts(self, actor, subject):
        self._accounts(actor, subject)
        return [{"tax_account_id": a.id, "tax_type": a.tax_type, "account_number": a.account_number}
                for a in overview.tax_accounts_of(self.db.session, subject)]

    @rpc_method(contract.LIABILITIES)
    def liabilities(self, actor, subject):
        return overview.liabilities_of(self.db.session, self._accounts(actor, subject))

    @rpc_method(contract.INSTALLMENTS)
    def installments(self, actor, subject):
        return overview.installments_of(self.db.session, self._accounts(actor, subject), today())

    @rpc_method(contract.PAYMENTS)
    def payments(self, actor, subject):
        return overview.payments_of(self.db.session, self._accounts(actor, subject))

    @rpc_method(contract.OVERPAYMENTS)
    def overpayments(self, actor, subject):
        return overview.overpayments_of(self.db.session, self._accounts(actor, subject))

    @rpc_method(contract.REMINDERS)
    def reminders(self, actor, subject):
        return overview.reminders_of(self.db.session, self._accounts(actor, subject))

    @rpc_method(contract.BALANCE)
    def balance(self, actor, subject):
        return overview.balance_of(self.db.session, self._accounts(actor, subject), today())

    @rpc_method(contract.INTEREST_DUE)
    def interest_due(self, actor, subject):
        rows = overview.installments_of(self.db.session, self._accounts(actor, subject), today())
        return [{"installment_id": r["installment_id"], "due_date": r["due_date"],
                 "outstanding_grosze": r["outstanding_grosze"], "interest_grosze": r["interest_today_grosze"]}
                for r in rows if r["interest_today_grosze"]]

    @rpc_method(contract.TRANSFER_DETAILS)
    def transfer_details(self, actor, subject, installment_id):
        ids = self._accounts(actor, subject)
        numbers = {a.id: (a.account_number, a.tax_type) for a in overview.tax_accounts_of(self.db.session, subject)}
        rows = [r for r in overview.installments_of(self.db.session, ids, today()) if r["status"] != "paid"
                and installment_id in (None, r["installment_id"])]
        if installment_id and not rows:
            raise NotFound("installment.not_found")
        config = Config()
        return [self._transfer(config, subject, numbers[r["tax_account_id"]], r) for r in rows]

    @staticmethod
    def _transfer(config: Config, subject: str, account: tuple[str, str], row: dict) -> dict:
        number, tax_type = account
        amount = row["outstanding_grosze"] + row["interest_today_grosze"]
        title = f"{subject} {TITLE_LABELS[tax_type]} {row['tax_year']} R{row['number']}"
        text = transfer_qr.zbp_string(config.ledger_office_nip, number, amount, config.ledger_office_name, title)
        return {"installment_id": row["installment_id"], "recipient_name": config.ledger_office_name,
                "account_number": number, "title": title, "amount_grosze": amount,
                "amount_in_qr": transfer_qr.amount_fits(amount), "qr_string": text,
                "qr_png_base64": base64.b64encode(transfer_qr.qr_png(text)).decode()}

    @rpc_method(contract.CALCULATE_INTEREST)
    def calculate_interest(self, amount_grosze, due_date, payment_date, rate_kind):
        if payment_date < due_date:
            raise ValidationFailed({"payment_date": ["date.order"]})
        try:
            result = interest.calculate(amount_grosze, due_date, payment_date, rate_kind)
        except ValueError:
            raise ValidationFailed({"due_date": ["date.out_of_range"]}) from None
        return {"periods": [{"start": p.start, "end": p.end, "days": p.days, "rate_percent": p.rate_percent,
                             "interest_grosze": interest.to_grosze(p.interest)} for p in result.periods],
                "exact": result.exact.quantize(interest.Decimal("0.0001")), "rounded_grosze": result.rounded_grosze,
                "charged_grosze": result.charged_grosze, "minimum_grosze": result.minimum_grosze}

    @rpc_method(contract.UNPAID_INSTALLMENTS_DUE)
    def unpaid_installments_due(self, due_date, after_installment_id, limit):
        query = (sa.select(installments.c.id, installments.c.number, installments.c.due_date,
                           (installments.c.amount_grosze - installments.c.paid_grosze).label("outstanding"),
                           tax_accounts.c.subject, tax_accounts.c.tax_type, tax_accounts.c.account_number,
                           sa.literal_column("extract(year from installments.due_date)::int").label("year"))
                 .join(tax_accounts, tax_accounts.c.id == installments.c.tax_account_id)
                 .where(installments.c.active, installments.c.due_date == due_date,
                        installments.c.paid_grosze < installments.c.amount_grosze)
                 .order_by(installments.c.id).limit(min(limit, 5000)))
        if after_installment_id:
            query = query.where(installments.c.id > after_installment_id)
        return [{"installment_id": r.id, "subject": r.subject, "tax_type": r.tax_type, "due_date": r.due_date,
                 "outstanding_grosze": r.outstanding, "account_number": r.account_number,
                 "title": f"{r.subject} {TITLE_LABELS[r.tax_type]} {r.year} R{r.number}"}
                for r in self.db.session.execute(query)]

    # --- staff ----------------------------------------------------------------------------
    @rpc_method(contract.FIND_TAX_ACCOUNT)
    def find_tax_account(self, actor, account_number):
        """Whose individual account number this is (a tax officer at the desk, audited)."""
        authz.require_role(actor, "tax_officer")
        account = self._tax_account(account_number)
        staff_audit.record(self.db.session, actor, "tax_account_found", account.subject,
                           account_number=account_number)
        return {"subject": account.subject, "tax_type": account.tax_type, "account_number": account_number}

    def _tax_account(self, account_number: str):
        account = self.db.session.execute(sa.select(tax_accounts).where(
            tax_accounts.c.account_number == account_number)).first()
        if account is None:
            raise NotFound("tax_account.not_found")
        return account

    @rpc_method(contract.STAFF_OVERVIEW)
    def staff_overview(self, actor, subject, verification_id):
        """The taxpayer card's money part: a tax officer, or a consultant for a verified caller."""
        how = authz.require_staff_view(self, actor, subject, verification_id)
        staff_audit.record(self.db.session, actor, "overview_read", subject, allowed_by=how)
        return overview.overview(self.db.session, subject, today())

    @rpc_method(contract.POST_CASH_PAYMENT)
    def post_cash_payment(self, actor, idempotency_key, account_number, amount_grosze, paid_on, named_liability_id,
                          title):
        authz.require_role(actor, "tax_officer")
        account = self._tax_account(account_number)
        posted = postings.post(self.db.session, [postings.IncomingPayment(
            idempotency_key=f"cash:{idempotency_key}", amount_grosze=amount_grosze, paid_on=paid_on,
            source="cash_desk", tax_account_id=account.id, title=title,
            named_liability_id=str(named_liability_id) if named_liability_id else None)])[0]
        self._announce(posted, account.subject, amount_grosze, "cash_desk")
        if not posted.duplicate:
            staff_audit.record(self.db.session, actor, "cash_payment_posted", account.subject,
                               payment_id=posted.payment_id, amount_grosze=amount_grosze)
        self.log.info("cash_payment_posted", payment_id=posted.payment_id, duplicate=posted.duplicate,
                      officer=str(actor["account_id"]))
        return _posting(posted)

    def _announce(self, posted: postings.Posted, subject: str, amount: int, source: str) -> None:
        if not posted.duplicate:
            self.db.emit(contract.PAYMENT_POSTED, payment_id=posted.payment_id, subject=subject,
                         amount_grosze=amount, overpayment_grosze=posted.overpayment_grosze, source=source)

    @rpc_method(contract.REBOOK_PAYMENT)
    def rebook_payment(self, actor, payment_id, target_liability_id):
        authz.require_role(actor, "tax_officer")
        result = self._rebook(str(payment_id), target_liability_id, "rebooking")
        staff_audit.record(self.db.session, actor, "payment_rebooked", str(payment_id),
                           target_liability_id=str(target_liability_id))
        self.log.info("payment_rebooked", payment_id=str(payment_id), officer=str(actor["account_id"]))
        return result

    def _rebook(self, payment_id: str, target_liability_id, operation: str) -> dict:
        session = self.db.session
        target = liabilities.liability_account(session, target_liability_id)
        amount = session.scalar(sa.select(payments.c.amount_grosze).where(payments.c.id == payment_id))
        if amount is None:
            raise NotFound("payment.not_found")
        _, new = postings.reallocate(session, payment_id, target.account_id, target.id, operation)
        self.db.emit(contract.PAYMENT_REBOOKED, payment_id=payment_id, subject=target.subject, amount_grosze=amount)
        return {"payment_id": payment_id, "duplicate": False,
                "allocations": [{"kind": a.kind, "grosze": a.grosze, "installment_id": a.installment_id,
                                 "reminder_id": a.reminder_id, "operation": operation} for a in new]}

    @rpc_method(contract.IMPORT_STATEMENT)
    def import_statement(self, actor, format, content_base64):  # noqa: A002 (the contract's name)
        authz.require_role(actor, "tax_officer")
        try:
            raw = base64.b64decode(content_base64, validate=True)
            return imports.run(self.db.session, raw, format, commit=self.db.commit)
        except (binascii.Error, ValueError, KeyError) as exc:
            self.log.warning("statement_unreadable", error=str(exc))
            raise ValidationFailed({"content_base64": ["statement.invalid"]}) from None

    @rpc_method(contract.IMPORT_JOB)
    def import_job(self, actor, job_id):
        authz.require_role(actor, "tax_officer")
        found = imports.job(self.db.session, str(job_id))
        if found is None:
            raise NotFound()
        return found

    @rpc_method(contract.ISSUE_REMINDERS)
    def issue_reminders(self, actor, on):
        authz.require_role(actor, "tax_officer")
        return {"issued": self._issue_reminders(on or today())}

    def _issue_reminders(self, on: date) -> int:
        issued = reminders.issue(self.db.session, on, Config().ledger_reminder_after_days)
        for reminder in issued:
            self.db.emit(contract.REMINDER_ISSUED, **reminder)
        return len(issued)

    # --- online payments -------------------------------------------------------------------
    @rpc_method(contract.START_ONLINE_PAYMENT)
    def start_online_payment(self, actor, subject, installment_ids, idempotency_key, email, return_url, status_url):
        self._accounts(actor, subject, "pay")
        payment = online.prepare(self.db.session, subject, installment_ids, idempotency_key)
        self.db.commit()   # recorded before the operator is called, so a retry finds it
        started = online.register(self.db.session, Przelewy24(Config()), payment, email, return_url, status_url)
        return {"online_payment_id": started["id"], "amount_grosze": started["amount_grosze"],
                "redirect_url": started["redirect_url"]}

    @rpc_method(contract.OPERATOR_NOTIFICATION)
    def operator_notification(self, **notification):
        posted, payment = online.on_notification(self.db.session, Przelewy24(Config()), notification)
        self._announce(posted, payment["subject"], payment["amount_grosze"], "online")
        return _posting(posted)

    # --- events -------------------------------------------------------------------------------
    @handles(declarations.DECLARATION_ACCEPTED)
    def on_declaration_accepted(self, event):
        config, session, subject = Config(), self.db.session, event["subject"]
        if event.get("assessment"):
            liability_id = liabilities.assess(session, subject, str(event["declaration_id"]), event["assessment"],
                                              config.ledger_bank_sort_code, config.ledger_office_prefix)
            self.log.info("liability_assessed", liability_id=liability_id)
        elif event.get("rebooking"):
            payment_id = liabilities.find_payment_for_rebooking(session, subject, event["rebooking"])
            self._rebook(payment_id, event["rebooking"]["target_liability_id"], "rebooking")
        elif event.get("refund_claim"):
            claim = event["refund_claim"]
            refunded = overpayments.refund(session, subject, claim["amount_grosze"], claim["bank_account"],
                                           str(event["declaration_id"]))
            self.log.info("overpayment_refunded", requested=claim["amount_grosze"], refunded=refunded)

    @handles(identity_contract.ACCOUNT_DELETED)
    def on_account_deleted(self, event):
        # Tax records belong to the taxpayer (the PESEL), not to a portal account: they stay.
        # The ledger stores nothing bound to an account id, so there is nothing to remove.
        self.log.info("account_deleted_tax_records_kept", account_id=str(event["account_id"]))
