"""Liveness and readiness of the gateway."""
from flask import Blueprint

from gateway.api import call
from portal_shared.contracts import identity

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process answers."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """The broker and the services behind it answer (503 otherwise)."""
    return {"status": "ready", "identity": call(identity.HEALTH)["status"]}
