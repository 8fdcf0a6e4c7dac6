"""Contract of the ledger service."""
from portal_shared.contracts.common import health

SERVICE = "ledger"

HEALTH = health(SERVICE)
