"""Entrypoints of the ledger service."""
from ledger.models import Base
from portal_shared.contracts import ledger as contract
from portal_shared.db import Database
from portal_shared.dead_letters import DeadLetters
from portal_shared.health import HealthCheck
from portal_shared.logging import LoggingContext


class Service(HealthCheck, DeadLetters):
    name = contract.SERVICE

    db = Database(contract.SERVICE, Base.metadata)
    log = LoggingContext()
