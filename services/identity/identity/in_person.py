"""Authentication in person: a tax officer checked an identity document at the office."""
import re

from identity import levels, tokens
from portal_shared.authz import require_role

DOCUMENT_KINDS = ("id_card", "passport", "residence_card")


def authenticate(uow, actor: dict, account_id: str, pesel: str, document_kind: str,
                 document_number: str, source: str | None = None):
    """The officer types the PESEL and the document number from the document they hold."""
    require_role(actor, "tax_officer")
    account = levels.locked_account(uow.session, account_id)
    levels.require_pesel_match(account, pesel, "pesel")
    return levels.authenticate(
        uow, account, method="in_person", performed_by=f"staff:{actor['account_id']}",
        evidence=document_evidence(document_kind, document_number),
        actor=str(actor["account_id"]), source=source)


def document_evidence(kind: str, number: str) -> dict:
    """Enough to prove later which document was checked, without keeping its number readable."""
    compact = re.sub(r"\s", "", number).upper()
    return {"document_kind": kind, "document_number_masked": mask(compact),
            "document_number_digest": tokens.digest(f"{kind}:{compact}")}


def mask(number: str) -> str:
    return number[:3] + "*" * max(len(number) - 5, 0) + number[-2:]
