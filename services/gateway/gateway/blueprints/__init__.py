"""One blueprint per resource. `ALWAYS` are registered everywhere, `DEVELOPMENT` only
where the configuration allows development aids (never in production)."""
from gateway.blueprints import declarations, dev, health, registration, sessions

ALWAYS = (registration.bp, sessions.bp, health.bp, declarations.bp)
DEVELOPMENT = (dev.bp,)
