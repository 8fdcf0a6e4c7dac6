"""Identity's tables. Secrets (passwords, codes, tokens) are stored only as hashes."""
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_shared.db import outbox_tables


class Base(DeclarativeBase):
    pass


outbox_tables(Base.metadata)


def _uuid() -> str:
    return str(uuid.uuid4())


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    login: Mapped[str] = mapped_column(sa.Text)
    email: Mapped[str] = mapped_column(sa.Text)
    email_verified_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    pesel: Mapped[str] = mapped_column(sa.String(11), unique=True)
    first_name: Mapped[str] = mapped_column(sa.Text)
    last_name: Mapped[str] = mapped_column(sa.Text)
    street: Mapped[str] = mapped_column(sa.Text)
    building: Mapped[str] = mapped_column(sa.Text)
    flat: Mapped[str | None] = mapped_column(sa.Text)
    postal_code: Mapped[str] = mapped_column(sa.String(6))
    city: Mapped[str] = mapped_column(sa.Text)
    phone: Mapped[str] = mapped_column(sa.Text)
    phone_verified_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    password_hash: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(2))
    level: Mapped[str] = mapped_column(sa.Text)
    demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)  # the shared demo account (seed 001)
    consent_terms_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    consent_e_correspondence: Mapped[bool] = mapped_column(sa.Boolean)
    failed_logins: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())

    __table_args__ = (
        sa.Index("uq_accounts_login_lower", sa.func.lower(login), unique=True),
        sa.Index("uq_accounts_email_lower", sa.func.lower(email), unique=True),
    )


class Captcha(Base):
    __tablename__ = "captchas"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    answer: Mapped[str] = mapped_column(sa.Text)  # short-lived and worthless once used
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class EmailVerification(Base):
    __tablename__ = "email_verifications"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.Text)
    code_hash: Mapped[str] = mapped_column(sa.Text)
    token_hash: Mapped[str] = mapped_column(sa.Text, unique=True)
    failed_attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class Session(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.Text, unique=True)
    client_address: Mapped[str | None] = mapped_column(sa.Text)
    device_id: Mapped[str | None] = mapped_column(sa.ForeignKey("devices.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class AuditEvent(Base):
    """Append-only: the migration makes UPDATE and DELETE on this table fail."""
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    actor: Mapped[str] = mapped_column(sa.Text)
    action: Mapped[str] = mapped_column(sa.Text)
    subject: Mapped[str | None] = mapped_column(sa.Text, index=True)
    source: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict] = mapped_column(JSONB, default=dict)


# --- account life: password resets, phone verification, throttling, devices, staff ------
class PasswordReset(Base):
    __tablename__ = "password_resets"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.Text, unique=True)
    requested_from: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class PhoneVerification(Base):
    """A code sent to `phone`; the account's number changes to it only once it is verified."""
    __tablename__ = "phone_verifications"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str] = mapped_column(sa.Text, index=True)
    code_hash: Mapped[str] = mapped_column(sa.Text)
    failed_attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class Throttle(Base):
    """Failures counted under a key such as `login:anna` or `address:10.0.0.1`."""
    __tablename__ = "throttles"

    key: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    failures: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class Device(Base):
    """A registered phone: its credential (secret + PIN) and where to push notifications."""
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.Text)
    platform: Mapped[str] = mapped_column(sa.Text)
    secret_hash: Mapped[str] = mapped_column(sa.Text)
    pin_hash: Mapped[str] = mapped_column(sa.Text)
    failed_pins: Mapped[int] = mapped_column(sa.Integer, default=0)
    push_token: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    blocked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class StaffMember(Base):
    __tablename__ = "staff_members"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    login: Mapped[str] = mapped_column(sa.Text)
    full_name: Mapped[str] = mapped_column(sa.Text)
    password_hash: Mapped[str] = mapped_column(sa.Text)
    roles: Mapped[list[str]] = mapped_column(ARRAY(sa.Text))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    created_by: Mapped[str] = mapped_column(sa.Text)

    __table_args__ = (sa.Index("uq_staff_members_login_lower", sa.func.lower(login), unique=True),)


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    staff_id: Mapped[str] = mapped_column(sa.ForeignKey("staff_members.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.Text, unique=True)
    client_address: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
class Authentication(Base):
    """How, when and by whom an account was raised to `authenticated` (one row per time)."""
    __tablename__ = "authentications"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(sa.Text)  # trusted_profile, qualified_signature, in_person
    performed_by: Mapped[str] = mapped_column(sa.Text)  # the IdP, the certificate issuer, the officer
    evidence: Mapped[dict] = mapped_column(JSONB, default=dict)
    authenticated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class AuthenticationRequest(Base):
    """A started trusted-profile login or a statement to sign: binds the answer to the account."""
    __tablename__ = "authentication_requests"

    id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class TelePin(Base):
    __tablename__ = "telepins"

    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(sa.Text)  # argon2id
    failed_attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    set_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    blocked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class Mandate(Base):
    """The agent may act for the principal (PESEL or NIP) within `scopes` from `valid_from`
    to `valid_to` (inclusive, dates in Poland), until revoked."""
    __tablename__ = "mandates"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    principal: Mapped[str] = mapped_column(sa.String(11), index=True)
    principal_name: Mapped[str] = mapped_column(sa.Text)
    agent_account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.Text)
    scopes: Mapped[list[str]] = mapped_column(ARRAY(sa.Text))
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    granted_by: Mapped[str] = mapped_column(sa.Text)  # "declaration:<id>" or "staff:<account id>"
    granted_by_account_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    source_declaration_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(sa.Text)


class SessionSubject(Base):
    """Whom a session currently acts for (absent: for the account holder themself)."""
    __tablename__ = "session_subjects"

    session_id: Mapped[str] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(11))
    set_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class CallerVerification(Base):
    """A caller proved who they are to a consultant (phone + telePIN): for a short while that
    consultant may read the caller's data and their principals' within the mandates' scopes.
    Ledger and declarations ask identity before they show anything to a consultant."""
    __tablename__ = "caller_verifications"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=_uuid)
    consultant_account_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    caller_account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    subjects: Mapped[dict] = mapped_column(JSONB)  # PESEL or NIP -> scopes the consultant may use
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
