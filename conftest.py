"""Root of every test run. nameko 2.14 no longer patches eventlet under plain pytest: do it
before anything imports socket or threading, as `nameko test` would."""
import eventlet

eventlet.monkey_patch()

pytest_plugins = ["portal_shared.testing"]
