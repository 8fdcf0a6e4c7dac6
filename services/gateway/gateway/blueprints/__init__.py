"""One blueprint per resource. `ALWAYS` are registered everywhere, `DEVELOPMENT` only
where the configuration allows development aids (never in production)."""
from gateway.blueprints import chatbot, dev, health, ivr, registration, sessions

ALWAYS = (registration.bp, sessions.bp, health.bp, chatbot.bp, ivr.bp)
DEVELOPMENT = (dev.bp,)
