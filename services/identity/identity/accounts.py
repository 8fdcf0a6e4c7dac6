"""Registration and the account's public view."""
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from identity import audit, captcha, email_verification, passwords, phone_verification
from identity.models import Account
from portal_shared.contracts import identity as contract
from portal_shared.errors import NotFound, ValidationFailed


def register(uow, data: dict, source: str | None = None) -> Account:
    """Create an account at level `registered` and start e-mail verification.

    Checks run in an order that leaks least: form rules first (nothing secret), then the
    CAPTCHA (spent on every try, committed even when the rest fails), then uniqueness.
    """
    errors = _form_errors(data)
    if errors:
        raise ValidationFailed(errors)
    correct = captcha.consume(uow.session, data["captcha_id"], data["captcha_answer"])
    uow.commit()
    if not correct:
        raise ValidationFailed({"captcha_answer": ["captcha.wrong"]})
    errors = _uniqueness_errors(uow.session, data)
    if errors:
        raise ValidationFailed(errors)
    account = _new_account(data)
    uow.session.add(account)
    uow.session.flush()
    audit.record(uow.session, "account_registered", actor=account.id, subject=account.id,
                 source=source)
    uow.emit(contract.ACCOUNT_REGISTERED, account_id=account.id, login=account.login,
             email=account.email, language=account.language)
    email_verification.start(uow, account)
    phone_verification.start(uow, account, account.phone, at_registration=True)
    return account


def _form_errors(data: dict) -> dict:
    errors = {}
    personal = (data["login"], data["first_name"], data["last_name"], data["email"].split("@")[0])
    if problems := passwords.policy_errors(data["password"], personal=personal):
        errors["password"] = problems
    if not data["consent_terms"]:
        errors["consent_terms"] = ["consent.terms_required"]
    return errors


def _uniqueness_errors(session: Session, data: dict) -> dict:
    errors = {}
    if session.scalar(sa.select(Account.id).where(sa.func.lower(Account.login) == data["login"].lower())):
        errors["login"] = ["login.taken"]
    if session.scalar(sa.select(Account.id).where(sa.func.lower(Account.email) == data["email"].lower())):
        errors["email"] = ["email.taken"]
    if session.scalar(sa.select(Account.id).where(Account.pesel == data["pesel"])):
        errors["pesel"] = ["pesel.unavailable"]
    return errors


def _new_account(data: dict) -> Account:
    address = data["address"]
    return Account(
        login=data["login"], email=data["email"], pesel=data["pesel"],
        first_name=data["first_name"].strip(), last_name=data["last_name"].strip(),
        street=address["street"], building=address["building"], flat=address["flat"],
        postal_code=address["postal_code"], city=address["city"], phone=data["phone"],
        password_hash=passwords.hash_password(data["password"]), language=data["language"],
        level="registered", consent_terms_at=datetime.now(UTC),
        consent_e_correspondence=data["consent_e_correspondence"], failed_logins=0, demo=False)


def get(session: Session, account_id: str) -> Account:
    account = session.get(Account, str(account_id))
    if account is None:
        raise NotFound()
    return account


def view(account: Account) -> dict:
    """The account as the `Account` contract shows it."""
    return {
        "account_id": account.id, "login": account.login, "first_name": account.first_name,
        "last_name": account.last_name, "pesel": account.pesel, "email": account.email,
        "email_verified": account.email_verified_at is not None, "phone": account.phone,
        "language": account.language, "level": account.level,
        "address": {"street": account.street, "building": account.building,
                    "flat": account.flat, "postal_code": account.postal_code,
                    "city": account.city},
        "consent_e_correspondence": account.consent_e_correspondence,
        "created_at": account.created_at,
        "phone_verified": account.phone_verified_at is not None, "demo": account.demo,
    }


def contacts(session: Session, subjects: list[str]) -> list[dict]:
    """Contact details of the accounts whose PESEL is among `subjects` (unknown ones are skipped)."""
    found = session.scalars(sa.select(Account).where(Account.pesel.in_(subjects))).all()
    return [_contact(a) for a in found]


def _contact(a: Account) -> dict:
    if a.demo:  # its number and address are made up: nothing may be sent to them
        return {"subject": a.pesel, "account_id": a.id, "first_name": a.first_name, "email": None,
                "email_verified": False, "phone": None, "phone_verified": False, "language": a.language,
                "consent_e_correspondence": False}
    return {"subject": a.pesel, "account_id": a.id, "first_name": a.first_name, "email": a.email,
            "email_verified": a.email_verified_at is not None, "phone": a.phone,
            "phone_verified": a.phone_verified_at is not None, "language": a.language,
            "consent_e_correspondence": a.consent_e_correspondence}
