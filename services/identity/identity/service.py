"""Identity's entrypoints: each translates a call into a domain function and nothing more."""
import base64

from identity import accounts, captcha, email_verification, sessions
from identity.models import Base
from portal_shared.config import Config
from portal_shared.contracts import identity as contract
from portal_shared.db import Database
from portal_shared.entrypoints import rpc_method
from portal_shared.errors import Forbidden, NotFound
from portal_shared.health import HealthCheck
from portal_shared.logging import LoggingContext


class Service(HealthCheck):
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
        return accounts.view(sessions.account_for_token(self.db, token))

    @rpc_method(contract.LOGOUT)
    def logout(self, token):
        sessions.logout(self.db, token)

    @rpc_method(contract.AUTHORIZE)
    def authorize(self, account_id, subject, scope):
        # Mandates (representation) arrive with the identity issue; until then nobody acts for others.
        return {"allowed": False, "mandate_id": None}

    @rpc_method(contract.CONTACTS)
    def contacts(self, subjects):
        return accounts.contacts(self.db.session, subjects)
