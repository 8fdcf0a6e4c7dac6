"""One blueprint per resource. `ALWAYS` are registered everywhere, `DEVELOPMENT` only
where the configuration allows development aids (never in production)."""
from gateway.blueprints import (
    account,
    authentication,
    callbacks,
    chatbot,
    declarations,
    dev,
    devices,
    health,
    ivr,
    ledger,
    mandates,
    notification_settings,
    registration,
    sessions,
    telepin,
)

ALWAYS = (registration.bp, sessions.bp, health.bp, account.bp, devices.bp, authentication.bp, telepin.bp,
          mandates.bp, ledger.bp, callbacks.bp, notification_settings.bp,
          declarations.bp, chatbot.bp, ivr.bp)
DEVELOPMENT = (dev.bp,)
