"""One blueprint per resource. `ALWAYS` are registered everywhere, `DEVELOPMENT` only
where the configuration allows development aids (never in production)."""
from gateway.blueprints import account, dev, devices, health, registration, sessions

ALWAYS = (registration.bp, sessions.bp, health.bp, account.bp, devices.bp)
DEVELOPMENT = (dev.bp,)
