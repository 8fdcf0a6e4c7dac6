"""Contract of the declarations service: submissions, cases, letters, and the effects of an
accepted form that other services carry out (ledger: assessments, rebookings, refunds;
identity: mandates)."""
from marshmallow import fields, validate

from portal_shared.contracts.base import Event, EventPayload, RpcMethod, StrictSchema
from portal_shared.contracts.common import health
from portal_shared.contracts.identity import Actor

SERVICE = "declarations"
CASE_STATUSES = ("received", "in_review", "needs_completion", "accepted", "rejected")

HEALTH = health(SERVICE)


class DeclarationRef(StrictSchema):
    declaration_id = fields.UUID(required=True)


class UpoDocuments(StrictSchema):
    reference = fields.String(required=True)
    xml_base64 = fields.String(required=True)
    pdf_base64 = fields.String(required=True)


UPO_DOCUMENTS = RpcMethod(SERVICE, "upo_documents", DeclarationRef, UpoDocuments,
                          summary="The UPO of a submission as signed XML and as PDF (for the e-mail).")


# --- effects of an accepted form ---------------------------------------------------------
class AssessmentComponent(StrictSchema):
    kind = fields.String(required=True)          # e.g. land_business, building_residential, structures
    base = fields.Decimal(required=True, as_string=True)  # m², ha or zł, as on the form
    rate = fields.Decimal(required=True, as_string=True)  # zł per unit, or a fraction for structures
    amount_grosze = fields.Integer(required=True)


class Installment(StrictSchema):
    due_date = fields.Date(required=True)
    amount_grosze = fields.Integer(required=True)


class Assessment(StrictSchema):
    """A liability to create (or to replace, when `corrects` names the earlier declaration)."""
    tax_type = fields.String(required=True, validate=validate.OneOf(
        ("property_tax", "agricultural_tax", "forest_tax", "transport_tax", "waste_fee")))
    tax_year = fields.Integer(required=True)
    taxpayer_kind = fields.String(required=True, validate=validate.OneOf(("natural", "legal")))
    annual_amount_grosze = fields.Integer(required=True)
    components = fields.List(fields.Nested(AssessmentComponent), required=True)
    months_from = fields.Integer(load_default=1)  # a correction or a new object mid-year
    corrects = fields.UUID(load_default=None, allow_none=True)
    # the schedule the form itself declares (DN-1: monthly, by the 15th; January by the 31st);
    # None when the office's decision sets it (IN-1) or ledger's own rules apply
    installments = fields.List(fields.Nested(Installment), load_default=None, allow_none=True)


class Rebooking(StrictSchema):
    """Explanation of payment purpose: move a payment to the liability it was meant for."""
    payment_date = fields.Date(required=True)
    amount_grosze = fields.Integer(required=True)
    payment_reference = fields.String(load_default=None, allow_none=True)
    target_liability_id = fields.UUID(required=True)


class RefundClaim(StrictSchema):
    amount_grosze = fields.Integer(required=True)
    bank_account = fields.String(required=True)  # NRB the refund goes to


