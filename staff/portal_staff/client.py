"""`StaffClient`: calls services over RPC as a signed-in staff member.

The staff session token is kept in a file readable only by its owner; every call sends the
actor that identity confirms for that token, and each service checks the actor's role itself.
"""
import json
import os
from pathlib import Path

from portal_shared.config import Config
from portal_shared.contracts import identity
from portal_shared.contracts.base import RpcMethod
from portal_shared.errors import Unauthorized
from portal_shared.rpc_client import RpcPool


def session_file() -> Path:
    home = os.environ.get("PORTAL_STAFF_HOME") or Path.home() / ".config" / "portal-staff"
    return Path(home) / "session.json"


class StaffClient:
    def __init__(self, amqp_uri: str | None = None, timeout: float = 15):
        config = Config()
        self.pool = RpcPool({"AMQP_URI": amqp_uri or config.amqp_uri}, size=2, timeout=timeout)
        self._actor = None

    def close(self) -> None:
        self.pool.close()

    def raw(self, method: RpcMethod, **kwargs):
        return self.pool.call(method, **kwargs)

    # --- session ---------------------------------------------------------------------
    def login(self, login: str, password: str) -> dict:
        started = self.raw(identity.STAFF_LOGIN, login=login, password=password, client_address="portal-staff")
        path = session_file()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump({"token": started["token"], "expires_at": started["expires_at"]}, file)
        self._actor = started["actor"]
        return started

    def logout(self) -> None:
        token = self._token()
        try:
            self.raw(identity.STAFF_LOGOUT, token=token)
        finally:
            session_file().unlink(missing_ok=True)

    def actor(self) -> dict:
        if self._actor is None:
            self._actor = self.raw(identity.STAFF_SESSION_ACTOR, token=self._token())
        return self._actor

    def _token(self) -> str:
        try:
            return json.loads(session_file().read_text())["token"]
        except (OSError, ValueError, KeyError):
            raise Unauthorized("staff.not_signed_in") from None

    # --- calls as the signed-in member ----------------------------------------------------
    def call(self, method: RpcMethod, **kwargs):
        """Call `method` with the signed-in member as `actor`."""
        return self.raw(method, actor=self.actor(), **kwargs)
