"""Drafts: start (prefilled), save a step with validation, move back and forth, summarise.
A draft persists across devices and expires when abandoned (DRAFT_TTL_DAYS after its last save)."""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from stdnum.exceptions import ValidationError as StdnumError

from declarations import attachments, computations, formdefs, pdf, wizard
from declarations.models import Attachment, Draft
from portal_shared.config import Config
from portal_shared.errors import NotFound, ValidationFailed
from portal_shared.identifiers import valid_nip, valid_pesel


def _now() -> datetime:
    return datetime.now(UTC)


def _expiry(now: datetime) -> datetime:
    return now + timedelta(days=Config().draft_ttl_days)


def subject_of(actor: dict, subject: str | None, form: dict) -> str:
    subject = subject or actor.get("pesel")
    kind = "pesel" if subject and len(subject) == 11 else "nip"
    try:
        (valid_pesel if kind == "pesel" else valid_nip)(subject or "")
    except (StdnumError, ValueError):
        raise ValidationFailed({"subject": ["subject.invalid"]}) from None
    if kind not in form["subject_kinds"]:
        raise ValidationFailed({"subject": ["form.subject_kind"]})
    return subject


def start(session, actor: dict, form: dict, subject: str, account: dict | None) -> Draft:
    now = _now()
    own = subject == actor.get("pesel")
    draft = Draft(account_id=str(actor["account_id"]), subject=subject, form_code=form["code"],
                  form_version=str(form["version"]),
                  data=wizard.prefill(form, subject, account if own else None), saved_steps=[],
                  current_step=form["steps"][0]["id"], status="open", created_at=now, updated_at=now,
                  expires_at=_expiry(now))
    session.add(draft)
    session.flush()
    return draft


def get(session, actor: dict, draft_id, lock: bool = False) -> Draft:
    query = sa.select(Draft).where(Draft.id == str(draft_id), Draft.account_id == str(actor["account_id"]))
    draft = session.scalar(query.with_for_update() if lock else query)
    if draft is None or (draft.status == "open" and draft.expires_at <= _now()):
        raise NotFound()
    return draft


def get_open(session, actor: dict, draft_id, lock: bool = False) -> Draft:
    draft = get(session, actor, draft_id, lock)
    if draft.status != "open":
        raise ValidationFailed({"draft_id": ["draft.not_open"]})
    return draft


def listing(session, actor: dict) -> list[Draft]:
    return session.scalars(sa.select(Draft).where(
        Draft.account_id == str(actor["account_id"]), Draft.status == "open", Draft.expires_at > _now())
        .order_by(Draft.updated_at.desc())).all()


def attachments_of(session, draft: Draft) -> dict[str, dict]:
    found = session.scalars(sa.select(Attachment).where(Attachment.draft_id == draft.id)).all()
    return {a.id: attachments.view(a) for a in found}


def save_step(session, draft: Draft, form: dict, step_id: str, values: dict) -> Draft:
    step = formdefs.step(form, step_id)
    if step is None:
        raise ValidationFailed({"step": ["step.unknown"]})
    context = {"attachment_ids": set(attachments_of(session, draft))}
    data, errors = wizard.save_step(form, step, values, draft.data, context)
    if errors:
        raise ValidationFailed(errors)
    now = _now()
    draft.data = data
    draft.saved_steps = sorted({*draft.saved_steps, step_id}, key=_order(form))
    draft.current_step = _neighbour(form, step_id, +1) or step_id
    draft.updated_at, draft.expires_at = now, _expiry(now)
    return draft


def _order(form: dict):
    ids = [s["id"] for s in form["steps"]]
    return ids.index


def _neighbour(form: dict, step_id: str | None, offset: int) -> str | None:
    ids = [s["id"] for s in form["steps"]]
    if step_id not in ids:
        return None
    index = ids.index(step_id) + offset
    return ids[index] if 0 <= index < len(ids) else None


def step_states(session, draft: Draft, form: dict, language: str) -> tuple[list[dict], bool]:
    errors = wizard.step_errors(form, draft.data, {"attachment_ids": set(attachments_of(session, draft))})
    states = []
    for step in form["steps"]:
        saved = step["id"] in draft.saved_steps
        status = "todo" if not saved else ("invalid" if errors[step["id"]] else "done")
        states.append({"id": step["id"], "title": formdefs.text(step["title"], language),
                       "section": step.get("section"), "status": status,
                       "fields": [{**formdefs.field_view(f, language), "visible": wizard.visible(f, draft.data)}
                                  for f in step["fields"]],
                       "errors": errors[step["id"]] if saved else {}})
    return states, all(state["status"] == "done" for state in states)


def view(session, draft: Draft, language: str, declaration_id: str | None = None) -> dict:
    form = formdefs.get(draft.form_code, draft.form_version)
    states, complete = step_states(session, draft, form, language)
    for state in states:
        state.pop("errors")
    return {"draft_id": draft.id, "form_code": draft.form_code, "form_version": draft.form_version,
            "title": formdefs.text(form["title"], language), "subject": draft.subject,
            "status": draft.status, "current_step": draft.current_step,
            "next_step": _neighbour(form, draft.current_step, +1),
            "previous_step": _neighbour(form, draft.current_step, -1), "steps": states,
            "values": draft.data, "computed": computations.compute(form, draft.data),
            "attachments": list(attachments_of(session, draft).values()), "complete": complete,
            "signing_methods": list(form["signing_methods"]), "expires_at": draft.expires_at,
            "updated_at": draft.updated_at, "declaration_id": declaration_id}


def require_complete(session, draft: Draft, form: dict) -> None:
    states, complete = step_states(session, draft, form, "pl")
    if not complete:
        fields = {state["id"]: state["errors"] or ["draft.incomplete"]
                  for state in states if state["status"] != "done"}
        raise ValidationFailed(fields, "draft.incomplete")


def summary(session, draft: Draft, language: str) -> dict:
    form = formdefs.get(draft.form_code, draft.form_version)
    _, complete = step_states(session, draft, form, language)
    return {"draft_id": draft.id, "form_code": draft.form_code, "title": formdefs.text(form["title"], language),
            "sections": pdf.sections(form, draft.data, language),
            "computed": computations.compute(form, draft.data), "complete": complete,
            "signing_methods": list(form["signing_methods"])}


def expire(session, now: datetime | None = None) -> int:
    """Delete abandoned drafts (and their attachments: nothing was submitted)."""
    now = now or _now()
    stale = sa.select(Draft.id).where(Draft.status == "open", Draft.expires_at <= now)
    session.execute(sa.delete(Attachment).where(Attachment.draft_id.in_(stale), Attachment.case_id.is_(None)))
    return session.execute(sa.delete(Draft).where(Draft.status == "open", Draft.expires_at <= now)).rowcount


def delete_for_account(session, account_id: str) -> int:
    """identity deleted the account: its drafts go; what it submitted stays (the taxpayer's)."""
    open_drafts = sa.select(Draft.id).where(Draft.account_id == account_id, Draft.status == "open")
    session.execute(sa.delete(Attachment).where(Attachment.draft_id.in_(open_drafts)))
    return session.execute(sa.delete(Draft).where(Draft.account_id == account_id,
                                                  Draft.status == "open")).rowcount


def delete_draft(session, draft: Draft) -> None:
    session.execute(sa.delete(Attachment).where(Attachment.draft_id == draft.id, Attachment.case_id.is_(None)))
    session.delete(draft)
