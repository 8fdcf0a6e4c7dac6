"""Identity's entrypoints: each translates a call into a domain function and nothing more."""
import base64

from nameko.timer import timer

from identity import (
    accounts,
    acting,
    callers,
    captcha,
    devices,
    disputes,
    email_verification,
    in_person,
    levels,
    lookup,
    mandates,
    password_reset,
    phone_verification,
    profile,
    qualified_signature,
    sessions,
    staff,
    throttling,
    trusted_profile,
)
from identity import telepin as telepins  # `telepin` is also an RPC argument
from identity.models import Base
from portal_shared.authz import require_role
from portal_shared.config import Config
from portal_shared.contracts import declarations
from portal_shared.contracts import identity as contract
from portal_shared.db import Database
from portal_shared.dead_letters import DeadLetters
from portal_shared.entrypoints import handles, rpc_method
from portal_shared.errors import Forbidden, NotFound
from portal_shared.health import HealthCheck
from portal_shared.logging import LoggingContext


class Service(HealthCheck, DeadLetters):
    name = contract.SERVICE

    db = Database(contract.SERVICE, Base.metadata)
    log = LoggingContext()

    @rpc_method(contract.CREATE_CAPTCHA)
    def create_captcha(self):
        return captcha.new_captcha(self.db.session)

    @rpc_method(contract.CAPTCHA_AUDIO)
    def captcha_audio(self, captcha_id):
        audio = captcha.audio_of(self.db.session, captcha_id)
        if audio is None:
            raise NotFound()
        return {"audio_wav_base64": base64.b64encode(audio).decode()}

    @rpc_method(contract.DEV_CAPTCHA_ANSWER)
    def dev_captcha_answer(self, captcha_id):
        if not Config().dev_tools_enabled:
            raise Forbidden()
        answer = captcha.answer_of(self.db.session, captcha_id)
        if answer is None:
            raise NotFound()
        return {"answer": answer}

    @rpc_method(contract.REGISTER)
    def register(self, **registration):
        account = accounts.register(self.db, registration)
        self.log.info("account_registered", account_id=account.id)
        return accounts.view(account)

    @rpc_method(contract.VERIFY_EMAIL)
    def verify_email(self, account_id, code):
        return accounts.view(email_verification.verify_code(self.db, account_id, code))

    @rpc_method(contract.VERIFY_EMAIL_LINK)
    def verify_email_link(self, token):
        return accounts.view(email_verification.verify_link(self.db, token))

    @rpc_method(contract.RESEND_EMAIL_VERIFICATION)
    def resend_email_verification(self, account_id):
        email_verification.resend(self.db, account_id)
        return {"sent": True}

    @rpc_method(contract.LOGIN)
    def login(self, login, password, client_address):
        started = sessions.login(self.db, login, password, client_address)
        return {**started, "account": accounts.view(started["account"])}

    @rpc_method(contract.SESSION_ACCOUNT)
    def session_account(self, token):
        return {**accounts.view(sessions.account_for_token(self.db, token)),
                "acting_for": acting.current(self.db, token)["subject"]}

    @rpc_method(contract.LOGOUT)
    def logout(self, token):
        sessions.logout(self.db, token)

    @rpc_method(contract.AUTHORIZE)
    def authorize(self, account_id, subject, scope):
        return mandates.authorize(self.db.session, account_id, subject, scope)

    @rpc_method(contract.CONTACTS)
    def contacts(self, subjects):
        return accounts.contacts(self.db.session, subjects)

    # --- account life: password, phone, profile, sessions, devices, staff ------------------
    @rpc_method(contract.REQUEST_PASSWORD_RESET)
    def request_password_reset(self, login, client_address):
        password_reset.request(self.db, login, client_address)
        return {"accepted": True}

    @rpc_method(contract.COMPLETE_PASSWORD_RESET)
    def complete_password_reset(self, token, password, client_address):
        return {"ended": password_reset.complete(self.db, token, password, client_address)}

    @rpc_method(contract.CHANGE_PASSWORD)
    def change_password(self, token, current_password, new_password):
        return {"ended": password_reset.change(self.db, token, current_password, new_password)}

    @rpc_method(contract.VERIFY_PHONE)
    def verify_phone(self, account_id, code):
        return accounts.view(phone_verification.verify_code(self.db, account_id, code))

    @rpc_method(contract.RESEND_PHONE_VERIFICATION)
    def resend_phone_verification(self, account_id):
        phone_verification.resend(self.db, account_id)
        return {"sent": True}

    @rpc_method(contract.UPDATE_PROFILE)
    def update_profile(self, token, client_address, **changes):
        return accounts.view(profile.update(self.db, token, changes, client_address))

    @rpc_method(contract.LIST_SESSIONS)
    def list_sessions(self, token):
        return sessions.list_sessions(self.db, token)

    @rpc_method(contract.END_SESSION)
    def end_session(self, token, session_id):
        sessions.end_session(self.db, token, session_id)

    @rpc_method(contract.END_ALL_SESSIONS)
    def end_all_sessions(self, token):
        return {"ended": sessions.end_all_sessions(self.db, token)}

    @rpc_method(contract.REGISTER_DEVICE)
    def register_device(self, token, client_address, **registration):
        return devices.register(self.db, token, registration, client_address)

    @rpc_method(contract.DEVICE_LOGIN)
    def device_login(self, device_id, device_secret, pin, client_address):
        started = devices.login(self.db, device_id, device_secret, pin, client_address)
        return {**started, "account": accounts.view(started["account"])}

    @rpc_method(contract.LIST_DEVICES)
    def list_devices(self, token):
        return devices.list_devices(self.db, token)

    @rpc_method(contract.REVOKE_DEVICE)
    def revoke_device(self, token, device_id):
        devices.revoke(self.db, token, device_id)

    @rpc_method(contract.SET_PUSH_TOKEN)
    def set_push_token(self, token, device_id, push_token):
        return devices.set_push_token(self.db, token, device_id, push_token)

    @rpc_method(contract.PUSH_TARGETS)
    def push_targets(self, account_ids):
        return devices.push_targets(self.db.session, account_ids)

    @rpc_method(contract.STAFF_LOGIN)
    def staff_login(self, login, password, client_address):
        return staff.login(self.db, login, password, client_address)

    @rpc_method(contract.STAFF_SESSION_ACTOR)
    def staff_session_actor(self, token):
        return staff.actor_for_token(self.db.session, token)

    @rpc_method(contract.STAFF_LOGOUT)
    def staff_logout(self, token):
        staff.logout(self.db.session, token)

    @rpc_method(contract.CREATE_STAFF)
    def create_staff(self, actor, login, full_name, roles, password):
        admin = staff.checked_actor(self.db.session, actor, "admin")
        return staff.view(staff.create(self.db.session, login=login, full_name=full_name, roles=roles,
                                       password=password, created_by=staff.audit_actor(admin.id)))

    @rpc_method(contract.CHANGE_STAFF)
    def change_staff(self, actor, staff_id, **changes):
        admin = staff.checked_actor(self.db.session, actor, "admin")
        return staff.view(staff.change(self.db.session, admin, staff_id, changes))

    @rpc_method(contract.LIST_STAFF)
    def list_staff(self, actor):
        staff.checked_actor(self.db.session, actor, "admin")
        return staff.list_members(self.db.session)

    @rpc_method(contract.READ_AUDIT_LOG)
    def read_audit_log(self, actor, **query):
        admin = staff.checked_actor(self.db.session, actor, "admin")
        return staff.read_audit_log(self.db.session, admin, query)

    @timer(interval=3600)
    def purge_stale_throttles(self):
        purged = throttling.purge_stale(self.db.session)
        self.db.commit()
        self.log.info("throttles_purged", purged=purged)

    # --- authentication levels -----------------------------------------------------------
    @rpc_method(contract.AUTHENTICATE_IN_PERSON)
    def authenticate_in_person(self, actor, account_id, pesel, document_kind, document_number):
        record = in_person.authenticate(self.db, actor, str(account_id), pesel, document_kind,
                                        document_number, source="staff")
        return accounts.view(accounts.get(self.db.session, record.account_id))

    @rpc_method(contract.AUTHENTICATIONS)
    def authentications(self, account_id):
        return levels.history(self.db.session, account_id)

    @rpc_method(contract.START_TRUSTED_PROFILE)
    def start_trusted_profile(self, account_id):
        return trusted_profile.start(self.db, account_id)

    @rpc_method(contract.COMPLETE_TRUSTED_PROFILE)
    def complete_trusted_profile(self, SAMLResponse, RelayState):  # noqa: N803  SAML's own names
        return accounts.view(trusted_profile.complete(self.db, SAMLResponse))

    @rpc_method(contract.QUALIFIED_SIGNATURE_STATEMENT)
    def qualified_signature_statement(self, account_id):
        return qualified_signature.statement(self.db, account_id)

    @rpc_method(contract.AUTHENTICATE_QUALIFIED_SIGNATURE)
    def authenticate_qualified_signature(self, account_id, signed_statement):
        return accounts.view(qualified_signature.authenticate(self.db, account_id, signed_statement))

    # --- telePIN -------------------------------------------------------------------------
    @rpc_method(contract.TELEPIN_STATUS)
    def telepin_status(self, account_id):
        return telepins.status(self.db.session, account_id)

    @rpc_method(contract.SET_TELEPIN)
    def set_telepin(self, account_id, telepin, telepin_repeated, client_address):
        return telepins.set_pin(self.db, account_id, telepin, telepin_repeated, client_address)

    @rpc_method(contract.DISABLE_TELEPIN)
    def disable_telepin(self, account_id):
        return telepins.disable(self.db, account_id)

    @rpc_method(contract.IDENTIFY_CALLER)
    def identify_caller(self, actor, phone, telepin):
        return telepins.identify(self.db, actor, phone, telepin, source="helpline")

    @timer(interval=3600)
    def purge_expired_caller_verifications(self):
        purged = callers.purge_expired(self.db.session)
        self.db.commit()
        self.log.info("caller_verifications_purged", purged=purged)

    @rpc_method(contract.CALLER_ACCESS)
    def caller_access(self, consultant_account_id, verification_id, subject):
        return callers.access(self.db.session, consultant_account_id, verification_id, subject)

    # --- staff look-ups ------------------------------------------------------------------
    @rpc_method(contract.FIND_TAXPAYERS)
    def find_taxpayers(self, actor, pesel, nip, name):
        return lookup.find(self.db.session, actor, pesel, nip, name)

    @rpc_method(contract.TAXPAYER_RECORD)
    def taxpayer_record(self, actor, account_id):
        return lookup.record(self.db.session, actor, str(account_id))

    # --- representation ------------------------------------------------------------------
    @rpc_method(contract.GRANT_MANDATE)
    def grant_mandate(self, actor, **grant):
        require_role(actor, "tax_officer")
        mandate = mandates.grant(self.db, **grant, granted_by=f"staff:{actor['account_id']}",
                                 actor=str(actor["account_id"]), source="staff")
        return mandates.view(mandate)

    @rpc_method(contract.REVOKE_MANDATE)
    def revoke_mandate(self, actor, mandate_id):
        return mandates.view(mandates.revoke(self.db, actor, mandate_id))

    @rpc_method(contract.MANDATES)
    def mandates(self, account_id):
        return mandates.of_account(self.db.session, accounts.get(self.db.session, account_id))

    @handles(declarations.DECLARATION_ACCEPTED)
    def grant_accepted_mandate(self, event):
        mandates.grant_from_declaration(self.db, event)

    @rpc_method(contract.ACTING_FOR)
    def acting_for(self, token):
        return acting.current(self.db, token)

    @rpc_method(contract.SWITCH_ACTING_FOR)
    def switch_acting_for(self, token, subject, client_address):
        return acting.switch(self.db, token, subject, client_address)

    # --- PESEL disputes ------------------------------------------------------------------
    @rpc_method(contract.DELETE_WRONG_ACCOUNT)
    def delete_wrong_account(self, actor, account_id, pesel, document_kind, document_number, note):
        return disputes.delete_wrong_account(self.db, actor, str(account_id), pesel, document_kind,
                                             document_number, note, source="staff")
