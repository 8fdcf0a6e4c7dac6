"""Checking a one-time code sent by e-mail or SMS: a wrong code counts, the fifth voids it."""
from datetime import UTC, datetime

from identity import audit, tokens
from portal_shared.errors import ValidationFailed

MAX_WRONG_CODES = 5


def check(uow, verification, code: str, account_id: str, wrong_code_action: str) -> None:
    """Return when `code` opens the open `verification`; otherwise refuse with the reason.
    The counted try (and the void) is committed although the caller answers with an error."""
    if verification is None:
        raise ValidationFailed({"code": ["code.expired"]})
    if tokens.matches(code, verification.code_hash):
        return
    verification.failed_attempts += 1
    audit.record(uow.session, wrong_code_action, actor=str(account_id), subject=str(account_id),
                 attempts=verification.failed_attempts)
    if verification.failed_attempts >= MAX_WRONG_CODES:
        verification.closed_at = datetime.now(UTC)
        uow.commit()
        raise ValidationFailed({"code": ["code.void_request_new"]})
    uow.commit()
    raise ValidationFailed({"code": ["code.wrong"]})
