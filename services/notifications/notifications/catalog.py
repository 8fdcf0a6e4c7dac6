"""Every message type the platform sends, in one place: its channels, urgency, limits and a
sample context (for staff previews and tests).

Templates live in `templates/<type>.<language>.txt` (blocks: subject, text, sms, push_title,
push_body; plain text) and `templates/<type>.<language>.html` (the e-mail's HTML, autoescaped).
"""
from dataclasses import dataclass, field

EMAIL, SMS, PUSH = "email", "sms", "push"
CHANNELS = (EMAIL, SMS, PUSH)


@dataclass(frozen=True)
class MessageType:
    name: str
    channels: tuple[str, ...]
    urgent: bool = False       # urgent messages (codes, links) ignore quiet hours
    rate_limited: bool = False  # one-time codes: at most N per person, channel and hour
    sample: dict = field(default_factory=dict, compare=False)


_LINK = "https://portal.example/verify-email?token=sample-token"
EMAIL_VERIFICATION = MessageType(
    "email_verification", (EMAIL,), urgent=True, rate_limited=True,
    sample={"first_name": "Anna", "code": "123456", "link": _LINK, "expires_local": "2026-03-01 12:00"})
PHONE_VERIFICATION = MessageType(
    "phone_verification", (SMS,), urgent=True, rate_limited=True,
    sample={"code": "654321", "expires_local": "2026-03-01 12:00"})
PASSWORD_RESET = MessageType(
    "password_reset", (EMAIL,), urgent=True, rate_limited=True,
    sample={"first_name": "Anna", "link": "https://portal.example/reset-password?token=sample",
            "expires_local": "2026-03-01 12:00"})
INSTALLMENT_DUE = MessageType(
    "installment_due", (EMAIL, SMS, PUSH),
    sample={"first_name": "Anna", "tax_type": "property_tax", "amount_grosze": 123456,
            "due_date": "2026-03-15", "account_number": "61109010140000071219812874",
            "title": "Podatek od nieruchomości 2026, rata 1",
            "payment_link": "https://portal.example/pay?installment=sample"})
REMINDER_NOTICE = MessageType(
    "reminder_notice", (EMAIL, SMS, PUSH),
    sample={"first_name": "Anna", "tax_type": "property_tax", "outstanding_grosze": 123456,
            "cost_grosze": 1600, "due_date": "2026-03-15",
            "account_number": "61109010140000071219812874",
            "payment_link": "https://portal.example/pay"})
PAYMENT_POSTED = MessageType(
    "payment_posted", (EMAIL, SMS, PUSH),
    sample={"first_name": "Anna", "amount_grosze": 50000, "overpayment_grosze": 0,
            "link": "https://portal.example/payments"})
UPO_RECEIPT = MessageType(
    "upo_receipt", (EMAIL,),
    sample={"first_name": "Anna", "form_code": "IN-1", "upo_reference": "UPO-2026-000123",
            "link": "https://portal.example/cases/sample"})
LETTER_SENT = MessageType(
    "letter_sent", (EMAIL, SMS, PUSH),
    sample={"first_name": "Anna", "subject_line": "Wezwanie do złożenia wyjaśnień",
            "link": "https://portal.example/letters/sample"})
CASE_STATUS_CHANGED = MessageType(
    "case_status_changed", (EMAIL, PUSH),
    sample={"first_name": "Anna", "form_code": "IN-1", "new_status": "accepted",
            "link": "https://portal.example/cases/sample"})

MESSAGE_TYPES = {t.name: t for t in (
    EMAIL_VERIFICATION, PHONE_VERIFICATION, PASSWORD_RESET, INSTALLMENT_DUE, REMINDER_NOTICE,
    PAYMENT_POSTED, UPO_RECEIPT, LETTER_SENT, CASE_STATUS_CHANGED)}