class MandateGrant(StrictSchema):
    principal = fields.String(required=True)     # PESEL or NIP of the one who authorises
    principal_name = fields.String(required=True)
    agent_account_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("general_attorney", "organisation_user")))
    scopes = fields.List(fields.String(validate=validate.OneOf(("view", "pay", "submit"))), required=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(load_default=None, allow_none=True)


# --- events ------------------------------------------------------------------------------
class DeclarationSubmittedV1(EventPayload):
    declaration_id = fields.UUID(required=True)
    case_id = fields.UUID(required=True)
    form_code = fields.String(required=True)
    form_version = fields.String(required=True)
    submitter_account_id = fields.UUID(required=True)
    subject = fields.String(required=True)  # PESEL or NIP the form is for
    upo_reference = fields.String(required=True)


class DeclarationAcceptedV1(EventPayload):
    """Exactly one of the effect fields is set, by the form's kind."""
    declaration_id = fields.UUID(required=True)
    case_id = fields.UUID(required=True)
    form_code = fields.String(required=True)
    submitter_account_id = fields.UUID(required=True)
    subject = fields.String(required=True)
    assessment = fields.Nested(Assessment, load_default=None, allow_none=True)
    rebooking = fields.Nested(Rebooking, load_default=None, allow_none=True)
    refund_claim = fields.Nested(RefundClaim, load_default=None, allow_none=True)
    mandate = fields.Nested(MandateGrant, load_default=None, allow_none=True)


class CaseStatusChangedV1(EventPayload):
    case_id = fields.UUID(required=True)
    account_id = fields.UUID(required=True)
    form_code = fields.String(required=True)
    old_status = fields.String(load_default=None, allow_none=True)
    new_status = fields.String(required=True, validate=validate.OneOf(CASE_STATUSES))


class LetterSentV1(EventPayload):
    letter_id = fields.UUID(required=True)
    case_id = fields.UUID(load_default=None, allow_none=True)
    account_id = fields.UUID(required=True)
    subject_line = fields.String(required=True)


class LetterDeliveredV1(EventPayload):
    letter_id = fields.UUID(required=True)
    account_id = fields.UUID(required=True)
    delivered_at = fields.AwareDateTime(required=True)
    how = fields.String(required=True, validate=validate.OneOf(("opened", "deemed_after_14_days")))


DECLARATION_SUBMITTED = Event(SERVICE, "declaration_submitted", 1, DeclarationSubmittedV1)
DECLARATION_ACCEPTED = Event(SERVICE, "declaration_accepted", 1, DeclarationAcceptedV1)
CASE_STATUS_CHANGED = Event(SERVICE, "case_status_changed", 1, CaseStatusChangedV1)
LETTER_SENT = Event(SERVICE, "letter_sent", 1, LetterSentV1)
LETTER_DELIVERED = Event(SERVICE, "letter_delivered", 1, LetterDeliveredV1)


# --- the service's RPC methods (taxpayer side: the gateway passes the `actor`) ----------
SIGNING_METHODS = ("qualified_signature", "trusted_profile", "session")


class ActorArgs(StrictSchema):
    actor = fields.Nested(Actor, required=True)
    language = fields.String(load_default="pl", validate=validate.OneOf(("pl", "en")))


class FormRef(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    version = fields.String(load_default=None, allow_none=True)
    language = fields.String(load_default="pl", validate=validate.OneOf(("pl", "en")))


class FormSummary(StrictSchema):
    code = fields.String(required=True)
    version = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    signing_methods = fields.List(fields.String(), required=True)
    subject_kinds = fields.List(fields.String(), required=True)


class FormDefinition(FormSummary):
    steps = fields.List(fields.Dict(), required=True)


class Listing(StrictSchema):
    language = fields.String(load_default="pl", validate=validate.OneOf(("pl", "en")))


class AccountSnapshot(StrictSchema):
    """The signed-in account's data for prefill, as identity gave it to the gateway."""
    first_name = fields.String(load_default=None, allow_none=True)
    last_name = fields.String(load_default=None, allow_none=True)
    email = fields.String(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True)
    address = fields.Dict(load_default=None, allow_none=True)


class StartDraftArgs(ActorArgs):
    form_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    subject = fields.String(load_default=None, allow_none=True,
                            validate=validate.Regexp(r"^(\d{10}|\d{11})$", error="subject.invalid"))
    account = fields.Nested(AccountSnapshot, load_default=None, allow_none=True)


class DraftArgs(ActorArgs):
    draft_id = fields.UUID(required=True)


class SaveStepArgs(DraftArgs):
    step = fields.String(required=True, validate=validate.Length(min=1, max=40))
    values = fields.Dict(required=True)


class StepState(StrictSchema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    section = fields.String(load_default=None, allow_none=True)
    status = fields.String(required=True)   # todo, done, invalid
    fields = fields.List(fields.Dict(), required=True)


class Draft(StrictSchema):
    draft_id = fields.UUID(required=True)
    form_code = fields.String(required=True)
    form_version = fields.String(required=True)
    title = fields.String(required=True)
    subject = fields.String(required=True)
    status = fields.String(required=True)
    current_step = fields.String(load_default=None, allow_none=True)
    next_step = fields.String(load_default=None, allow_none=True)
    previous_step = fields.String(load_default=None, allow_none=True)
    steps = fields.List(fields.Nested(StepState), required=True)
    values = fields.Dict(required=True)
    computed = fields.Dict(required=True)
    attachments = fields.List(fields.Dict(), required=True)
    complete = fields.Boolean(required=True)
    signing_methods = fields.List(fields.String(), required=True)
    expires_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    declaration_id = fields.UUID(load_default=None, allow_none=True)


class DraftSummary(StrictSchema):
    draft_id = fields.UUID(required=True)
    form_code = fields.String(required=True)
    title = fields.String(required=True)
    subject = fields.String(required=True)
    status = fields.String(required=True)
    updated_at = fields.AwareDateTime(required=True)
    expires_at = fields.AwareDateTime(required=True)


class Summary(StrictSchema):
    draft_id = fields.UUID(required=True)
    form_code = fields.String(required=True)
    title = fields.String(required=True)
    sections = fields.List(fields.Dict(), required=True)
    computed = fields.Dict(required=True)
    complete = fields.Boolean(required=True)
    signing_methods = fields.List(fields.String(), required=True)


class AddAttachmentArgs(DraftArgs):
    filename = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content_base64 = fields.String(required=True)


class CaseAttachmentArgs(ActorArgs):
    case_id = fields.UUID(required=True)
    filename = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content_base64 = fields.String(required=True)


class Attachment(StrictSchema):
    attachment_id = fields.UUID(required=True)
    filename = fields.String(required=True)
    media_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class Document(StrictSchema):
    xml_base64 = fields.String(required=True)
    sha256 = fields.String(required=True)


class TrustedProfileStart(StrictSchema):
    signing_id = fields.String(required=True)
    redirect_url = fields.String(required=True)


class SubmitArgs(DraftArgs):
    idempotency_key = fields.String(required=True, validate=validate.Length(min=8, max=100))
    signing_method = fields.String(required=True, validate=validate.OneOf(SIGNING_METHODS))
    signed_xml_base64 = fields.String(load_default=None, allow_none=True)
    signing_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    submitter_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=240))


class Submission(StrictSchema):
    declaration_id = fields.UUID(required=True)
    case_id = fields.UUID(required=True)
    form_code = fields.String(required=True)
    form_version = fields.String(required=True)
    subject = fields.String(required=True)
    signing_method = fields.String(required=True)
    received_at = fields.AwareDateTime(required=True)
    received_at_local = fields.String(required=True)
    upo_reference = fields.String(required=True)
    document_digest = fields.String(required=True)
    structure_digest = fields.String(required=True)
    digest_algorithm = fields.String(required=True)
    case_status = fields.String(required=True)
    timings_ms = fields.Dict(load_default=None, allow_none=True)  # where the service's time went


class DeclarationArgs(ActorArgs):
    declaration_id = fields.UUID(required=True)


class FileContent(StrictSchema):
    filename = fields.String(required=True)
    media_type = fields.String(required=True)
    content_base64 = fields.String(required=True)


class VerifyUpoArgs(StrictSchema):
    xml_base64 = fields.String(load_default=None, allow_none=True)
    reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=80))
    digest = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class UpoVerification(StrictSchema):
    valid = fields.Boolean(required=True)
    reasons = fields.List(fields.String(), required=True)
    reference = fields.String(load_default=None, allow_none=True)
    form_code = fields.String(load_default=None, allow_none=True)
    received_at = fields.String(load_default=None, allow_none=True)
    document_digest = fields.String(load_default=None, allow_none=True)
    digest_algorithm = fields.String(load_default=None, allow_none=True)


