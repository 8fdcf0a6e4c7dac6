"""Contract of the declarations service: submissions, cases, letters, and the effects of an
accepted form that other services carry out (ledger: assessments, rebookings, refunds;
identity: mandates)."""
from marshmallow import fields, validate

from portal_shared.contracts.base import Event, EventPayload, RpcMethod, StrictSchema
from portal_shared.contracts.common import health

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
