"""The one authorisation check every service applies to every call on someone's tax data.

An actor may act for a subject (a PESEL or NIP) within a scope when the subject is the
actor's own PESEL, or when identity confirms a valid mandate with that scope. Tax data needs
the `authenticated` level. A refusal never says whether the subject exists.
"""
from portal_shared.contracts import identity
from portal_shared.errors import Forbidden

SCOPES = ("view", "pay", "submit")


def require(identity_rpc, actor: dict, subject: str, scope: str) -> str:
    """Return how the actor is allowed ("self" or a mandate id), or raise `Forbidden`.

    `identity_rpc` is anything with an `identity` attribute: a nameko `RpcProxy` dependency
    for services, a `ClusterRpcProxy` for tools.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    if actor["level"] != "authenticated":
        raise Forbidden("level.authenticated_required")
    if actor.get("pesel") and subject == actor["pesel"]:
        return "self"
    decision = identity.AUTHORIZE(identity_rpc, account_id=str(actor["account_id"]),
                                  subject=subject, scope=scope)
    if not decision["allowed"]:
        raise Forbidden()
    return decision["mandate_id"]


def require_role(actor: dict, *roles: str) -> None:
    """Staff RPCs: the actor must hold one of `roles`."""
    if not set(actor.get("roles") or ()) & set(roles):
        raise Forbidden("role.required")


def forbid_demo(actor: dict) -> None:
    """The shared demo account (seed 001) may look at everything it is shown, but nothing it
    does may reach other people or shared state: payments, submissions, messages, mandates."""
    if actor.get("demo"):
        raise Forbidden("demo.read_only")


def require_staff_view(identity_rpc, actor: dict, subject: str, verification_id: str | None) -> str:
    """Staff reading a taxpayer's data: a tax officer may; a consultant only for a caller who
    proved who they are (phone + telePIN) and only within that caller's mandates. Returns how."""
    roles = set(actor.get("roles") or ())
    if "tax_officer" in roles:
        return "tax_officer"
    if "consultant" not in roles:
        raise Forbidden("role.required")
    if verification_id is None:
        raise Forbidden("caller.not_verified")
    access = identity.CALLER_ACCESS(identity_rpc, consultant_account_id=str(actor["account_id"]),
                                    verification_id=str(verification_id), subject=subject)
    if not access["allowed"]:
        raise Forbidden("caller.not_verified")
    return f"caller:{access['caller_account_id']}"
