"""Entrypoints of the declarations service: each checks who may act, then calls a domain module."""
import base64

from nameko.rpc import RpcProxy
from nameko.timer import timer

from declarations import attachments, cases, drafts, formdefs, letters, submissions, upo
from declarations import pdf as pdfs
from declarations.dependencies import OfficeKeys, TrustedProfile
from declarations.helpline import chats, contacts, reports
from declarations.models import Base, Declaration, Upo
from portal_shared import authz, staff_audit
from portal_shared.config import Config
from portal_shared.contracts import declarations as contract
from portal_shared.contracts import helpline
from portal_shared.contracts import identity as identity_contract
from portal_shared.db import Database
from portal_shared.dead_letters import DeadLetters
from portal_shared.entrypoints import handles, rpc_method
from portal_shared.errors import NotFound, ValidationFailed
from portal_shared.health import HealthCheck
from portal_shared.logging import LoggingContext
from portal_shared.staff_audit import StaffAudit

HOUSEKEEPING_SECONDS = 600
HELPLINE_STAFF = ("consultant", "admin")  # who reads queue figures, surveys and waiting chats


def _file(filename: str, media_type: str, content: bytes) -> dict:
    return {"filename": filename, "media_type": media_type, "content_base64": base64.b64encode(content).decode()}


