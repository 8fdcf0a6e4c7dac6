"""The portal pages' reads of a taxpayer's money: one small function per read, so how the
gateway reaches the ledger (straight RPC today; a cache or a read model later) changes here
only. The ledger authorises every read by the actor; the gateway only passes it along."""
from gateway.api import call
from portal_shared.contracts import ledger


def overview(actor: dict, subject: str) -> dict:
    return call(ledger.OVERVIEW, actor=actor, subject=subject)


def interest_due(actor: dict, subject: str) -> list[dict]:
    return call(ledger.INTEREST_DUE, actor=actor, subject=subject)


def transfer_details(actor: dict, subject: str, installment_id: str) -> dict:
    [details] = call(ledger.TRANSFER_DETAILS, actor=actor, subject=subject, installment_id=installment_id)
    return details


def unpaid_transfer_details(actor: dict, subject: str) -> list[dict]:
    return call(ledger.TRANSFER_DETAILS, actor=actor, subject=subject, installment_id=None)


def start_online_payment(actor: dict, subject: str, installment_id: str, email: str, idempotency_key: str,
                         return_url: str, status_url: str) -> dict:
    return call(ledger.START_ONLINE_PAYMENT, actor=actor, subject=subject, installment_ids=[installment_id],
                email=email, idempotency_key=idempotency_key, return_url=return_url, status_url=status_url)
