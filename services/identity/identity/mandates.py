"""Representation (seeds 001, 003): mandates that let an agent act for a principal.

A mandate names a principal (PESEL of a person or NIP of a company), the agent's account,
its kind (general attorney; organisation account user, for a NIP only), scopes (`view`, `pay`,
`submit`) and a period of validity in Polish dates. It is granted when the office accepts an
authorisation form (the declarations service says so in an event) or by a tax officer, and
revoked by the principal, the agent or staff. `authorize` is the check behind
`portal_shared.authz.require`.
"""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from identity import audit
from identity.models import Account, Mandate
from portal_shared.authz import SCOPES
from portal_shared.errors import NotFound, ValidationFailed
from portal_shared.identifiers import valid_nip, valid_pesel

POLAND = ZoneInfo("Europe/Warsaw")
STAFF_ROLES = ("tax_officer", "admin")


def today() -> date:
    return datetime.now(POLAND).date()


def grant(uow, *, principal: str, principal_name: str, agent_account_id: str, kind: str,
          scopes: list[str], valid_from: date, valid_to: date | None, granted_by: str,
          actor: str, granted_by_account_id: str | None = None,
          source_declaration_id: str | None = None, source: str | None = None) -> Mandate:
    _check_grant(uow.session, principal, agent_account_id, kind, scopes, valid_from, valid_to)
    mandate = Mandate(principal=principal, principal_name=principal_name.strip(),
                      agent_account_id=str(agent_account_id), kind=kind, scopes=sorted(set(scopes)),
                      valid_from=valid_from, valid_to=valid_to, granted_by=granted_by,
                      granted_by_account_id=granted_by_account_id,
                      source_declaration_id=source_declaration_id)
    uow.session.add(mandate)
    uow.session.flush()
    audit.record(uow.session, "mandate_granted", actor=actor, subject=principal, source=source,
                 mandate_id=mandate.id, agent=mandate.agent_account_id, kind=kind,
                 scopes=mandate.scopes, valid_from=valid_from.isoformat(),
                 valid_to=valid_to.isoformat() if valid_to else None, granted_by=granted_by)
    return mandate


def grant_from_declaration(uow, event: dict) -> Mandate | None:
    """The office accepted an authorisation form: the mandate it carries takes effect."""
    grant_data = event["mandate"]
    if grant_data is None:
        return None
    declaration_id = str(event["declaration_id"])
    existing = uow.session.scalar(sa.select(Mandate).where(Mandate.source_declaration_id == declaration_id))
    if existing is not None:
        return existing
    submitter = str(event["submitter_account_id"])
    return grant(uow, principal=grant_data["principal"], principal_name=grant_data["principal_name"],
                 agent_account_id=str(grant_data["agent_account_id"]), kind=grant_data["kind"],
                 scopes=grant_data["scopes"], valid_from=grant_data["valid_from"],
                 valid_to=grant_data["valid_to"], granted_by=f"declaration:{declaration_id}",
                 granted_by_account_id=submitter if uow.session.get(Account, submitter) else None,
                 source_declaration_id=declaration_id, actor="declarations", source="declarations")


def _check_grant(session, principal, agent_account_id, kind, scopes, valid_from, valid_to) -> None:
    errors = {}
    if kind == "organisation_user" and not _is_nip(principal):
        errors["principal"] = ["mandate.organisation_needs_nip"]
    elif not (_is_nip(principal) or _is_pesel(principal)):
        errors["principal"] = ["mandate.principal_invalid"]
    if not scopes or set(scopes) - set(SCOPES):
        errors["scopes"] = ["mandate.scopes_invalid"]
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = ["mandate.period_invalid"]
    agent = session.get(Account, str(agent_account_id))
    if agent is None:
        errors["agent_account_id"] = ["mandate.agent_unknown"]
    elif agent.pesel == principal:
        errors["agent_account_id"] = ["mandate.agent_is_principal"]
    if errors:
        raise ValidationFailed(errors)


