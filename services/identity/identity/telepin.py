"""telePIN (seed 003): the helpline identifies a caller by phone number and telePIN.

Policy (identity-rules.md): exactly 6 digits; not all identical (111111); no ascending or
descending sequence (123456, 654321); entered twice. Only an `authenticated` account may set,
change or disable it. Stored as argon2id. Verification is for helpline staff (role
`consultant`): one refusal for an unknown number, a wrong PIN and a blocked telePIN, so the
answer tells nothing; after 3 wrong tries the telePIN is blocked until its owner sets a new one.
Every try is audited.
"""
import re
from datetime import UTC, datetime

import sqlalchemy as sa

from identity import accounts, audit, callers, mandates, passwords
from identity.models import Account, TelePin
from portal_shared.authz import require_role
from portal_shared.errors import Forbidden, Unauthorized, ValidationFailed

LENGTH = 6
MAX_WRONG_TRIES = 3


def policy_errors(pin: str, repeated: str) -> dict:
    errors = {}
    if not re.fullmatch(rf"\d{{{LENGTH}}}", pin):
        errors["telepin"] = ["telepin.format"]
    elif len(set(pin)) == 1:
        errors["telepin"] = ["telepin.identical_digits"]
    elif _is_run(pin):
        errors["telepin"] = ["telepin.sequence"]
    if pin != repeated:
        errors["telepin_repeated"] = ["telepin.mismatch"]
    return errors


def _is_run(pin: str) -> bool:
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    return steps in ({1}, {-1})


def status(session, account_id: str) -> dict:
    pin = session.get(TelePin, str(account_id))
    state = "not_set" if pin is None else ("blocked" if pin.blocked_at else "active")
    return {"status": state, "set_at": pin.set_at if pin else None}


def set_pin(uow, account_id: str, pin: str, pin_repeated: str, source: str | None = None) -> dict:
    account = _authenticated_account(uow.session, account_id)
    if errors := policy_errors(pin, pin_repeated):
        raise ValidationFailed(errors)
    existing = uow.session.get(TelePin, account.id, with_for_update=True)
    now = datetime.now(UTC)
    if existing is None:
        uow.session.add(TelePin(account_id=account.id, pin_hash=passwords.hash_password(pin),
                                failed_attempts=0, set_at=now))
    else:
        existing.pin_hash, existing.failed_attempts = passwords.hash_password(pin), 0
        existing.set_at, existing.blocked_at = now, None
    audit.record(uow.session, "telepin_changed" if existing else "telepin_set", actor=account.id,
                 subject=account.id, source=source)
    uow.session.flush()
    return status(uow.session, account.id)


def disable(uow, account_id: str, source: str | None = None) -> dict:
    account = _authenticated_account(uow.session, account_id)
    deleted = uow.session.execute(sa.delete(TelePin).where(TelePin.account_id == account.id)).rowcount
    if deleted:
        audit.record(uow.session, "telepin_disabled", actor=account.id, subject=account.id,
                     source=source)
    return status(uow.session, account.id)


def _authenticated_account(session, account_id: str) -> Account:
    account = session.get(Account, str(account_id))
    if account is None or account.level != "authenticated":
        raise Forbidden("level.authenticated_required")
    return account


def identify(uow, actor: dict, phone: str, pin: str, source: str | None = None) -> dict:
    """The helpline: who is calling from `phone` with `pin`, and for whom they may act."""
    require_role(actor, "consultant")
    session = uow.session
    candidates = session.execute(
        sa.select(Account, TelePin).join(TelePin, TelePin.account_id == Account.id)
        .where(Account.phone == phone, Account.level == "authenticated")
        .with_for_update(of=TelePin)).all()
    usable = [(account, telepin) for account, telepin in candidates if telepin.blocked_at is None]
    matched = [account for account, telepin in usable if passwords.verify_password(telepin.pin_hash, pin)]
    if not usable:
        passwords.verify_password(passwords.DUMMY_HASH, pin)  # the same cost as a real try
    if len(matched) == 1:
        return _identified(session, actor, matched[0], usable, phone, source)
    _refuse(uow, actor, candidates, usable, phone, source)


def _identified(session, actor, account, usable, phone, source) -> dict:
    for _, telepin in usable:
        if telepin.account_id == account.id:
            telepin.failed_attempts = 0
    audit.record(session, "telepin_try", actor=str(actor["account_id"]), subject=account.id,
                 source=source, outcome="identified", phone=phone)
    principals = mandates.principals_of(session, account.id)
    registered = accounts.view(account)
    return {**{key: registered[key] for key in ("account_id", "first_name", "last_name", "pesel", "phone",
                                                "address", "email", "level")},
            "principals": principals, **callers.grant(session, str(actor["account_id"]), account, principals)}


def _refuse(uow, actor, candidates, usable, phone, source):
    """Count the wrong try against every telePIN it was tried on; commit, then refuse."""
    now = datetime.now(UTC)
    for _, telepin in usable:
        telepin.failed_attempts += 1
        if telepin.failed_attempts >= MAX_WRONG_TRIES:
            telepin.blocked_at = now
            audit.record(uow.session, "telepin_blocked", actor="system", subject=telepin.account_id)
    reason = "wrong_pin" if usable else ("blocked" if candidates else "unknown_number")
    audit.record(uow.session, "telepin_try", actor=str(actor["account_id"]),
                 subject=candidates[0][0].id if len(candidates) == 1 else None, source=source,
                 outcome=reason, phone=phone, accounts=[a.id for a, _ in candidates])
    uow.commit()  # the count and the audit must stick although we answer with an error
    raise Unauthorized("telepin.refused")
