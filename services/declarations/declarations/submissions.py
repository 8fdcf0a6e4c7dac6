"""Submission: a complete draft, signed one of the allowed ways, becomes a declaration with
its UPO and a case, once per idempotency key (a double click or a retry makes one)."""
import base64
import binascii
import hashlib
import time
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from declarations import cases, computations, documents, drafts, formdefs, signing, upo
from declarations.models import Case, Declaration, Draft, Upo
from portal_shared.config import Config
from portal_shared.contracts import declarations as contract
from portal_shared.errors import Conflict, NotFound, ValidationFailed

WARSAW = ZoneInfo("Europe/Warsaw")


def document_of(session, draft: Draft) -> tuple[dict, bytes]:
    """The form document of a draft, canonical: what is signed and what the office rebuilds."""
    form = formdefs.get(draft.form_code, draft.form_version)
    root = documents.build(form, draft.id, draft.subject, Config().office_name, draft.data,
                           computations.compute(form, draft.data), drafts.attachments_of(session, draft))
    return form, documents.canonical(root)


def inputs_of(session, draft: Draft) -> tuple:
    """What `document_of` builds from: equal inputs, the same document (compared instead of
    building the document a second time)."""
    return (draft.form_code, draft.form_version, draft.subject, draft.data, drafts.attachments_of(session, draft))


def existing(session, account_id: str, idempotency_key: str) -> Declaration | None:
    return session.scalar(sa.select(Declaration).where(Declaration.account_id == account_id,
                                                       Declaration.idempotency_key == idempotency_key))


def replay(found: Declaration, draft_id) -> Declaration:
    if found.draft_id != str(draft_id):
        raise Conflict("idempotency.reused")
    return found