def _is_pesel(value: str) -> bool:
    return _valid(valid_pesel, value, 11)


def _is_nip(value: str) -> bool:
    return _valid(valid_nip, value, 10)


def _valid(validator, value: str, length: int) -> bool:
    try:
        return len(value) == length and validator(value) == value
    except Exception:  # stdnum raises several kinds of ValidationError  # noqa: BLE001
        return False


def revoke(uow, actor: dict, mandate_id: str, source: str | None = None) -> Mandate:
    mandate = uow.session.get(Mandate, str(mandate_id), with_for_update=True)
    if mandate is None or not _may_revoke(actor, mandate):
        raise NotFound()  # a stranger learns nothing about a mandate's existence
    if mandate.revoked_at is None:
        mandate.revoked_at = datetime.now(UTC)
        mandate.revoked_by = str(actor["account_id"])
        audit.record(uow.session, "mandate_revoked", actor=str(actor["account_id"]),
                     subject=mandate.principal, source=source, mandate_id=mandate.id,
                     agent=mandate.agent_account_id)
    return mandate


def _may_revoke(actor: dict, mandate: Mandate) -> bool:
    if set(actor.get("roles") or ()) & set(STAFF_ROLES):
        return True
    if str(actor["account_id"]) == mandate.agent_account_id:
        return True
    # A PESEL is the principal's own only once the account proved it (level authenticated).
    return actor["level"] == "authenticated" and actor.get("pesel") == mandate.principal


def authorize(session: Session, account_id: str, subject: str, scope: str) -> dict:
    """The mandate that lets this account act for `subject` within `scope` today, if any."""
    mandate = session.scalar(_valid_mandates(account_id, scope).where(Mandate.principal == subject)
                             .order_by(Mandate.created_at).limit(1))
    return {"allowed": mandate is not None, "mandate_id": mandate.id if mandate else None}


def _valid_mandates(account_id: str, scope: str | None = None):
    on = today()
    query = (sa.select(Mandate).join(Account, Account.id == Mandate.agent_account_id)
             .where(Mandate.agent_account_id == str(account_id), Account.level == "authenticated",
                    Mandate.revoked_at.is_(None), Mandate.valid_from <= on,
                    sa.or_(Mandate.valid_to.is_(None), Mandate.valid_to >= on)))
    if scope is not None:
        query = query.where(Mandate.scopes.any(scope))
    return query


def principals_of(session: Session, account_id: str) -> list[dict]:
    """Whom this account may act for today: for the helpline and the subject switcher."""
    found = session.scalars(_valid_mandates(account_id).order_by(Mandate.principal_name)).all()
    return [{"principal": m.principal, "principal_name": m.principal_name, "kind": m.kind,
             "scopes": m.scopes, "mandate_id": m.id} for m in found]


def view(mandate: Mandate) -> dict:
    return {"mandate_id": mandate.id, "principal": mandate.principal,
            "principal_name": mandate.principal_name, "agent_account_id": mandate.agent_account_id,
            "kind": mandate.kind, "scopes": mandate.scopes, "valid_from": mandate.valid_from,
            "valid_to": mandate.valid_to, "granted_by": mandate.granted_by,
            "created_at": mandate.created_at, "revoked_at": mandate.revoked_at,
            "active": mandate.revoked_at is None and mandate.valid_from <= today()
            and (mandate.valid_to is None or mandate.valid_to >= today())}


def of_account(session: Session, account: Account) -> dict:
    """The account's mandates as agent, and (once it proved its PESEL) as principal."""
    as_agent = session.scalars(sa.select(Mandate).where(Mandate.agent_account_id == account.id)
                               .order_by(Mandate.created_at)).all()
    as_principal = []
    if account.level == "authenticated":
        as_principal = session.scalars(sa.select(Mandate).where(Mandate.principal == account.pesel)
                                       .order_by(Mandate.created_at)).all()
    return {"as_agent": [view(m) for m in as_agent], "as_principal": [view(m) for m in as_principal]}

