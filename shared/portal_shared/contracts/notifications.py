"""Contract of the notifications service."""
from portal_shared.contracts.common import health

SERVICE = "notifications"

HEALTH = health(SERVICE)
