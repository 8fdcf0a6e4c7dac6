"""The taxpayer's dashboard: one read for the API and the portal's pages.

The ledger owns the figures and decides who may see them (the actor's own PESEL, or a mandate
that identity confirms), so the gateway asks it on every read and keeps nothing: a revoked
mandate stops access on the very next request. Why there is no cache in front: README,
"Dashboard read path".
"""
from gateway.api import call
from portal_shared.contracts import ledger


def taxpayer_overview(actor: dict, subject: str) -> dict:
    """Accounts, liabilities, installments, payments, overpayments, reminders and the balance."""
    return call(ledger.OVERVIEW, actor=actor, subject=subject)
