"""Contract of the declarations service."""
from portal_shared.contracts.common import health

SERVICE = "declarations"

HEALTH = health(SERVICE)
