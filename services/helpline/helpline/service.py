"""Entrypoints of the helpline service: each translates a call into a domain function."""
from helpline import chats, contacts, reports
from helpline.models import Base
from portal_shared.authz import require_role
from portal_shared.contracts import helpline as contract
from portal_shared.db import Database
from portal_shared.dead_letters import DeadLetters
from portal_shared.entrypoints import rpc_method
from portal_shared.health import HealthCheck
from portal_shared.logging import LoggingContext

REPORT_ROLES = ("consultant", "admin")


class Service(HealthCheck, DeadLetters):
    name = contract.SERVICE

    db = Database(contract.SERVICE, Base.metadata)
    log = LoggingContext()

    @rpc_method(contract.ROUTE_CONTACT)
    def route_contact(self, call_id, queue, routed_by, channel):
        contact = contacts.route(self.db.session, call_id, queue, routed_by, channel)
        self.log.info("contact_routed", call_id=call_id, queue=queue, routed_by=routed_by)
        return contacts.view(contact)

    @rpc_method(contract.CONTACT_ANSWERED)
    def contact_answered(self, call_id):
        return contacts.view(contacts.answered(self.db.session, call_id))

    @rpc_method(contract.CONTACT_ENDED)
    def contact_ended(self, call_id):
        return contacts.view(contacts.ended(self.db.session, call_id))

    @rpc_method(contract.SUBMIT_SURVEY)
    def submit_survey(self, call_id, rating, comment):
        return reports.submit_survey(self.db.session, call_id, rating, comment)

    @rpc_method(contract.QUEUE_STATISTICS)
    def queue_statistics(self, actor, since, until, queue):
        require_role(actor, *REPORT_ROLES)
        return reports.queue_statistics(self.db.session, since, until, queue)

    @rpc_method(contract.SURVEY_REPORT)
    def survey_report(self, actor, since, until, queue):
        require_role(actor, *REPORT_ROLES)
        return reports.survey_report(self.db.session, since, until, queue)

    @rpc_method(contract.CHAT_APPEND)
    def chat_append(self, conversation_id, lang, lines):
        return chats.append(self.db.session, str(conversation_id), lang, lines)

    @rpc_method(contract.CHAT_CONVERSATION)
    def chat_conversation(self, conversation_id):
        return chats.find(self.db.session, str(conversation_id))

    @rpc_method(contract.WAITING_CHATS)
    def waiting_chats(self, actor, queue):
        require_role(actor, *REPORT_ROLES)
        return {"conversations": chats.waiting(self.db.session, queue)}
