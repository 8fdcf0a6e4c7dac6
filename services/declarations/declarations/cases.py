"""Cases: every submission opens one. received -> in_review -> needs_completion (the office
asks; the taxpayer answers inside the case, which puts it back in review) -> accepted or
rejected. Acceptance emits the form's effect for ledger or identity."""
from datetime import UTC, datetime

import sqlalchemy as sa

from declarations import effects
from declarations.models import Attachment, Case, CaseEntry, Declaration, Upo
from portal_shared.contracts import declarations as contract
from portal_shared.errors import NotFound, ValidationFailed

TRANSITIONS = {
    "received": {"in_review", "rejected"},
    "in_review": {"needs_completion", "accepted", "rejected"},
    "needs_completion": {"in_review", "accepted", "rejected"},
    "accepted": set(),
    "rejected": set(),
}


def open_case(uow, declaration: Declaration) -> Case:
    now = declaration.received_at
    case = Case(declaration_id=declaration.id, account_id=declaration.account_id, subject=declaration.subject,
                form_code=declaration.form_code, status="received", created_at=now, updated_at=now)
    uow.session.add(case)
    uow.session.flush()
    _record(uow, case, None, "received", "office", None, None)
    return case


def _record(uow, case: Case, old: str | None, new: str, author: str, actor_id, text):
    uow.session.add(CaseEntry(case_id=case.id, at=datetime.now(UTC), kind="status", author=author,
                              actor_account_id=actor_id, old_status=old, new_status=new, text=text,
                              attachment_ids=[]))
    uow.emit(contract.CASE_STATUS_CHANGED, case_id=case.id, account_id=case.account_id,
             form_code=case.form_code, old_status=old, new_status=new)


def _visible_to(actor: dict):
    """The submitter's cases, and those filed in the actor's own name by an agent."""
    mine = Case.account_id == str(actor["account_id"])
    return sa.or_(mine, Case.subject == actor["pesel"]) if actor.get("pesel") else mine


def for_actor(session, actor: dict, case_id) -> Case:
    case = session.scalar(sa.select(Case).where(Case.id == str(case_id), _visible_to(actor)))
    if case is None:
        raise NotFound()
    return case


def attachment_for_actor(session, actor: dict, attachment_id) -> Attachment:
    """One's own upload, or a file of a case one may see."""
    found = session.get(Attachment, str(attachment_id))
    if found is None:
        raise NotFound()
    if found.account_id == str(actor["account_id"]):
        return found
    case_ids = sa.select(Case.id).where(_visible_to(actor))
    declared = sa.select(Declaration.draft_id).join(Case, Case.declaration_id == Declaration.id) \
        .where(_visible_to(actor))
    if found.case_id and session.scalar(case_ids.where(Case.id == found.case_id)):
        return found
    if found.draft_id and session.scalar(declared.where(Declaration.draft_id == found.draft_id)):
        return found
    raise NotFound()


def for_account(session, actor: dict) -> list[Case]:
    return session.scalars(sa.select(Case).where(_visible_to(actor)).order_by(Case.created_at.desc())).all()


def of_subject(session, subject: str) -> list[Case]:
    """The cases of a PESEL or NIP (staff: the caller checks who may see them)."""
    return session.scalars(sa.select(Case).where(Case.subject == subject).order_by(Case.created_at.desc())).all()


def by_id(session, case_id, lock: bool = False) -> Case:
    query = sa.select(Case).where(Case.id == str(case_id))
    case = session.scalar(query.with_for_update() if lock else query)
    if case is None:
        raise NotFound()
    return case


def change_status(uow, case: Case, new_status: str, officer_id: str, note: str | None) -> Case:
    if new_status not in TRANSITIONS[case.status]:
        raise ValidationFailed({"status": ["case.transition"]})
    old = case.status
    case.status, case.updated_at = new_status, datetime.now(UTC)
    _record(uow, case, old, new_status, "office", officer_id, note)
    if new_status == "accepted":
        declaration = uow.session.get(Declaration, case.declaration_id)
        uow.emit(contract.DECLARATION_ACCEPTED, declaration_id=declaration.id, case_id=case.id,
                 form_code=declaration.form_code, submitter_account_id=declaration.account_id,
                 subject=declaration.subject, **effects.of(declaration))
    return case


def answer(uow, case: Case, actor: dict, text: str, attachment_ids: list) -> Case:
    """The taxpayer completes the case; it goes back to review."""
    if case.status != "needs_completion":
        raise ValidationFailed({"text": ["case.not_awaiting_answer"]})
    ids = [str(i) for i in attachment_ids]
    if ids:
        owned = set(uow.session.scalars(sa.select(Attachment.id).where(
            Attachment.id.in_(ids), Attachment.case_id == case.id)))
        if owned != set(ids):
            raise ValidationFailed({"attachment_ids": ["field.attachment_unknown"]})
    uow.session.add(CaseEntry(case_id=case.id, at=datetime.now(UTC), kind="answer", author="taxpayer",
                              actor_account_id=str(actor["account_id"]), text=text, attachment_ids=ids))
    old = case.status
    case.status, case.updated_at = "in_review", datetime.now(UTC)
    _record(uow, case, old, "in_review", "taxpayer", str(actor["account_id"]), None)
    return case


def view(session, case: Case, letters: list[dict] | None = None) -> dict:
    entries = session.scalars(sa.select(CaseEntry).where(CaseEntry.case_id == case.id)
                              .order_by(CaseEntry.id)).all()
    upo = session.get(Upo, case.declaration_id)
    declaration = session.get(Declaration, case.declaration_id)
    owners = [Attachment.case_id == case.id]
    if declaration.draft_id:
        owners.append(Attachment.draft_id == declaration.draft_id)
    files = session.scalars(sa.select(Attachment).where(sa.or_(*owners)).order_by(Attachment.created_at)).all()
    documents = [{"kind": "declaration_pdf", "declaration_id": case.declaration_id},
                 {"kind": "upo_xml", "reference": upo.reference},
                 {"kind": "upo_pdf", "reference": upo.reference}]
    documents += [{"kind": "attachment", "attachment_id": f.id, "filename": f.filename, "sha256": f.sha256}
                  for f in files]
    return {"case_id": case.id, "declaration_id": case.declaration_id, "form_code": case.form_code,
            "subject": case.subject, "status": case.status, "upo_reference": upo.reference,
            "created_at": case.created_at, "updated_at": case.updated_at,
            "history": [{"at": e.at.isoformat(), "kind": e.kind, "author": e.author, "old_status": e.old_status,
                         "new_status": e.new_status, "text": e.text, "attachment_ids": e.attachment_ids}
                        for e in entries],
            "documents": documents, "letters": letters or []}
