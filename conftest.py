"""Root of every test run. nameko 2.14 no longer patches eventlet under plain pytest: do it
before anything imports socket or threading, as `nameko test` would."""
import os

import eventlet

eventlet.monkey_patch()

# The gateway's per-address rate limits would count every test's requests from 127.0.0.1 as one
# client; the tests of the limits themselves switch them on explicitly.
os.environ.setdefault("RATE_LIMITS_ENABLED", "false")

pytest_plugins = ["portal_shared.testing"]
