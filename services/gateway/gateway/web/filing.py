"""Filing a declaration through pages: the forms one can file, drafts (saved at every step and
resumable from "my drafts"), the wizard one step per page with the service's field errors, the
review, signing and submission (idempotent by a key minted with the review page), the
submission with its UPO, and the UPO check anyone can run."""
import base64
import uuid

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from gateway.api import call
from gateway.auth import login_required
from gateway.blueprints.declarations import caller, file_response
from gateway.i18n import language
from gateway.web import wizard_form
from gateway.web.helpers import flatten_errors, text
from portal_shared.config import Config
from portal_shared.contracts import declarations as contract
from portal_shared.errors import Conflict, ValidationFailed

bp = Blueprint("filing", __name__)
UPLOADS = ("filing.upload_attachment", "filing.submit", "filing.verify_upo")
SUBMIT_ORDER = ["signing_method", "signed_xml", "signing_id", "draft_id"]


@bp.before_request
def _allow_uploads():
    if request.endpoint in UPLOADS:  # a signed document or an attachment is bigger than a form
        request.max_content_length = 2 * Config().attachment_max_bytes


def _uploaded(name: str) -> tuple[str, str] | None:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    content = upload.read(Config().attachment_max_bytes + 1)
    return upload.filename, base64.b64encode(content).decode()


# --- forms, drafts, submissions ------------------------------------------------------------
@bp.get("/declarations")
@login_required
def overview():
    me = caller()
    return render_template("filing/overview.html", forms=call(contract.LIST_FORMS, language=language()),
                           drafts=call(contract.LIST_DRAFTS, **me),
                           submissions=call(contract.LIST_DECLARATIONS, **me))


@bp.post("/declarations/drafts")
@login_required
def start_draft():
    account = {key: g.account.get(key) for key in ("first_name", "last_name", "email", "phone", "address")}
    me = caller()  # filed for the principal this session acts for (the "act for" switcher), else oneself
    try:
        draft = call(contract.START_DRAFT, **me, form_code=request.form.get("form_code", ""),
                     subject=me["actor"].get("acting_for"), account=account)
    except ValidationFailed as exc:  # e.g. a form for companies (NIP) started by a person
        for messages in flatten_errors(exc.field_errors).values():
            flash(" ".join(messages))
        return redirect(url_for(".overview"))
    return redirect(url_for(".step", draft_id=draft["draft_id"], step_id=draft["steps"][0]["id"]))


@bp.get("/declarations/drafts/<uuid:draft_id>")
@login_required
def resume(draft_id):
    draft = call(contract.GET_DRAFT, **caller(), draft_id=str(draft_id))
    if draft["complete"]:
        return redirect(url_for(".review", draft_id=draft_id))
    return redirect(url_for(".step", draft_id=draft_id, step_id=draft["current_step"]))


@bp.route("/declarations/drafts/<uuid:draft_id>/steps/<step_id>", methods=["GET", "POST"])
@login_required
def step(draft_id, step_id):
    draft = call(contract.GET_DRAFT, **caller(), draft_id=str(draft_id))
    if draft["status"] != "open":
        return _no_longer_open()
    position = next((i for i, s in enumerate(draft["steps"]) if s["id"] == step_id), None)
    if position is None:
        abort(404)
    current = draft["steps"][position]
    errors, values = {}, wizard_form.shown(current["fields"], draft["values"])
    if request.method == "POST":
        values = wizard_form.read(current["fields"], request.form)
        if request.form.get("action") == "add_row":
            values = wizard_form.with_blank_row(current["fields"], values, request.form.get("rows_of", ""))
        else:
            try:
                saved = call(contract.SAVE_STEP, **caller(), draft_id=str(draft_id), step=step_id,
                             values=wizard_form.payload(current["fields"], values))
            except ValidationFailed as exc:
                errors = flatten_errors(exc.field_errors)
            else:
                return _after_saving(saved, position)
    html = render_template("filing/step.html", draft=draft, step=current, position=position, values=values,
                           errors=errors, order=wizard_form.order(current["fields"], values),
                           upload_errors=session.pop("upload_errors", None))
    return html, 400 if errors else 200


