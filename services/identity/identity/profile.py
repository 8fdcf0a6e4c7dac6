""""Update data" (seed 004): address, phone, e-mail, language and consents after login.

Every change is audited with its old value. A new e-mail goes through e-mail verification
again and the old address is told (`email_changed`); a new phone is verified by SMS and
replaces the old number only then. Both need the current password: they are how the account
is recovered and how the helpline identifies a caller.
"""
import sqlalchemy as sa

from identity import audit, email_verification, password_reset, phone_verification, sessions
from identity.models import Account
from portal_shared.contracts import identity as contract
from portal_shared.errors import Forbidden, ValidationFailed

ADDRESS_FIELDS = ("street", "building", "flat", "postal_code", "city")


def update(uow, token: str, changes: dict, client_address: str | None) -> Account:
    current = sessions.current_session(uow, token)
    account = uow.session.get(Account, current.account_id, with_for_update=True)
    if account.demo:
        raise Forbidden("demo.read_only")
    new_email = _changed_email(uow.session, account, changes.get("email"))
    new_phone = changes.get("phone") if changes.get("phone") not in (None, account.phone) else None
    if new_email or new_phone:
        if not changes.get("current_password"):
            raise ValidationFailed({"current_password": ["password.current_required"]})
        password_reset.confirm_password(uow, account, changes["current_password"], client_address)

    def record(field: str, old, new) -> None:
        audit.record(uow.session, "profile_changed", actor=account.id, subject=account.id,
                     source=client_address, field=field, old_value=old, new_value=new)

    if "address" in changes:
        _update_address(account, changes["address"], record)
    for field in ("language", "consent_e_correspondence"):
        if field in changes and getattr(account, field) != changes[field]:
            record(field, getattr(account, field), changes[field])
            setattr(account, field, changes[field])
    if new_email:
        record("email", account.email, new_email)
        uow.emit(contract.EMAIL_CHANGED, account_id=account.id, old_email=account.email, new_email=new_email,
                 first_name=account.first_name, language=account.language)
        account.email, account.email_verified_at = new_email, None
        if account.level == "email_verified":  # the level stood for the old address
            record("level", account.level, "registered")
            account.level = "registered"
        email_verification.start(uow, account)
    if new_phone:
        record("phone_requested", account.phone, new_phone)
        phone_verification.start(uow, account, new_phone)
    return account


def _update_address(account: Account, address: dict, record) -> None:
    old = {field: getattr(account, field) for field in ADDRESS_FIELDS}
    new = {field: address.get(field) for field in ADDRESS_FIELDS}
    if old != new:
        record("address", old, new)
        for field, value in new.items():
            setattr(account, field, value)


def _changed_email(session, account: Account, email: str | None) -> str | None:
    if email is None or email.lower() == account.email.lower():
        return None
    taken = session.scalar(sa.select(Account.id).where(
        sa.func.lower(Account.email) == email.lower(), Account.id != account.id))
    if taken:
        raise ValidationFailed({"email": ["email.taken"]})
    return email
