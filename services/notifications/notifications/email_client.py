"""The e-mail channel: a real SMTP conversation (STARTTLS and login in production), multipart
text + HTML with attachments. One connection carries a whole batch of messages."""
import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from email.utils import parseaddr

from notifications import mime
from notifications.failures import PermanentFailure, TemporaryFailure
from portal_shared.config import Config


def classify(exc: Exception) -> Exception:
    """SMTP's own verdict: 5xx is permanent, 4xx and broken connections are temporary."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        failure = PermanentFailure if all(500 <= c < 600 for c in codes) else TemporaryFailure
        return failure(str(exc.recipients))
    if isinstance(exc, smtplib.SMTPNotSupportedError):  # e.g. no AUTH offered: our configuration is wrong
        return PermanentFailure(f"relay does not support what we need: {exc}")
    if isinstance(exc, smtplib.SMTPResponseException):
        failure = PermanentFailure if 500 <= exc.smtp_code < 600 else TemporaryFailure
        return failure(f"{exc.smtp_code} {exc.smtp_error!r}")
    return TemporaryFailure(str(exc) or exc.__class__.__name__)


@dataclass(frozen=True)
class Email:
    envelope_from: str
    recipient: str
    data: bytes  # the whole RFC 5322 message, CRLF line ends


class SmtpClient:
    def __init__(self, config: Config):
        self.host, self.port = config.smtp_host, config.smtp_port
        self.user, self.password = config.smtp_user, config.smtp_password
        self.starttls = config.smtp_starttls
        self.ca_file = config.smtp_ca_file or None
        name, self.envelope_from = parseaddr(config.mail_from)
        self.from_header = mime.address(name, self.envelope_from)

    def build(self, recipient: str, subject: str, text: str, html: str | None,
              message_id: str, attachments=()) -> Email:
        return Email(self.envelope_from, recipient, mime.render(
            self.from_header, recipient, subject, text, html, message_id, attachments))

    @contextlib.contextmanager
    def connection(self):
        """An open, authenticated SMTP session; raises TemporaryFailure when it cannot be had."""
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=15)
        except OSError as exc:
            raise TemporaryFailure(f"connect: {exc}") from exc
        try:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context(cafile=self.ca_file))
            if self.user:
                smtp.login(self.user, self.password)
        except (smtplib.SMTPException, OSError) as exc:
            smtp.close()
            raise classify(exc) from exc
        try:
            yield SmtpConnection(smtp)
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()

    def send(self, email: Email) -> None:
        with self.connection() as connection:
            connection.send(email)


class SmtpConnection:
    def __init__(self, smtp: smtplib.SMTP):
        self.smtp = smtp

    def send(self, email: Email) -> None:
        try:
            self.smtp.sendmail(email.envelope_from, [email.recipient], email.data)
        except (smtplib.SMTPException, OSError) as exc:
            if not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException):
                raise TemporaryFailure(str(exc)) from exc  # the connection broke
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.rset()
            raise classify(exc) from exc
