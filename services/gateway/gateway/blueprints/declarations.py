"""Declarations: form wizards, attachments, signing and submission, UPOs (with the public
verification), cases and letters. The service authorises every call; here we only say who asks."""
import base64

from flask import Blueprint, Response, g, request

from gateway.api import call, documented, json_body
from gateway.auth import current_actor, login_required
from gateway.i18n import language
from portal_shared.config import Config
from portal_shared.contracts import declarations as contract
from portal_shared.errors import ValidationFailed

bp = Blueprint("declarations", __name__, url_prefix="/api/v1")
LARGE_BODY = 8 * 1024 * 1024  # an attachment or a signed document (base64) is bigger than a form


@bp.before_request
def _allow_large_bodies():
    if request.endpoint in ("declarations.add_attachment", "declarations.submit",
                            "declarations.add_case_attachment", "declarations.verify_upo"):
        request.max_content_length = LARGE_BODY


def caller() -> dict:
    """Who asks declarations, and in which language its answers' texts come."""
    return {"actor": current_actor(), "language": language()}


def file_response(found: dict, inline: bool = False) -> Response:
    response = Response(base64.b64decode(found["content_base64"]), mimetype=found["media_type"])
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{found["filename"]}"'
    return response


def _upload() -> tuple[str, str]:
    """A file as multipart `file`, or JSON {filename, content_base64}."""
    if "file" in request.files:
        upload = request.files["file"]
        content = upload.read(Config().attachment_max_bytes + 1)
        return upload.filename or "plik", base64.b64encode(content).decode()
    body = json_body()
    return body.get("filename") or "", body.get("content_base64") or ""


# --- forms and drafts ----------------------------------------------------------------------
@bp.get("/forms")
@documented("The forms one can file.", response=contract.FormSummary(many=True))
def list_forms():
    return call(contract.LIST_FORMS, language=language())


@bp.get("/forms/<code>")
@documented("A form's steps, fields, conditions (current version).", response=contract.FormDefinition,
            errors=(404,))
def form_definition(code):
    return call(contract.FORM_DEFINITION, code=code, version=request.args.get("version"), language=language())


@bp.post("/drafts")
@documented("Start a draft (for yourself, or for a principal by `subject`), prefilled from your account.",
            body=contract.StartDraftArgs(only=("form_code", "subject")), response=contract.Draft, status=201,
            auth=True, errors=(400, 401, 403, 404))
@login_required
def start_draft():
    body = json_body()
    account = {key: g.account.get(key) for key in ("first_name", "last_name", "email", "phone", "address")}
    return call(contract.START_DRAFT, **caller(), form_code=body.get("form_code"), subject=body.get("subject"),
                account=account), 201


@bp.get("/drafts")
@documented("Your open drafts, to resume on any device.", response=contract.DraftSummary(many=True), auth=True,
            errors=(401, 403))
@login_required
def list_drafts():
    return call(contract.LIST_DRAFTS, **caller())


@bp.get("/drafts/<uuid:draft_id>")
@documented("A draft: its steps (done, todo, invalid), values and computed fields.", response=contract.Draft,
            auth=True, errors=(401, 403, 404))
@login_required
def get_draft(draft_id):
    return call(contract.GET_DRAFT, **caller(), draft_id=str(draft_id))


@bp.put("/drafts/<uuid:draft_id>/steps/<step>")
@documented("Save one step: validated, errors per field (400); the answer names the next step.",
            body=contract.SaveStepArgs(only=("values",)), response=contract.Draft, auth=True,
            errors=(400, 401, 403, 404))
@login_required
def save_step(draft_id, step):
    values = json_body().get("values")
    if not isinstance(values, dict):
        raise ValidationFailed({"values": ["Invalid input type."]})
    return call(contract.SAVE_STEP, **caller(), draft_id=str(draft_id), step=step, values=values)


@bp.get("/drafts/<uuid:draft_id>/summary")
@documented("Everything entered and computed, by the paper form's sections.", response=contract.Summary,
            auth=True, errors=(401, 403, 404))
@login_required
def draft_summary(draft_id):
    return call(contract.DRAFT_SUMMARY, **caller(), draft_id=str(draft_id))


@bp.delete("/drafts/<uuid:draft_id>")
@documented("Discard an open draft.", status=204, auth=True, errors=(400, 401, 403, 404))
@login_required
def discard_draft(draft_id):
    call(contract.DISCARD_DRAFT, **caller(), draft_id=str(draft_id))
    return "", 204


@bp.post("/drafts/<uuid:draft_id>/attachments")
@documented("Attach a PDF, JPEG, PNG or signed XML (multipart `file`, or JSON with base64).",
            body=contract.AddAttachmentArgs(only=("filename", "content_base64")), response=contract.Attachment,
            status=201, auth=True, errors=(400, 401, 403, 404))
@login_required
def add_attachment(draft_id):
    filename, content = _upload()
    return call(contract.ADD_ATTACHMENT, **caller(), draft_id=str(draft_id), filename=filename,
                content_base64=content), 201


@bp.get("/drafts/<uuid:draft_id>/document")
@documented("The complete draft's document (XML) to sign with a qualified signature (XAdES, enveloped).",
            response=contract.Document, auth=True, errors=(400, 401, 403, 404))
@login_required
def draft_document(draft_id):
    return call(contract.DRAFT_DOCUMENT, **caller(), draft_id=str(draft_id))


@bp.post("/drafts/<uuid:draft_id>/trusted-profile-signing")
@documented("Send the document to the trusted-profile signing service; go to `redirect_url` to sign.",
            response=contract.TrustedProfileStart, status=201, auth=True, errors=(400, 401, 403, 404))
@login_required
def start_trusted_profile_signing(draft_id):
    return call(contract.START_TRUSTED_PROFILE_SIGNING, **caller(), draft_id=str(draft_id)), 201