class CaseArgs(ActorArgs):
    case_id = fields.UUID(required=True)


class AnswerArgs(CaseArgs):
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    attachment_ids = fields.List(fields.UUID(), load_default=list)


class Letter(StrictSchema):
    letter_id = fields.UUID(required=True)
    case_id = fields.UUID(load_default=None, allow_none=True)
    subject_line = fields.String(required=True)
    body = fields.String(load_default=None, allow_none=True)   # only once opened
    channel = fields.String(required=True)
    sent_at = fields.AwareDateTime(required=True)
    deemed_delivered_at = fields.AwareDateTime(required=True)
    deemed_delivery_date_local = fields.String(required=True)
    delivered_at = fields.AwareDateTime(load_default=None, allow_none=True)
    delivery = fields.String(required=True)   # pending, opened, deemed_after_14_days
    delivery_note = fields.String(required=True)


class CaseView(StrictSchema):
    case_id = fields.UUID(required=True)
    declaration_id = fields.UUID(required=True)
    form_code = fields.String(required=True)
    subject = fields.String(required=True)
    status = fields.String(required=True)
    upo_reference = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    history = fields.List(fields.Dict(), load_default=list)
    documents = fields.List(fields.Dict(), load_default=list)
    letters = fields.List(fields.Nested(Letter), load_default=list)


