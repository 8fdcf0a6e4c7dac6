"""The e-mail channel: a real SMTP conversation (STARTTLS and login in production).

Failures are typed: a temporary one may succeed if tried again later, a permanent one won't.
"""
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from portal_shared.config import Config


class DeliveryError(Exception):
    pass


class TemporaryFailure(DeliveryError):
    pass


class PermanentFailure(DeliveryError):
    pass


class SmtpClient:
    def __init__(self, config: Config):
        self.host, self.port = config.smtp_host, config.smtp_port
        self.user, self.password = config.smtp_user, config.smtp_password
        self.starttls = config.smtp_starttls
        self.sender = config.mail_from

    def build(self, recipient: str, subject: str, text: str, html: str | None,
              message_id: str, attachments=()) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = recipient
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(idstring=message_id, domain="portal.local")
        message.set_content(text)
        if html:
            message.add_alternative(html, subtype="html")
        for filename, content_type, data in attachments:
            maintype, subtype = content_type.split("/", 1)
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        return message

    def send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=15) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
        except smtplib.SMTPResponseException as exc:
            failure = PermanentFailure if 500 <= exc.smtp_code < 600 else TemporaryFailure
            raise failure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(str(exc.recipients)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(str(exc)) from exc