def _no_longer_open():
    """Filed already (e.g. the back button after submitting): the filed ones are listed."""
    flash(text("draft.not_open"))
    return redirect(url_for(".overview") + "#submitted")


def _after_saving(saved: dict, position: int):
    if request.form.get("action") == "save":
        return redirect(url_for(".overview", saved=saved["draft_id"]))
    following = saved["steps"][position + 1:]
    if following:
        return redirect(url_for(".step", draft_id=saved["draft_id"], step_id=following[0]["id"]))
    return redirect(url_for(".review", draft_id=saved["draft_id"]))


@bp.post("/declarations/drafts/<uuid:draft_id>/attachments")
@login_required
def upload_attachment(draft_id):
    step_id = request.form.get("step", "")
    upload = _uploaded("file")
    try:
        if upload is None:
            raise ValidationFailed({"file": ["field.attachment_required"]})
        call(contract.ADD_ATTACHMENT, **caller(), draft_id=str(draft_id), filename=upload[0],
             content_base64=upload[1])
    except ValidationFailed as exc:
        messages = [m for field in flatten_errors(exc.field_errors).values() for m in field]
        session["upload_errors"] = messages
    return redirect(url_for(".step", draft_id=draft_id, step_id=step_id) + "#attachments")


@bp.post("/declarations/drafts/<uuid:draft_id>/discarding")
@login_required
def discard(draft_id):
    call(contract.DISCARD_DRAFT, **caller(), draft_id=str(draft_id))
    return redirect(url_for(".overview"))


@bp.get("/declarations/drafts/<uuid:draft_id>/review")
@login_required
def review(draft_id):
    return _review_page(str(draft_id), {})


def _review_page(draft_id: str, errors: dict, signing_id: str | None = None, status: int = 200):
    draft = call(contract.GET_DRAFT, **caller(), draft_id=draft_id)
    if draft["status"] != "open":
        return _no_longer_open()
    summary = call(contract.DRAFT_SUMMARY, **caller(), draft_id=draft_id)
    # A new key per rendering: a double click or a refresh of this form's POST submits once.
    key = request.form.get("idempotency_key") if errors else None
    return render_template("filing/review.html", summary=summary, draft=draft, errors=errors,
                           order=SUBMIT_ORDER, signing_id=signing_id, idempotency_key=key or uuid.uuid4().hex,
                           trusted_profile_url=session.get("trusted_profile", {}).get(draft_id)), status


@bp.post("/declarations/drafts/<uuid:draft_id>/trusted-profile-signing")
@login_required
def start_trusted_profile(draft_id):
    started = call(contract.START_TRUSTED_PROFILE_SIGNING, **caller(), draft_id=str(draft_id))
    # The signing service's page is another site: a link there (a form may not redirect off-site
    # under our CSP), and the signing id kept in the session for the return address.
    session["trusted_profile"] = {str(draft_id): started["redirect_url"]}
    session["signing_id"] = {str(draft_id): started["signing_id"]}
    return redirect(url_for(".review", draft_id=draft_id) + "#signing")


@bp.get("/declarations/drafts/<uuid:draft_id>/signed")
@login_required
def signed_with_trusted_profile(draft_id):
    signing_id = session.get("signing_id", {}).get(str(draft_id))
    return _review_page(str(draft_id), {}, signing_id=signing_id)