@bp.post("/drafts/<uuid:draft_id>/submission")
@documented("Submit the signed draft. Header `Idempotency-Key` (required): a retry returns the same "
            "submission. Issues the UPO and opens a case.",
            body=contract.SubmitArgs(only=("signing_method", "signed_xml_base64", "signing_id")),
            response=contract.Submission, status=201, auth=True, errors=(400, 401, 403, 404, 409))
@login_required
def submit(draft_id):
    body = json_body()
    key = request.headers.get("Idempotency-Key", "")
    if not 8 <= len(key) <= 100:
        raise ValidationFailed({"Idempotency-Key": ["Missing data for required field."]})
    name = " ".join(filter(None, (g.account.get("first_name"), g.account.get("last_name"))))
    result = call(contract.SUBMIT, **caller(), draft_id=str(draft_id), idempotency_key=key,
                  signing_method=body.get("method"), signed_xml_base64=body.get("signed_xml_base64"),
                  signing_id=body.get("signing_id"), submitter_name=name or None)
    return result, 201


# --- declarations and UPOs -----------------------------------------------------------------
@bp.get("/declarations")
@documented("Your submissions with their UPO references.", response=contract.Submission(many=True), auth=True,
            errors=(401, 403))
@login_required
def list_declarations():
    return call(contract.LIST_DECLARATIONS, **caller())


@bp.get("/declarations/<uuid:declaration_id>")
@documented("One submission.", response=contract.Submission, auth=True, errors=(401, 403, 404))
@login_required
def get_declaration(declaration_id):
    return call(contract.GET_DECLARATION, **caller(), declaration_id=str(declaration_id))


@bp.get("/declarations/<uuid:declaration_id>/upo.xml")
@documented("The UPO as the office signed it (XML).", auth=True, errors=(401, 403, 404))
@login_required
def upo_xml(declaration_id):
    return file_response(call(contract.UPO_FILE, **caller(), declaration_id=str(declaration_id)))


@bp.get("/declarations/<uuid:declaration_id>/upo.pdf")
@documented("The UPO as PDF.", auth=True, errors=(401, 403, 404))
@login_required
def upo_pdf(declaration_id):
    return file_response(call(contract.UPO_PDF, **caller(), declaration_id=str(declaration_id)), inline=True)


@bp.get("/declarations/<uuid:declaration_id>/form.pdf")
@documented("The submitted form as PDF, by the paper form's sections.", auth=True, errors=(401, 403, 404))
@login_required
def declaration_pdf(declaration_id):
    return file_response(call(contract.DECLARATION_PDF, **caller(), declaration_id=str(declaration_id)), inline=True)


@bp.get("/attachments/<uuid:attachment_id>")
@documented("An attachment of your draft, declaration or case, as stored (its SHA-256 is listed with it).",
            auth=True, errors=(401, 403, 404))
@login_required
def attachment_file(attachment_id):
    return file_response(call(contract.ATTACHMENT_FILE, **caller(), attachment_id=str(attachment_id)))


@bp.post("/upo-verifications")
@documented("Public: verify a UPO: upload its XML (multipart `file` or `xml_base64`), or give "
            "`reference` and `digest`.", body=contract.VerifyUpoArgs, response=contract.UpoVerification)
def verify_upo():
    if "file" in request.files:
        content = request.files["file"].read(LARGE_BODY)
        return call(contract.VERIFY_UPO, xml_base64=base64.b64encode(content).decode(), reference=None,
                    digest=None)
    body = json_body()
    return call(contract.VERIFY_UPO, xml_base64=body.get("xml_base64"), reference=body.get("reference"),
                digest=body.get("digest"))


# --- cases and letters ---------------------------------------------------------------------
@bp.get("/cases")
@documented("Your cases with their history, documents and letters.", response=contract.CaseView(many=True),
            auth=True, errors=(401, 403))
@login_required
def list_cases():
    return call(contract.LIST_CASES, **caller())


@bp.get("/cases/<uuid:case_id>")
@documented("One case.", response=contract.CaseView, auth=True, errors=(401, 403, 404))
@login_required
def get_case(case_id):
    return call(contract.GET_CASE, **caller(), case_id=str(case_id))


@bp.post("/cases/<uuid:case_id>/attachments")
@documented("Attach a file to your answer in a case.", response=contract.Attachment, status=201, auth=True,
            errors=(400, 401, 403, 404))
@login_required
def add_case_attachment(case_id):
    filename, content = _upload()
    return call(contract.ADD_CASE_ATTACHMENT, **caller(), case_id=str(case_id), filename=filename,
                content_base64=content), 201


@bp.post("/cases/<uuid:case_id>/answers")
@documented("Answer the office's request for completion; the case goes back to review.",
            body=contract.AnswerArgs(only=("text", "attachment_ids")), response=contract.CaseView,
            status=201, auth=True, errors=(400, 401, 403, 404))
@login_required
def answer_case(case_id):
    body = json_body()
    return call(contract.ANSWER_CASE, **caller(), case_id=str(case_id), text=body.get("text"),
                attachment_ids=body.get("attachment_ids") or []), 201


@bp.get("/letters")
@documented("Letters from the office; bodies show once opened; the delivery date is always shown.",
            response=contract.Letter(many=True), auth=True, errors=(401, 403))
@login_required
def list_letters():
    return call(contract.LIST_LETTERS, **caller())


@bp.post("/letters/<uuid:letter_id>/opening")
@documented("Open a letter: the first opening records its delivery (the receipt).", response=contract.Letter,
            auth=True, errors=(401, 403, 404))
@login_required
def open_letter(letter_id):
    return call(contract.OPEN_LETTER, **caller(), letter_id=str(letter_id))
