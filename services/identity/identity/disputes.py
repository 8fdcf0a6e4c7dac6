"""PESEL disputes (seed 004): someone registered another person's PESEL.

The real owner shows their ID at the office; a tax officer deletes the wrong account. Its
sessions, verification records, telePIN and the mandates it is party to go with it (the
foreign keys cascade); the audit trail stays (it names the account by id only). Other
services hear `account_deleted` and remove what belonged to the account. The PESEL is free
again, so the real owner can register.
"""
import sqlalchemy as sa

from identity import audit, in_person, levels
from identity.models import Mandate
from portal_shared.authz import require_role
from portal_shared.contracts import identity as contract
from portal_shared.errors import Conflict


def delete_wrong_account(uow, actor: dict, account_id: str, pesel: str, document_kind: str,
                         document_number: str, note: str, source: str | None = None) -> dict:
    """`pesel`, `document_*`: from the real owner's document the officer has seen."""
    require_role(actor, "tax_officer")
    session = uow.session
    account = levels.locked_account(session, account_id)
    levels.require_pesel_match(account, pesel, "pesel")
    if account.level == "authenticated":
        # It proved the PESEL (trusted profile, signature or at the office): not a dispute case.
        raise Conflict("dispute.account_authenticated")
    mandates_removed = session.execute(sa.delete(Mandate).where(sa.or_(
        Mandate.agent_account_id == account.id, Mandate.granted_by_account_id == account.id))).rowcount
    audit.record(session, "account_deleted", actor=str(actor["account_id"]), subject=account.id,
                 source=source, reason="pesel_dispute", login=account.login, note=note[:500],
                 mandates_removed=mandates_removed,
                 owner_document=in_person.document_evidence(document_kind, document_number))
    session.delete(account)
    uow.emit(contract.ACCOUNT_DELETED, account_id=account.id, pesel=account.pesel,
             reason="pesel_dispute")
    return {"account_id": account.id, "deleted": True}
