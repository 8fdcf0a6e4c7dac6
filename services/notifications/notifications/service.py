"""Notifications' entrypoints: events in, messages out."""
from zoneinfo import ZoneInfo

from notifications import delivery, templates
from notifications.catalog import EMAIL_VERIFICATION
from notifications.dependencies import Email
from notifications.models import Base
from portal_shared.config import Config
from portal_shared.contracts import identity
from portal_shared.contracts import notifications as contract
from portal_shared.db import Database
from portal_shared.dead_letters import DeadLetters
from portal_shared.entrypoints import handles
from portal_shared.health import HealthCheck
from portal_shared.logging import LoggingContext

WARSAW = ZoneInfo("Europe/Warsaw")


class Service(HealthCheck, DeadLetters):
    name = contract.SERVICE

    db = Database(contract.SERVICE, Base.metadata)
    email = Email()
    log = LoggingContext()

    @handles(identity.EMAIL_VERIFICATION_REQUESTED)
    def on_email_verification_requested(self, event):
        link = f"{Config().public_base_url}/verify-email?token={event['link_token']}"
        rendered = templates.render(
            EMAIL_VERIFICATION, event["language"], first_name=event["first_name"],
            code=event["code"], link=link,
            expires_local=event["expires_at"].astimezone(WARSAW).strftime("%Y-%m-%d %H:%M"))
        message = delivery.queue_email(
            self.db, cause_id=str(event["event_id"]), message_type=EMAIL_VERIFICATION,
            recipient=event["email"], account_id=str(event["account_id"]), rendered=rendered)
        if message is None:
            return
        self.db.commit()
        status = delivery.send_email(self.db, self.email, message.id)
        self.log.info("email_verification_sent", message_id=message.id, status=status)
