"""The e-mail channel: a real SMTP conversation (STARTTLS and login in production), multipart
text + HTML with attachments.

Connections are kept in a small pool and reused across batches (at most `SMTP_CONNECTIONS` at
once, as relays limit connections per client). Where the relay offers PIPELINING (RFC 2920),
MAIL, RCPT and DATA go in one write: two round trips a message instead of four."""
import contextlib
import re
import smtplib
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass
from email.utils import parseaddr

from notifications import mime
from notifications.failures import PermanentFailure, TemporaryFailure
from portal_shared.config import Config

CHECK_IDLE_AFTER = 5  # seconds: a connection idle longer is checked with NOOP before reuse
DROP_IDLE_AFTER = 60  # seconds: relays close idle sessions (Postfix after 300 s); we leave first


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
        self._slots = threading.BoundedSemaphore(config.smtp_connections)
        self._idle: deque[tuple[smtplib.SMTP, float]] = deque()  # (session, when last used)

    def build(self, recipient: str, subject: str, text: str, html: str | None,
              message_id: str, attachments=()) -> Email:
        return Email(self.envelope_from, recipient, mime.render(
            self.from_header, recipient, subject, text, html, message_id, attachments))

    @contextlib.contextmanager
    def connection(self):
        """An open, authenticated SMTP session, kept or new; raises TemporaryFailure when none can
        be had. It goes back to the pool unless it broke."""
        with self._slots:
            connection = SmtpConnection(self._kept() or self._open())
            try:
                yield connection
            except BaseException:
                connection.broken = True
                raise
            finally:
                if connection.broken:
                    _quit(connection.smtp)
                else:
                    self._idle.append((connection.smtp, time.monotonic()))

    def send(self, email: Email) -> None:
        with self.connection() as connection:
            connection.send(email)

    def close(self) -> None:
        while self._idle:
            _quit(self._idle.pop()[0])

    def _kept(self) -> smtplib.SMTP | None:
        while self._idle:
            smtp, used_at = self._idle.pop()  # the most recently used: the likeliest to be alive
            idle = time.monotonic() - used_at
            if idle < CHECK_IDLE_AFTER or (idle < DROP_IDLE_AFTER and _answers(smtp)):
                return smtp
            _quit(smtp)
        return None

    def _open(self) -> smtplib.SMTP:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=15)
        except OSError as exc:
            raise TemporaryFailure(f"connect: {exc}") from exc
        try:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context(cafile=self.ca_file))
            if self.user:
                smtp.login(self.user, self.password)
            smtp.ehlo_or_helo_if_needed()
        except (smtplib.SMTPException, OSError) as exc:
            smtp.close()
            raise classify(exc) from exc
        return smtp


def _answers(smtp: smtplib.SMTP) -> bool:
    try:
        return smtp.noop()[0] == 250
    except (smtplib.SMTPException, OSError):
        return False


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


LEADING_DOT = re.compile(rb"(?m)^\.")


def _content(email: Email) -> bytes:
    data = LEADING_DOT.sub(b"..", email.data)
    return data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b".\r\n"


def _envelope(email: Email) -> bytes:
    return f"MAIL FROM:<{email.envelope_from}>\r\nRCPT TO:<{email.recipient}>\r\nDATA\r\n".encode()


def _refusal(email: Email, replies: list[tuple[int, bytes]]) -> smtplib.SMTPResponseException | None:
    """The first refusal among the replies to MAIL, RCPT and DATA, if any."""
    (mail_code, mail_reply), (rcpt_code, rcpt_reply), (data_code, data_reply) = replies
    if mail_code != 250:
        return smtplib.SMTPSenderRefused(mail_code, mail_reply, email.envelope_from)
    if rcpt_code not in (250, 251):
        return smtplib.SMTPRecipientsRefused({email.recipient: (rcpt_code, rcpt_reply)})
    if data_code != 354:
        return smtplib.SMTPDataError(data_code, data_reply)
    return None


class SmtpConnection:
    def __init__(self, smtp: smtplib.SMTP):
        self.smtp = smtp
        self.broken = False
        self.pipelining = smtp.has_extn("pipelining")

    def send(self, email: Email) -> None:
        [failure] = self.send_all([email])
        if failure:
            raise failure

    def send_all(self, emails: list[Email]) -> list[Exception | None]:
        """Each e-mail's fate, in order: None when the relay accepted it, else a Permanent- or
        TemporaryFailure. With PIPELINING one write carries a message's content together with
        the next message's MAIL, RCPT and DATA (RFC 2920): one round trip a message."""
        if not self.pipelining:
            return [self._sendmail(email) for email in emails]
        fates: list[Exception | None] = []
        accepted_data = None  # the e-mail whose DATA got 354: its content goes with the next write
        try:
            for email in [*emails, None]:
                chunk = (_content(accepted_data) if accepted_data else b"") + (_envelope(email) if email else b"")
                if not chunk:
                    break
                self.smtp.send(chunk)
                if accepted_data:
                    code, reply = self.smtp.getreply()
                    fates.append(None if code == 250 else classify(smtplib.SMTPDataError(code, reply)))
                    accepted_data = None
                if email:
                    refusal = _refusal(email, [self.smtp.getreply() for _ in range(3)])
                    if refusal:
                        fates.append(classify(refusal))
                        self.smtp.rset()
                    else:
                        accepted_data = email
        except (smtplib.SMTPException, OSError) as exc:  # the connection broke: the rest waits
            self.broken = True
            fates += [TemporaryFailure(str(exc) or exc.__class__.__name__)] * (len(emails) - len(fates))
        return fates

    def _sendmail(self, email: Email) -> Exception | None:
        try:
            self.smtp.sendmail(email.envelope_from, [email.recipient], email.data)
        except (smtplib.SMTPException, OSError) as exc:
            if not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException):
                self.broken = True
                return TemporaryFailure(str(exc))
            try:
                self.smtp.rset()
            except (smtplib.SMTPException, OSError):
                self.broken = True
            return classify(exc)
        return None