def signed_structure(form: dict, method: str, document: bytes, actor: dict, signed_xml_base64, signing_id,
                     trusted_profile) -> signing.Signed:
    if method not in form["signing_methods"]:
        raise ValidationFailed({"method": ["signing.method_not_allowed"]})
    if method == "session":
        return signing.confirm_in_session(document, str(actor["account_id"]))
    if method == "qualified_signature":
        if not signed_xml_base64:
            raise ValidationFailed({"signed_xml_base64": ["signing.missing"]})
        try:
            signed = base64.b64decode(signed_xml_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed({"signed_xml_base64": ["signing.invalid"]}) from None
        return signing.verify_qualified(signed, document, actor.get("pesel"))
    if not signing_id:
        raise ValidationFailed({"signing_id": ["signing.missing"]})
    return signing.verify_trusted_profile(trusted_profile.get_signed_document(signing_id), document,
                                          actor.get("pesel"))


def record(uow, keys, *, actor: dict, draft: Draft, form: dict, document: bytes, signed: signing.Signed,
           method: str, idempotency_key: str, mandate: str, submitter_name: str | None,
           watch: "Stopwatch | None" = None) -> Declaration:
    now = datetime.now(UTC)
    algorithm = upo.DEFAULT_ALGORITHM
    declaration = Declaration(
        draft_id=draft.id, account_id=str(actor["account_id"]), submitter_pesel=actor.get("pesel"),
        submitter_name=submitter_name or actor.get("pesel") or str(actor["account_id"]), subject=draft.subject,
        mandate_id=None if mandate == "self" else str(mandate), form_code=form["code"],
        form_version=str(form["version"]), data=draft.data, computed=computations.compute(form, draft.data),
        document=document, signed_structure=signed.structure, signing_method=method, signer=signed.signer,
        digest_algorithm=algorithm, document_digest=upo.digest(document, algorithm),
        structure_digest=upo.digest(signed.structure, algorithm), idempotency_key=idempotency_key,
        received_at=now)
    uow.session.add(declaration)
    draft.status = "submitted"
    uow.session.flush()
    case = cases.open_case(uow, declaration)
    with watch.measure("upo_signing") if watch else nullcontext():
        _issue_upo(uow.session, keys, declaration)
    uow.emit(contract.DECLARATION_SUBMITTED, declaration_id=declaration.id, case_id=case.id,
             form_code=declaration.form_code, form_version=declaration.form_version,
             submitter_account_id=declaration.account_id, subject=declaration.subject,
             upo_reference=uow.session.get(Upo, declaration.id).reference)
    return declaration


def _issue_upo(session, keys, declaration: Declaration) -> Upo:
    config = Config()
    issued = datetime.now(UTC)
    reference = upo.new_reference(config.office_code, declaration.received_at)
    principal = None
    if declaration.subject != declaration.submitter_pesel:
        principal = {"id": declaration.subject, "kind": "PESEL" if len(declaration.subject) == 11 else "NIP"}
    xml = upo.build_and_sign(
        keys, reference=reference, office=config.office_name, form_code=declaration.form_code,
        form_version=declaration.form_version,
        submitter={"name": declaration.submitter_name, "pesel": declaration.submitter_pesel,
                   "account_id": declaration.account_id},
        principal=principal, signing_method=declaration.signing_method, received_at=declaration.received_at,
        issued_at=issued, document_digest=declaration.document_digest,
        structure_digest=declaration.structure_digest, algorithm=declaration.digest_algorithm)
    row = Upo(declaration_id=declaration.id, reference=reference, xml=xml,
              xml_sha256=hashlib.sha256(xml).hexdigest(), issued_at=issued)
    session.add(row)
    session.flush()
    return row


def view(session, declaration: Declaration, timings: dict | None = None) -> dict:
    row = session.get(Upo, declaration.id)
    case = session.scalar(sa.select(Case).where(Case.declaration_id == declaration.id))
    result = {"declaration_id": declaration.id, "case_id": case.id, "form_code": declaration.form_code,
              "form_version": declaration.form_version, "subject": declaration.subject,
              "signing_method": declaration.signing_method, "received_at": declaration.received_at,
              "received_at_local": declaration.received_at.astimezone(WARSAW).isoformat(),
              "upo_reference": row.reference, "document_digest": declaration.document_digest,
              "structure_digest": declaration.structure_digest,
              "digest_algorithm": declaration.digest_algorithm, "case_status": case.status}
    if timings is not None:
        result["timings_ms"] = timings
    return result


def _visible_to(actor: dict):
    """The submitter's declarations, and those filed in the actor's own name by an agent."""
    mine = Declaration.account_id == str(actor["account_id"])
    return sa.or_(mine, Declaration.subject == actor["pesel"]) if actor.get("pesel") else mine


def for_actor(session, actor: dict, declaration_id) -> Declaration:
    found = session.scalar(sa.select(Declaration).where(Declaration.id == str(declaration_id), _visible_to(actor)))
    if found is None:
        raise NotFound()
    return found


def listing(session, actor: dict) -> list[Declaration]:
    return session.scalars(sa.select(Declaration).where(_visible_to(actor))
                           .order_by(Declaration.received_at.desc())).all()


def of_subject(session, subject: str) -> list[Declaration]:
    """Everything filed for a PESEL or NIP, by anyone (staff: the caller checks who may see it)."""
    return session.scalars(sa.select(Declaration).where(Declaration.subject == subject)
                           .order_by(Declaration.received_at.desc())).all()


def verify(session, keys, xml_base64: str | None, reference: str | None, digest: str | None) -> dict:
    """Public check of a UPO: the office's signature, and the digests against the register."""
    if xml_base64:
        try:
            xml = base64.b64decode(xml_base64, validate=True)
        except (binascii.Error, ValueError):
            return {"valid": False, "reasons": ["xml.invalid"]}
        return _verify_file(session, keys, xml)
    if reference and digest:
        row = session.scalar(sa.select(Upo).where(Upo.reference == reference))
        declaration = session.get(Declaration, row.declaration_id) if row else None
        if declaration is None or digest.strip() not in (declaration.document_digest, declaration.structure_digest):
            return {"valid": False, "reasons": ["upo.not_in_register"]}
        return {"valid": True, "reasons": [], **_public_fields(upo.read(row.xml))}
    raise ValidationFailed({"xml_base64": ["upo.verify_input"]})


def _verify_file(session, keys, xml: bytes) -> dict:
    fields = upo.signature_valid(keys, xml)
    if fields is None:
        return {"valid": False, "reasons": ["upo.signature_invalid"]}
    row = session.scalar(sa.select(Upo).where(Upo.reference == fields["reference"]))
    if row is None:
        return {"valid": False, "reasons": ["upo.not_in_register"], **_public_fields(fields)}
    declaration = session.get(Declaration, row.declaration_id)
    reasons = []
    if (fields["document_digest"], fields["structure_digest"]) != (declaration.document_digest,
                                                                   declaration.structure_digest):
        reasons.append("upo.digest_mismatch")
    if hashlib.sha256(xml).hexdigest() != row.xml_sha256:
        reasons.append("upo.file_changed")  # a byte outside the signed part (e.g. the declaration line)
    return {"valid": not reasons, "reasons": reasons, **_public_fields(fields)}


def _public_fields(fields: dict) -> dict:
    return {"reference": fields["reference"], "form_code": fields["form_code"],
            "received_at": fields["received_at"], "document_digest": fields["document_digest"],
            "digest_algorithm": fields["digest_algorithm"]}


def timer() -> "Stopwatch":
    return Stopwatch()


class Stopwatch:
    """Where a submission's time goes (signing, database, UPO signing), for the benchmark.
    Spans nest exclusively: time in an inner span is not counted in the outer one."""

    def __init__(self):
        self.spent: dict[str, float] = {}
        self._stack: list[list] = []  # [name, started]
        self._start = time.perf_counter()

    @contextmanager
    def measure(self, name: str):
        now = time.perf_counter()
        if self._stack:
            outer = self._stack[-1]
            self.spent[outer[0]] = self.spent.get(outer[0], 0.0) + now - outer[1]
        self._stack.append([name, now])
        try:
            yield
        finally:
            done = time.perf_counter()
            self.spent[name] = self.spent.get(name, 0.0) + done - self._stack.pop()[1]
            if self._stack:
                self._stack[-1][1] = done

    def result(self) -> dict:
        return {**{k: round(v * 1000, 2) for k, v in self.spent.items()},
                "total": round((time.perf_counter() - self._start) * 1000, 2)}
