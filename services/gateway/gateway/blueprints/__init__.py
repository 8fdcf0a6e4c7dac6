"""One blueprint per resource. `ALWAYS` are registered everywhere, `DEVELOPMENT` only
where the configuration allows development aids (never in production)."""
from gateway.blueprints import callbacks, dev, health, notification_settings, registration, sessions

ALWAYS = (registration.bp, sessions.bp, health.bp, callbacks.bp, notification_settings.bp)
DEVELOPMENT = (dev.bp,)
