"""Staff finding a taxpayer and reading their registration record (tax officers; audited)."""
import sqlalchemy as sa
from sqlalchemy.orm import Session

from identity import accounts, audit, levels, mandates, telepin
from identity.models import Account, Mandate
from portal_shared.authz import require_role
from portal_shared.errors import ValidationFailed

STAFF_ROLES = ("tax_officer",)
MAX_FOUND = 50


def find(session: Session, actor: dict, pesel: str | None, nip: str | None, name: str | None) -> list[dict]:
    """Accounts by PESEL, by a name (all its words, any order), or the agents acting for a NIP."""
    require_role(actor, *STAFF_ROLES)
    if not (pesel or nip or name):
        raise ValidationFailed({"query": ["lookup.query_required"]})
    query = sa.select(Account).where(Account.demo.is_(False))
    if pesel:
        query = query.where(Account.pesel == pesel)
    if nip:
        query = query.where(Account.id.in_(sa.select(Mandate.agent_account_id).where(Mandate.principal == nip)))
    for word in (name or "").split():
        pattern = f"%{word}%"
        query = query.where(sa.or_(Account.first_name.ilike(pattern), Account.last_name.ilike(pattern)))
    found = session.scalars(query.order_by(Account.last_name, Account.first_name).limit(MAX_FOUND)).all()
    audit.record(session, "staff_find_taxpayer", actor=str(actor["account_id"]), source="staff",
                 pesel=pesel, nip=nip, name=name, found=len(found))
    return [_row(account) for account in found]


def _row(account: Account) -> dict:
    return {"account_id": account.id, "pesel": account.pesel, "first_name": account.first_name,
            "last_name": account.last_name, "city": account.city, "level": account.level}


def record(session: Session, actor: dict, account_id: str) -> dict:
    """Registration data, authentications, telePIN status and mandates of one account."""
    require_role(actor, *STAFF_ROLES)
    account = accounts.get(session, account_id)
    audit.record(session, "staff_read_taxpayer", actor=str(actor["account_id"]), subject=account.id,
                 source="staff")
    return {"account": accounts.view(account), "authentications": levels.history(session, account.id),
            "telepin": telepin.status(session, account.id), "mandates": mandates.of_account(session, account)}
