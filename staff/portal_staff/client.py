"""`StaffClient`: calls services over RPC as a signed-in staff member.

The staff session token is kept in a file readable only by its owner; every call sends the
actor that identity confirms for that token, and each service checks the actor's role itself.
"""
import json
import os
from pathlib import Path

from portal_shared.config import Config
from portal_shared.contracts import declarations, identity, ledger
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

    # --- composed look-ups: each service checks the member and audits its own part ------------
    def find_taxpayers(self, pesel=None, nip=None, name=None, account_number=None) -> list[dict]:
        """The individual account number is ledger's: it names the PESEL or NIP to look for."""
        if account_number:
            owner = self.call(ledger.FIND_TAX_ACCOUNT, account_number=account_number)["subject"]
            pesel, nip = (owner, nip) if len(owner) == 11 else (pesel, owner)
        return self.call(identity.FIND_TAXPAYERS, pesel=pesel, nip=nip, name=name)

    def taxpayer_card(self, account_id: str) -> dict:
        record = self.call(identity.TAXPAYER_RECORD, account_id=account_id)
        return {**record, **self._subject_data(record["account"]["pesel"], None)}

    def caller_card(self, phone: str, telepin: str | None, on_behalf_of: str | None = None) -> dict:
        """Without a telePIN the consultant gives general information only (seed 003)."""
        if not telepin:
            return {"identified": False, "general_information_only": True}
        caller = self.call(identity.IDENTIFY_CALLER, phone=phone, telepin=telepin)
        subject = on_behalf_of or caller["pesel"]  # ledger and declarations check it against the mandates
        return {"identified": True, "caller": caller, "on_behalf_of": on_behalf_of,
                **self._subject_data(subject, caller["verification_id"])}

    def _subject_data(self, subject: str, verification_id: str | None) -> dict:
        money = self.call(ledger.STAFF_OVERVIEW, subject=subject, verification_id=verification_id)
        records = self.call(declarations.SUBJECT_RECORDS, subject=subject, verification_id=verification_id)
        return {"subject": subject, "ledger": money, "declarations": records["declarations"],
                "cases": records["cases"]}
