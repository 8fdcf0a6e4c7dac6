"""Every message type the platform sends, in one place: its channel and urgency.

Templates live in `templates/<type>.<language>.{subject.txt,txt,html}`.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class MessageType:
    name: str
    channel: str
    urgent: bool  # urgent messages (codes) ignore quiet hours


EMAIL_VERIFICATION = MessageType("email_verification", "email", urgent=True)

MESSAGE_TYPES = {t.name: t for t in (EMAIL_VERIFICATION,)}