class AttachmentArgs(ActorArgs):
    attachment_id = fields.UUID(required=True)


class LetterArgs(ActorArgs):
    letter_id = fields.UUID(required=True)


# --- staff RPC (role tax_officer) ---------------------------------------------------------
class ChangeStatusArgs(CaseArgs):
    status = fields.String(required=True, validate=validate.OneOf(CASE_STATUSES))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class SendLetterArgs(ActorArgs):
    case_id = fields.UUID(required=True)
    subject_line = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class Housekeeping(StrictSchema):
    drafts_expired = fields.Integer(required=True)
    letters_deemed_delivered = fields.Integer(required=True)


LIST_FORMS = RpcMethod(SERVICE, "list_forms", Listing, FormSummary, many=True,
                       summary="The forms one can file, in their current versions.")
FORM_DEFINITION = RpcMethod(SERVICE, "form_definition", FormRef, FormDefinition,
                            summary="A form's steps and fields (current version unless given).")
START_DRAFT = RpcMethod(SERVICE, "start_draft", StartDraftArgs, Draft,
                        summary="Start a draft of a form for a subject (self or a principal), prefilled.")
LIST_DRAFTS = RpcMethod(SERVICE, "list_drafts", ActorArgs, DraftSummary, many=True,
                        summary="The actor's open drafts (resume on any device).")
GET_DRAFT = RpcMethod(SERVICE, "get_draft", DraftArgs, Draft, summary="A draft with its steps.")
SAVE_STEP = RpcMethod(SERVICE, "save_step", SaveStepArgs, Draft,
                      summary="Validate and save one step; field errors come back per field.")
DRAFT_SUMMARY = RpcMethod(SERVICE, "draft_summary", DraftArgs, Summary,
                          summary="Everything entered and computed, by the paper form's sections.")
DISCARD_DRAFT = RpcMethod(SERVICE, "discard_draft", DraftArgs, summary="Delete an open draft.")
ADD_ATTACHMENT = RpcMethod(SERVICE, "add_attachment", AddAttachmentArgs, Attachment,
                           summary="Attach a PDF, JPEG, PNG or signed XML file to a draft.")
DRAFT_DOCUMENT = RpcMethod(SERVICE, "draft_document", DraftArgs, Document,
                           summary="The form document (XML) to sign with a qualified signature.")
START_TRUSTED_PROFILE_SIGNING = RpcMethod(SERVICE, "start_trusted_profile_signing", DraftArgs,
                                          TrustedProfileStart,
                                          summary="Send the document to the trusted-profile signing service.")
SUBMIT = RpcMethod(SERVICE, "submit", SubmitArgs, Submission,
                   summary="Submit a signed draft (idempotent by key); issues the UPO and opens a case.")
LIST_DECLARATIONS = RpcMethod(SERVICE, "list_declarations", ActorArgs, Submission, many=True,
                              summary="The actor's submissions with their UPO references.")
GET_DECLARATION = RpcMethod(SERVICE, "get_declaration", DeclarationArgs, Submission,
                            summary="One submission.")
UPO_FILE = RpcMethod(SERVICE, "upo_file", DeclarationArgs, FileContent,
                     summary="The UPO as signed XML.")
UPO_PDF = RpcMethod(SERVICE, "upo_pdf", DeclarationArgs, FileContent, summary="The UPO as PDF.")
ATTACHMENT_FILE = RpcMethod(SERVICE, "attachment_file", AttachmentArgs, FileContent,
                            summary="An attachment of one's draft, declaration or case.")
DECLARATION_PDF = RpcMethod(SERVICE, "declaration_pdf", DeclarationArgs, FileContent,
                            summary="The submitted form as PDF, by the paper form's sections.")
VERIFY_UPO = RpcMethod(SERVICE, "verify_upo", VerifyUpoArgs, UpoVerification,
                       summary="Public: check a UPO's office signature and digests.")