class Service(HealthCheck, DeadLetters, StaffAudit):
    name = contract.SERVICE

    db = Database(contract.SERVICE, Base.metadata)
    identity = RpcProxy(identity_contract.SERVICE)
    keys = OfficeKeys()
    trusted_profile = TrustedProfile()
    log = LoggingContext()

    # --- forms and drafts ----------------------------------------------------------------
    @rpc_method(contract.LIST_FORMS)
    def list_forms(self, language):
        codes = sorted({code for code, _ in formdefs.all_forms()})
        return [formdefs.summary(formdefs.current(code), language) for code in codes]

    @rpc_method(contract.FORM_DEFINITION)
    def form_definition(self, code, version, language):
        form = formdefs.get(code, version) if version else formdefs.current(code)
        return formdefs.public_definition(form, language)

    @rpc_method(contract.START_DRAFT)
    def start_draft(self, actor, language, form_code, subject, account):
        form = formdefs.current(form_code)
        subject = drafts.subject_of(actor, subject, form)
        authz.require(self, actor, subject, "submit")
        draft = drafts.start(self.db.session, actor, form, subject, account)
        return drafts.view(self.db.session, draft, language)

    def _own(self, actor):
        """Listings of one's own things still need the `authenticated` level (tax secrecy)."""
        authz.require(self, actor, actor.get("pesel") or "", "view")

    @rpc_method(contract.LIST_DRAFTS)
    def list_drafts(self, actor, language):
        self._own(actor)
        return [{"draft_id": d.id, "form_code": d.form_code, "subject": d.subject, "status": d.status,
                 "title": formdefs.text(formdefs.get(d.form_code, d.form_version)["title"], language),
                 "updated_at": d.updated_at, "expires_at": d.expires_at}
                for d in drafts.listing(self.db.session, actor)]

    def _draft(self, actor, draft_id, open_only=True, lock=False):
        draft = (drafts.get_open if open_only else drafts.get)(self.db.session, actor, draft_id, lock)
        authz.require(self, actor, draft.subject, "submit")
        return draft

    @rpc_method(contract.GET_DRAFT)
    def get_draft(self, actor, language, draft_id):
        return drafts.view(self.db.session, self._draft(actor, draft_id, open_only=False), language)

    @rpc_method(contract.SAVE_STEP)
    def save_step(self, actor, language, draft_id, step, values):
        draft = self._draft(actor, draft_id, lock=True)
        form = formdefs.get(draft.form_code, draft.form_version)
        drafts.save_step(self.db.session, draft, form, step, values)
        return drafts.view(self.db.session, draft, language)

    @rpc_method(contract.DRAFT_SUMMARY)
    def draft_summary(self, actor, language, draft_id):
        return drafts.summary(self.db.session, self._draft(actor, draft_id, open_only=False), language)

    @rpc_method(contract.DISCARD_DRAFT)
    def discard_draft(self, actor, language, draft_id):
        draft = self._draft(actor, draft_id)
        drafts.delete_draft(self.db.session, draft)

    @rpc_method(contract.ADD_ATTACHMENT)
    def add_attachment(self, actor, language, draft_id, filename, content_base64):
        draft = self._draft(actor, draft_id)
        stored = attachments.store(self.db.session, str(actor["account_id"]), filename, content_base64,
                                   draft_id=draft.id)
        return attachments.view(stored)

    # --- signing and submission -----------------------------------------------------------
    @rpc_method(contract.DRAFT_DOCUMENT)
    def draft_document(self, actor, language, draft_id):
        draft = self._draft(actor, draft_id)
        form, document = submissions.document_of(self.db.session, draft)
        drafts.require_complete(self.db.session, draft, form)
        return {"xml_base64": base64.b64encode(document).decode(), "sha256": upo.digest(document)}

    @rpc_method(contract.START_TRUSTED_PROFILE_SIGNING)
    def start_trusted_profile_signing(self, actor, language, draft_id):
        draft = self._draft(actor, draft_id)
        form, document = submissions.document_of(self.db.session, draft)
        drafts.require_complete(self.db.session, draft, form)
        self.db.session.rollback()  # no transaction held open while a provider answers
        return_url = f"{Config().public_base_url}/declarations/drafts/{draft.id}/signed"
        return self.trusted_profile.add_document_to_signing(document, return_url)

    @rpc_method(contract.SUBMIT)
    def submit(self, actor, language, draft_id, idempotency_key, signing_method, signed_xml_base64, signing_id,
               submitter_name):
        method = signing_method
        watch = submissions.timer()
        session = self.db.session
        with watch.measure("database"):
            # The draft before the key: a twin request that commits in between leaves the draft
            # submitted, and the key read after it then finds the twin's declaration to replay.
            drafts.get(session, actor, draft_id)
            found = submissions.existing(session, str(actor["account_id"]), idempotency_key)
        if found is not None:
            return submissions.view(session, submissions.replay(found, draft_id))
        with watch.measure("database"):
            draft = drafts.get_open(session, actor, draft_id)
        mandate = authz.require(self, actor, draft.subject, "submit")
        with watch.measure("form_validation"):
            form, document = submissions.document_of(session, draft)
            inputs = submissions.inputs_of(session, draft)
            drafts.require_complete(session, draft, form)
        session.rollback()  # release the connection's transaction while the signature is checked
        with watch.measure("signing"):
            signed = submissions.signed_structure(form, method, document, actor, signed_xml_base64, signing_id,
                                                  self.trusted_profile)
        with watch.measure("database"):
            draft = drafts.get(session, actor, draft_id, lock=True)  # one submission per draft
            found = submissions.existing(session, str(actor["account_id"]), idempotency_key)
            if found is not None:  # the same key won the race while we checked the signature
                return submissions.view(session, submissions.replay(found, draft_id))
            draft = drafts.get_open(session, actor, draft_id)
            if submissions.inputs_of(session, draft) != inputs:  # changed while the signature was checked
                raise ValidationFailed({"signed_xml_base64": ["signing.document_mismatch"]})
            declaration = submissions.record(
                self.db, self.keys, actor=actor, draft=draft, form=form, document=document, signed=signed,
                method=method, idempotency_key=idempotency_key, mandate=mandate, submitter_name=submitter_name,
                watch=watch)
            self.db.commit()
        self.log.info("declaration_submitted", declaration_id=declaration.id, form_code=declaration.form_code)
        return submissions.view(session, declaration, watch.result())

    # --- declarations and UPOs --------------------------------------------------------------
    @rpc_method(contract.LIST_DECLARATIONS)
    def list_declarations(self, actor, language):
        self._own(actor)
        return [submissions.view(self.db.session, d) for d in submissions.listing(self.db.session, actor)]

    def _declaration(self, actor, declaration_id):
        declaration = submissions.for_actor(self.db.session, actor, declaration_id)
        authz.require(self, actor, declaration.subject, "view")
        return declaration

    @rpc_method(contract.GET_DECLARATION)
    def get_declaration(self, actor, language, declaration_id):
        return submissions.view(self.db.session, self._declaration(actor, declaration_id))

    @rpc_method(contract.UPO_FILE)
    def upo_file(self, actor, language, declaration_id):
        row = self.db.session.get(Upo, self._declaration(actor, declaration_id).id)
        return _file(f"UPO-{row.reference}.xml", "application/xml", row.xml)

    @rpc_method(contract.UPO_PDF)
    def upo_pdf(self, actor, language, declaration_id):
        row = self.db.session.get(Upo, self._declaration(actor, declaration_id).id)
        return _file(f"UPO-{row.reference}.pdf", "application/pdf", pdfs.upo_pdf(upo.read(row.xml), row.xml_sha256))

    @rpc_method(contract.UPO_DOCUMENTS)
    def upo_documents(self, declaration_id):
        """For notifications (inside the system, no actor): the UPO to attach to the e-mail."""
        row = self.db.session.get(Upo, str(declaration_id))
        if row is None:
            raise NotFound()
        return {"reference": row.reference, "xml_base64": base64.b64encode(row.xml).decode(),
                "pdf_base64": base64.b64encode(pdfs.upo_pdf(upo.read(row.xml), row.xml_sha256)).decode()}

    @rpc_method(contract.ATTACHMENT_FILE)
    def attachment_file(self, actor, language, attachment_id):
        self._own(actor)
        found = cases.attachment_for_actor(self.db.session, actor, attachment_id)
        return _file(found.filename, found.media_type, found.content)

    @rpc_method(contract.DECLARATION_PDF)
    def declaration_pdf(self, actor, language, declaration_id):
        declaration = self._declaration(actor, declaration_id)
        form = formdefs.get(declaration.form_code, declaration.form_version)
        return _file(f"{declaration.form_code}-{declaration.id}.pdf", "application/pdf",
                     pdfs.declaration_pdf(form, declaration, language))

    @rpc_method(contract.VERIFY_UPO)
    def verify_upo(self, xml_base64, reference, digest):
        return submissions.verify(self.db.session, self.keys, xml_base64, reference, digest)

    # --- cases and letters ----------------------------------------------------------------
    def _case(self, actor, case_id, scope="view"):
        case = cases.for_actor(self.db.session, actor, case_id)
        authz.require(self, actor, case.subject, scope)
        return case

    def _case_view(self, case):
        found = letters.of_case(self.db.session, case.id)
        return cases.view(self.db.session, case, [letters.view(x, x.delivered_at is not None) for x in found])

    @rpc_method(contract.LIST_CASES)
    def list_cases(self, actor, language):
        self._own(actor)
        return [self._case_view(case) for case in cases.for_account(self.db.session, actor)]

    @rpc_method(contract.GET_CASE)
    def get_case(self, actor, language, case_id):
        return self._case_view(self._case(actor, case_id))

    @rpc_method(contract.ADD_CASE_ATTACHMENT)
    def add_case_attachment(self, actor, language, case_id, filename, content_base64):
        case = self._case(actor, case_id, "submit")
        stored = attachments.store(self.db.session, str(actor["account_id"]), filename, content_base64,
                                   case_id=case.id)
        return attachments.view(stored)

    @rpc_method(contract.ANSWER_CASE)
    def answer_case(self, actor, language, case_id, text, attachment_ids):
        case = self._case(actor, case_id, "submit")
        cases.answer(self.db, case, actor, text, attachment_ids)
        return self._case_view(case)

    @rpc_method(contract.LIST_LETTERS)
    def list_letters(self, actor, language):
        self._own(actor)
        return [letters.view(x, x.delivered_at is not None) for x in letters.for_actor(self.db.session, actor)]

    @rpc_method(contract.OPEN_LETTER)
    def open_letter(self, actor, language, letter_id):
        self._own(actor)
        return letters.view(letters.open_letter(self.db, actor, letter_id), with_body=True)

    # --- staff ------------------------------------------------------------------------------
    @rpc_method(contract.CHANGE_CASE_STATUS)
    def change_case_status(self, actor, language, case_id, status, note):
        authz.require_role(actor, "tax_officer")
        case = cases.by_id(self.db.session, case_id, lock=True)
        cases.change_status(self.db, case, status, str(actor["account_id"]), note)
        staff_audit.record(self.db.session, actor, "case_status_changed", case.subject, case_id=case.id,
                           form_code=case.form_code, status=status)
        return self._case_view(case)

    @rpc_method(contract.SEND_LETTER)
    def send_letter(self, actor, language, case_id, subject_line, body):
        authz.require_role(actor, "tax_officer")
        case = cases.by_id(self.db.session, case_id)
        declaration = self.db.session.get(Declaration, case.declaration_id)
        known_contacts = identity_contract.CONTACTS(self, subjects=[declaration.submitter_pesel]) \
            if declaration.submitter_pesel else []
        consent = any(c["account_id"] == case.account_id and c["consent_e_correspondence"] for c in known_contacts)
        letter = letters.send(self.db, case, str(actor["account_id"]), subject_line, body, consent)
        staff_audit.record(self.db.session, actor, "letter_sent", case.subject, case_id=case.id, letter_id=letter.id)
        return letters.view(letter, with_body=True)

    @rpc_method(contract.SUBJECT_RECORDS)
    def subject_records(self, actor, language, subject, verification_id):
        how = authz.require_staff_view(self, actor, subject, verification_id)
        staff_audit.record(self.db.session, actor, "records_read", subject, allowed_by=how)
        session = self.db.session
        return {"subject": subject,
                "declarations": [submissions.view(session, d) for d in submissions.of_subject(session, subject)],
                "cases": [self._case_view(case) for case in cases.of_subject(session, subject)]}

    # --- the helpline: contacts in queues, surveys, chat transcripts ----------------------------
    @rpc_method(helpline.ROUTE_CONTACT)
    def route_contact(self, call_id, queue, routed_by, channel):
        contact = contacts.route(self.db.session, call_id, queue, routed_by, channel)
        self.log.info("contact_routed", call_id=call_id, queue=queue, routed_by=routed_by)
        return contacts.view(contact)

    @rpc_method(helpline.CONTACT_ANSWERED)
    def contact_answered(self, call_id):
        return contacts.view(contacts.answered(self.db.session, call_id))

    @rpc_method(helpline.CONTACT_ENDED)
    def contact_ended(self, call_id):
        return contacts.view(contacts.ended(self.db.session, call_id))

    @rpc_method(helpline.SUBMIT_SURVEY)
    def submit_survey(self, call_id, rating, comment):
        return reports.submit_survey(self.db.session, call_id, rating, comment)

    @rpc_method(helpline.QUEUE_STATISTICS)
    def queue_statistics(self, actor, since, until, queue):
        authz.require_role(actor, *HELPLINE_STAFF)
        return reports.queue_statistics(self.db.session, since, until, queue)

    @rpc_method(helpline.SURVEY_REPORT)
    def survey_report(self, actor, since, until, queue):
        authz.require_role(actor, *HELPLINE_STAFF)
        return reports.survey_report(self.db.session, since, until, queue)

    @rpc_method(helpline.CHAT_APPEND)
    def chat_append(self, conversation_id, lang, lines):
        return chats.append(self.db.session, str(conversation_id), lang, lines)

    @rpc_method(helpline.CHAT_CONVERSATION)
    def chat_conversation(self, conversation_id):
        return chats.find(self.db.session, str(conversation_id))

    @rpc_method(helpline.WAITING_CHATS)
    def waiting_chats(self, actor, queue):
        authz.require_role(actor, *HELPLINE_STAFF)
        return {"conversations": chats.waiting(self.db.session, queue)}

    # --- housekeeping and events ------------------------------------------------------------
    @rpc_method(contract.RUN_HOUSEKEEPING)
    def run_housekeeping(self):
        return self._housekeeping()

    @timer(interval=HOUSEKEEPING_SECONDS)
    def housekeeping(self):
        self._housekeeping()
        self.db.commit()

    def _housekeeping(self):
        expired = drafts.expire(self.db.session)
        deemed = letters.deem_delivered(self.db)
        return {"drafts_expired": expired, "letters_deemed_delivered": deemed}

    @handles(identity_contract.ACCOUNT_DELETED)
    def on_account_deleted(self, event):
        removed = drafts.delete_for_account(self.db.session, str(event["account_id"]))
        self.log.info("drafts_deleted_with_account", account_id=str(event["account_id"]), drafts=removed)