@bp.post("/declarations/drafts/<uuid:draft_id>/submission")
@login_required
def submit(draft_id):
    method = request.form.get("signing_method", "")
    signed = _uploaded("signed_xml") if method == "qualified_signature" else None
    signing_id = session.get("signing_id", {}).get(str(draft_id)) if method == "trusted_profile" else None
    name = " ".join(filter(None, (g.account.get("first_name"), g.account.get("last_name"))))
    try:
        done = call(contract.SUBMIT, **caller(), draft_id=str(draft_id),
                    idempotency_key=request.form.get("idempotency_key", ""), signing_method=method or None,
                    signed_xml_base64=signed and signed[1], signing_id=signing_id, submitter_name=name or None)
    except ValidationFailed as exc:
        return _review_page(str(draft_id), _submit_errors(exc), signing_id, status=400)
    except Conflict as exc:
        return _review_page(str(draft_id), {"signing_id": [text(exc.message)]}, signing_id, status=409)
    session.pop("signing_id", None)
    session.pop("trusted_profile", None)
    return redirect(url_for(".declaration", declaration_id=done["declaration_id"]))


def _submit_errors(exc: ValidationFailed) -> dict:
    errors = flatten_errors(exc.field_errors)
    for theirs, ours in (("signed_xml_base64", "signed_xml"), ("method", "signing_method")):
        if theirs in errors:
            errors[ours] = errors.pop(theirs)
    if exc.message == "draft.incomplete" or set(errors) - set(SUBMIT_ORDER):
        return {"draft_id": [text(exc.message)]}  # the steps' own errors show on the steps
    return errors


@bp.get("/declarations/drafts/<uuid:draft_id>/document.xml")
@login_required
def document(draft_id):
    found = call(contract.DRAFT_DOCUMENT, **caller(), draft_id=str(draft_id))
    return file_response({"content_base64": found["xml_base64"], "media_type": "application/xml",
                      "filename": f"deklaracja-{draft_id}.xml"})


@bp.get("/declarations/<uuid:declaration_id>")
@login_required
def declaration(declaration_id):
    found = call(contract.GET_DECLARATION, **caller(), declaration_id=str(declaration_id))
    return render_template("filing/declaration.html", submission=found)


@bp.get("/declarations/<uuid:declaration_id>/upo.xml")
@login_required
def upo_xml(declaration_id):
    return file_response(call(contract.UPO_FILE, **caller(), declaration_id=str(declaration_id)))


@bp.get("/declarations/<uuid:declaration_id>/upo.pdf")
@login_required
def upo_pdf(declaration_id):
    return file_response(call(contract.UPO_PDF, **caller(), declaration_id=str(declaration_id)), inline=True)


@bp.get("/declarations/<uuid:declaration_id>/form.pdf")
@login_required
def form_pdf(declaration_id):
    return file_response(call(contract.DECLARATION_PDF, **caller(), declaration_id=str(declaration_id)), inline=True)


@bp.get("/attachments/<uuid:attachment_id>")
@login_required
def attachment(attachment_id):
    return file_response(call(contract.ATTACHMENT_FILE, **caller(), attachment_id=str(attachment_id)))


@bp.post("/declarations/<uuid:declaration_id>/upo-verification")
@login_required
def verify_own_upo(declaration_id):
    """The UPO as the office keeps it, checked by the same public verification anyone runs."""
    upo = call(contract.UPO_FILE, **caller(), declaration_id=str(declaration_id))
    result = call(contract.VERIFY_UPO, xml_base64=upo["content_base64"], reference=None, digest=None)
    return render_template("filing/verify_upo.html", result=result, errors={}, form={})


# --- the public UPO check ------------------------------------------------------------------
@bp.route("/upo-verification", methods=["GET", "POST"])
def verify_upo():
    result, errors = None, {}
    form = {name: request.form.get(name, "").strip() for name in ("reference", "digest")}
    if request.method == "POST":
        upload = _uploaded("file")
        try:
            result = call(contract.VERIFY_UPO, xml_base64=upload and upload[1],
                          reference=form["reference"] or None, digest=form["digest"] or None)
        except ValidationFailed as exc:
            errors = flatten_errors(exc.field_errors)
            if set(errors) - {"reference", "digest"}:
                errors = {"file": [text("upo.verify_input")]}
    html = render_template("filing/verify_upo.html", result=result, errors=errors, form=form)
    return html, 400 if errors else 200