LIST_CASES = RpcMethod(SERVICE, "list_cases", ActorArgs, CaseView, many=True,
                       summary="The actor's cases.")
GET_CASE = RpcMethod(SERVICE, "get_case", CaseArgs, CaseView,
                     summary="A case with its history, documents and letters.")
ADD_CASE_ATTACHMENT = RpcMethod(SERVICE, "add_case_attachment", CaseAttachmentArgs, Attachment,
                                summary="Attach a file to answer the office inside a case.")
ANSWER_CASE = RpcMethod(SERVICE, "answer_case", AnswerArgs, CaseView,
                        summary="Answer the office's request for completion inside the case.")
LIST_LETTERS = RpcMethod(SERVICE, "list_letters", ActorArgs, Letter, many=True,
                         summary="Letters from the office (bodies only once opened).")
OPEN_LETTER = RpcMethod(SERVICE, "open_letter", LetterArgs, Letter,
                        summary="Open a letter: records its delivery (receipt) on first opening.")
CHANGE_CASE_STATUS = RpcMethod(SERVICE, "change_case_status", ChangeStatusArgs, CaseView,
                               summary="Staff (tax_officer): move a case to its next status.")
SEND_LETTER = RpcMethod(SERVICE, "send_letter", SendLetterArgs, Letter,
                        summary="Staff (tax_officer): send a letter in a case.")
class StaffSubjectArgs(ActorArgs):
    subject = fields.String(required=True, validate=validate.Length(min=10, max=11))
    verification_id = fields.UUID(load_default=None, allow_none=True)  # a consultant's verified caller


class SubjectRecords(StrictSchema):
    subject = fields.String(required=True)
    declarations = fields.List(fields.Nested(Submission), required=True)
    cases = fields.List(fields.Nested(CaseView), required=True)


SUBJECT_RECORDS = RpcMethod(SERVICE, "subject_records", StaffSubjectArgs, SubjectRecords,
                            summary="Staff: a taxpayer's declarations and cases, for a tax officer or for a "
                                    "consultant within a verified caller's mandate (audited).")
RUN_HOUSEKEEPING = RpcMethod(SERVICE, "run_housekeeping", result=Housekeeping,
                             summary="Expire abandoned drafts; deem unopened letters delivered.")


