"""Notifications' entrypoints: events in, messages out; staff tools; people's preferences."""
import base64
import os
import re
import socket
import uuid
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from nameko.messaging import consume
from nameko.rpc import RpcProxy
from nameko.timer import timer
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import sessionmaker

from notifications import catalog, deferral, delivery, recipients, reminders, staff
from notifications.deferral import retried_later
from notifications.dependencies import COMPOSE_QUEUE, SEND_QUEUE, Channels, Requeue
from notifications.models import Base, Message, Preferences, PushSubscription, new_id
from notifications.sms_client import REPORT_STATUSES
from portal_shared import staff_audit
from portal_shared.authz import require_role
from portal_shared.config import Config
from portal_shared.contracts import declarations, identity, ledger
from portal_shared.contracts import notifications as contract
from portal_shared.db import Database
from portal_shared.dead_letters import DeadLetters
from portal_shared.entrypoints import handles, rpc_method
from portal_shared.health import HealthCheck
from portal_shared.logging import LoggingContext
from portal_shared.staff_audit import StaffAudit

WARSAW = ZoneInfo("Europe/Warsaw")
REPLICA = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"  # who claimed a scheduler run


def local_time(moment: datetime) -> str:
    return moment.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M")


class Service(HealthCheck, DeadLetters, StaffAudit):
    name = contract.SERVICE

    db = Database(contract.SERVICE, Base.metadata)
    channels = Channels()
    send_queue = Requeue()
    identity_rpc = RpcProxy(identity.SERVICE)
    ledger_rpc = RpcProxy(ledger.SERVICE)
    declarations_rpc = RpcProxy(declarations.SERVICE)
    log = LoggingContext()

    @property
    def sessions(self):
        """Short sessions of their own, for work that must not hold one across a provider call."""
        return sessionmaker(bind=self.db.session.get_bind(), expire_on_commit=False)

    @property
    def cluster(self):
        return SimpleNamespace(identity=self.identity_rpc, ledger=self.ledger_rpc,
                               declarations=self.declarations_rpc)

    def _queue_and_send(self, drafts: list[delivery.Draft]) -> list[str]:
        ids = delivery.queue(self.db.session, drafts)
        self.db.commit()
        self.send_queue.send(ids)
        return ids

    def _send_code(self, message_type, event, recipient: str, context: dict) -> None:
        self._queue_and_send(recipients.code_drafts(self.db.session, message_type, event, recipient, context,
                                                    Config().notify_codes_per_hour))

    def _to_subject(self, message_type, event, context: dict, link: str, **options) -> None:
        self._queue_and_send(recipients.subject_drafts(self.cluster, self.db.session, message_type, event,
                                                       context, link, **options))

    def _to_account(self, message_type, event, context: dict, link: str) -> None:
        self._queue_and_send(recipients.account_drafts(self.cluster, self.db.session, message_type, event,
                                                       context, link))

    # --- identity ------------------------------------------------------------------------
    @handles(identity.EMAIL_VERIFICATION_REQUESTED)
    def on_email_verification_requested(self, event):
        link = f"{Config().public_base_url}/verify-email?token={event['link_token']}"
        self._send_code(catalog.EMAIL_VERIFICATION, event, event["email"], {
            "first_name": event["first_name"], "code": event["code"], "link": link,
            "expires_local": local_time(event["expires_at"])})

    @handles(identity.PHONE_VERIFICATION_REQUESTED)
    def on_phone_verification_requested(self, event):
        self._send_code(catalog.PHONE_VERIFICATION, event, event["phone"], {
            "code": event["code"], "expires_local": local_time(event["expires_at"])})

    @handles(identity.PASSWORD_RESET_REQUESTED)
    def on_password_reset_requested(self, event):
        link = f"{Config().public_base_url}/reset-password?token={event['link_token']}"
        self._send_code(catalog.PASSWORD_RESET, event, event["email"], {
            "first_name": event["first_name"], "link": link, "expires_local": local_time(event["expires_at"])})

    @handles(identity.ACCOUNT_DELETED)
    def on_account_deleted(self, event):
        removed = staff.forget_account(self.db.session, str(event["account_id"]))
        self.log.info("account_forgotten", account_id=str(event["account_id"]), messages=removed)

    # --- ledger --------------------------------------------------------------------------
    @handles(ledger.PAYMENT_POSTED)
    @retried_later(ledger.PAYMENT_POSTED)
    def on_payment_posted(self, event):
        link = f"{Config().public_base_url}/payments"
        self._to_subject(catalog.PAYMENT_POSTED, event, {
            "amount_grosze": event["amount_grosze"], "overpayment_grosze": event["overpayment_grosze"],
            "link": link}, link)

    @handles(ledger.REMINDER_ISSUED)
    @retried_later(ledger.REMINDER_ISSUED)
    def on_reminder_issued(self, event):
        link = f"{Config().public_base_url}/pay?installment={event['installment_id']}"
        self._to_subject(catalog.REMINDER_NOTICE, event, {
            "tax_type": event["tax_type"], "outstanding_grosze": event["outstanding_grosze"],
            "cost_grosze": event["cost_grosze"], "due_date": event["due_date"],
            "account_number": event["account_number"], "payment_link": link}, link)

    # --- declarations --------------------------------------------------------------------
    @handles(declarations.DECLARATION_SUBMITTED)
    @retried_later(declarations.DECLARATION_SUBMITTED)
    def on_declaration_submitted(self, event):
        upo = declarations.UPO_DOCUMENTS(self.cluster, declaration_id=str(event["declaration_id"]))
        pdf = ("UPO-" + re.sub(r"[^A-Za-z0-9._-]", "-", upo["reference"]) + ".pdf", "application/pdf",
               base64.b64decode(upo["pdf_base64"]))
        link = f"{Config().public_base_url}/cases/{event['case_id']}"
        self._to_subject(catalog.UPO_RECEIPT, event, {
            "form_code": event["form_code"], "upo_reference": upo["reference"], "link": link},
            link, attachments=[pdf], only_account=str(event["submitter_account_id"]))

    @handles(declarations.LETTER_SENT)
    @retried_later(declarations.LETTER_SENT)
    def on_letter_sent(self, event):
        link = f"{Config().public_base_url}/letters/{event['letter_id']}"
        self._to_account(catalog.LETTER_SENT, event, {"subject_line": event["subject_line"], "link": link}, link)

    @handles(declarations.CASE_STATUS_CHANGED)
    @retried_later(declarations.CASE_STATUS_CHANGED)
    def on_case_status_changed(self, event):
        link = f"{Config().public_base_url}/cases/{event['case_id']}"
        self._to_account(catalog.CASE_STATUS_CHANGED, event, {
            "form_code": event["form_code"], "new_status": event["new_status"], "link": link}, link)

    # --- sending -------------------------------------------------------------------------
    @consume(SEND_QUEUE)
    def deliver(self, body):
        outcomes = delivery.deliver(self.sessions, self.channels, self.send_queue, body["message_ids"],
                                    Config().notify_retry_delays_ms)
        self.log.info("messages_delivered", count=len(outcomes),
                      failed=sum(1 for o in outcomes.values() if o.status != "sent"))

    @timer(interval=Config().notify_sweep_seconds)  # read once, when the class is defined
    def release_waiting(self):
        """Messages and events whose time has come again: deferred, retried, interrupted."""
        config = Config()
        ids = delivery.release_waiting(self.db.session, config.notify_requeue_after_seconds,
                                       config.notify_resend_after_seconds)
        self.db.commit()
        if ids:
            self.send_queue.send(ids)
        deferral.retry_due(self)

    @timer(interval=Config().reminder_check_seconds)
    def schedule_reminders(self):
        today = datetime.now(WARSAW).date()
        for due_date, days_before in reminders.due_dates(today, Config().reminder_days_before):
            self._run_reminders(due_date, days_before)

    def _run_reminders(self, due_date: date, days_before: int) -> int | None:
        sent = reminders.run(self.sessions, self.cluster, self.send_queue, due_date, days_before, REPLICA)
        self.log.info("reminders_run", due_date=due_date.isoformat(), days_before=days_before, sent=sent)
        return sent

    @consume(COMPOSE_QUEUE)
    def compose_reminders(self, body):
        ids = reminders.queue_page(self.db.session, self.cluster, body["installments"], body["days_before"],
                                   Config().public_base_url)
        self.db.commit()
        self.send_queue.send(ids)

    @rpc_method(contract.RUN_REMINDERS)
    def run_reminders(self, due_date, days_before):
        sent = self._run_reminders(due_date, days_before)
        return {"ran": sent is not None, "reminders": sent or 0}

    @rpc_method(contract.SMS_DELIVERY_REPORTS)
    def sms_delivery_reports(self, reports):
        applied = 0
        for report in reports:
            status = REPORT_STATUSES.get(report["status_code"])
            if status:
                applied += delivery.mark_reported(self.db.session, report["provider_id"], report["idx"], status,
                                                  f"operator status {report['status_code']}")
        return {"applied": applied}

    # --- people --------------------------------------------------------------------------
    @rpc_method(contract.PREFERENCES)
    def preferences(self, account_id):
        found = self.db.session.get(Preferences, str(account_id))
        return found or {"account_id": account_id, "sms": False, "push": True}

    @rpc_method(contract.SET_PREFERENCES)
    def set_preferences(self, account_id, **chosen):
        return self.db.session.merge(Preferences(account_id=str(account_id), **chosen))

    @rpc_method(contract.VAPID_PUBLIC_KEY)
    def vapid_public_key(self):
        return {"public_key": self.channels.push.public_key}

    @rpc_method(contract.REGISTER_PUSH_SUBSCRIPTION)
    def register_push_subscription(self, account_id, endpoint, keys):
        values = {"account_id": str(account_id), "endpoint": endpoint, "p256dh": keys["p256dh"], "auth": keys["auth"]}
        subscription_id = self.db.session.scalar(
            insert(PushSubscription).values(id=new_id(), **values)
            .on_conflict_do_update(index_elements=["endpoint"], set_=values).returning(PushSubscription.id))
        return {"subscription_id": subscription_id}

    # --- staff ---------------------------------------------------------------------------
    @rpc_method(contract.PREVIEW)
    def preview(self, actor, message_type, language, context):
        require_role(actor, *contract.STAFF_ROLES)
        return staff.preview(message_type, language, context)

    @rpc_method(contract.FAILED_MESSAGES)
    def failed_messages(self, actor, limit):
        require_role(actor, *contract.STAFF_ROLES)
        return self.db.session.scalars(sa.select(Message).where(Message.status == "failed")
                                       .order_by(Message.updated_at.desc()).limit(limit)).all()

    @rpc_method(contract.MESSAGE)
    def message(self, actor, message_id):
        require_role(actor, *contract.STAFF_ROLES)
        return staff.message(self.db.session, str(message_id))

    @rpc_method(contract.RETRY_MESSAGE)
    def retry_message(self, actor, message_id):
        require_role(actor, *contract.STAFF_ROLES)
        message = staff.requeue_failed(self.db.session, str(message_id), str(actor["account_id"]))
        staff_audit.record(self.db.session, actor, "message_retried", message.account_id, message_id=message.id)
        self.db.commit()
        self.send_queue.send([message.id])
        return message
