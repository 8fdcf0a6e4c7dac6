"""One blueprint per resource. `ALWAYS` are registered everywhere, `DEVELOPMENT` only
where the configuration allows development aids (never in production)."""
from gateway.blueprints import dev, health, ledger, registration, sessions

ALWAYS = (registration.bp, sessions.bp, health.bp, ledger.bp)
DEVELOPMENT = (dev.bp,)