MESSAGES: dict[str, tuple[str, str]] = {
    "form.unknown": ("Nie ma takiego formularza.", "There is no such form."),
    "form.subject_kind": ("Ten formularz składa się dla innego rodzaju podmiotu (PESEL/NIP).",
                          "This form is filed for another kind of taxpayer (PESEL/NIP)."),
    "draft.not_open": ("Ten projekt został już złożony lub wygasł.",
                       "This draft was already submitted or has expired."),
    "draft.incomplete": ("Formularz nie jest kompletny: uzupełnij zaznaczone kroki.",
                         "The form is not complete: fill in the marked steps."),
    "step.unknown": ("Nie ma takiego kroku.", "There is no such step."),
    "field.required": ("To pole jest wymagane.", "This field is required."),
    "field.unknown": ("Nieznane pole.", "Unknown field."),
    "field.not_text": ("Podaj tekst.", "Enter text."),
    "field.too_long": ("Tekst jest za długi.", "The text is too long."),
    "field.pattern": ("Nieprawidłowy format.", "Invalid format."),
    "field.not_integer": ("Podaj liczbę całkowitą.", "Enter a whole number."),
    "field.not_number": ("Podaj liczbę (np. 120,50).", "Enter a number (e.g. 120.50)."),
    "field.too_many_decimals": ("Za dużo miejsc po przecinku.", "Too many decimal places."),
    "field.too_small": ("Wartość jest za mała.", "The value is too small."),
    "field.too_large": ("Wartość jest za duża.", "The value is too large."),
    "field.not_money": ("Podaj kwotę w złotych (np. 1234,56).", "Enter an amount in złoty (e.g. 1234.56)."),
    "field.not_date": ("Podaj datę (RRRR-MM-DD).", "Enter a date (YYYY-MM-DD)."),
    "field.date_in_future": ("Data nie może być z przyszłości.", "The date cannot be in the future."),
    "field.date_before": ("Data jest wcześniejsza niż dopuszczalna.", "The date is earlier than allowed."),
    "field.not_boolean": ("Wybierz tak lub nie.", "Choose yes or no."),
    "field.not_a_choice": ("Wybierz jedną z dostępnych opcji.", "Choose one of the options."),
    "field.not_uuid": ("Nieprawidłowy identyfikator.", "Not a valid identifier."),
    "field.must_be_true": ("To oświadczenie jest wymagane.", "This statement is required."),
    "field.not_email": ("Nieprawidłowy adres e-mail.", "Not a valid e-mail address."),
    "field.rows_too_few": ("Dodaj co najmniej jeden wiersz.", "Add at least one row."),
    "field.rows_too_many": ("Za dużo wierszy.", "Too many rows."),
    "field.not_rows": ("Oczekiwano listy wierszy.", "A list of rows was expected."),
    "field.attachment_required": ("Dołącz wymagany plik.", "Attach the required file."),
    "field.attachment_unknown": ("Nie ma takiego załącznika w tym projekcie.", "No such attachment in this draft."),
    "field.exceeds_overpayment": ("Kwota przekracza nadpłatę wynikającą z korekty.",
                                  "The amount exceeds the overpayment that follows from the correction."),
    "field.no_overpayment": ("Z korekty nie wynika nadpłata.", "The correction shows no overpayment."),
    "field.same_as_submitter": ("Pełnomocnikiem nie może być mocodawca.", "The agent cannot be the principal."),
    "field.rate_missing": ("Brak stawek na ten rok.", "There are no rates for this year."),
    "attachment.type": ("Dozwolone są tylko pliki PDF, JPEG, PNG i podpisane XML.",
                        "Only PDF, JPEG, PNG and signed XML files are allowed."),
    "attachment.too_large": ("Plik jest za duży.", "The file is too large."),
    "attachment.empty": ("Plik jest pusty.", "The file is empty."),
    "attachment.not_base64": ("Nieprawidłowa zawartość pliku.", "Invalid file content."),
    "attachment.too_many": ("Za dużo załączników.", "Too many attachments."),
    "signing.method_not_allowed": ("Tego formularza nie można złożyć w ten sposób.",
                                   "This form cannot be submitted this way."),
    "signing.missing": ("Brak podpisanego dokumentu.", "The signed document is missing."),
    "signing.invalid": ("Podpis jest nieprawidłowy.", "The signature is not valid."),
    "signing.untrusted": ("Certyfikat podpisu nie pochodzi od zaufanego dostawcy.",
                          "The signing certificate is not from a trusted provider."),
    "signing.document_mismatch": ("Podpisano inny dokument niż bieżący projekt.",
                                  "A different document than the current draft was signed."),
    "signing.signer_mismatch": ("Dokument podpisała inna osoba niż zalogowana.",
                                "The document was signed by someone other than the signed-in person."),
    "signing.not_ready": ("Dokument nie został jeszcze podpisany profilem zaufanym.",
                          "The document has not been signed with the trusted profile yet."),
    "signing.service_unavailable": ("Usługa podpisu jest chwilowo niedostępna.",
                                    "The signing service is temporarily unavailable."),
    "xml.invalid": ("Nieprawidłowy plik XML.", "Not a valid XML file."),
    "idempotency.reused": ("Ten klucz idempotencji użyto już dla innego dokumentu.",
                           "This idempotency key was already used for another document."),
    "case.transition": ("Sprawy nie można przenieść do tego statusu.", "The case cannot move to this status."),
    "case.not_awaiting_answer": ("Urząd nie czeka na odpowiedź w tej sprawie.",
                                 "The office is not waiting for an answer in this case."),
    "upo.signature_invalid": ("Podpis urzędu na UPO jest nieprawidłowy lub plik zmieniono.",
                              "The office's signature on the UPO is invalid or the file was changed."),
    "upo.not_in_register": ("Takiego UPO nie wydano.", "No such UPO was issued."),
    "upo.digest_mismatch": ("Skróty w UPO nie zgadzają się z rejestrem.",
                            "The UPO's digests do not match the register."),
    "upo.file_changed": ("Plik UPO różni się od wydanego.", "The UPO file differs from the one issued."),
    "upo.verify_input": ("Prześlij plik UPO albo numer referencyjny i skrót.",
                         "Upload the UPO file, or give its reference number and digest."),
}
