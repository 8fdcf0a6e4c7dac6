"""Trusted profile: SAML 2.0 with the national login node (węzeł krajowy), through pysaml2.

The account starts a login: we send an AuthnRequest (HTTP-Redirect binding) and remember its
id with the account (the browser returns cross-site, without the session cookie, so the
request id is what binds the answer to the account). The node posts back a response with an
assertion signed by its metadata's key (HTTP-POST binding); pysaml2 verifies the signature
(with the `xmlsec1` program), the audience, the time window and that it answers our request.
The PESEL in the eIDAS PersonIdentifier must be the account's.
"""
import base64
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import requests
import structlog
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.samlp import response_from_string
from saml2.sigver import get_xmlsec_binary

from identity import levels
from identity.models import Account, AuthenticationRequest
from portal_shared.config import Config
from portal_shared.errors import ServiceUnavailable, ValidationFailed

log = structlog.get_logger()
LIFETIME = timedelta(minutes=10)
METADATA_REFRESH = timedelta(hours=1)
ACS_PATH = "/api/v1/authentications/trusted-profile/acs"
EIDAS = "http://eidas.europa.eu/attributes/naturalperson/"
METHOD = "trusted_profile"


@lru_cache(maxsize=4)
def client_for(metadata_url: str, public_base_url: str, entity_id: str, period: int) -> Saml2Client:
    """A client with the node's metadata, fetched again each `METADATA_REFRESH` period (the
    node rotates its signing keys by publishing new metadata)."""
    try:
        response = requests.get(metadata_url, timeout=10)
        response.raise_for_status()
    except requests.RequestException as exc:
        log.warning("login_node_metadata_unavailable", url=metadata_url, error=repr(exc))
        raise ServiceUnavailable("authentication.node_unavailable") from exc
    config = SPConfig().load({
        "entityid": entity_id or f"{public_base_url}/saml/metadata",
        "service": {"sp": {
            "endpoints": {"assertion_consumer_service": [(public_base_url + ACS_PATH, BINDING_HTTP_POST)]},
            "want_assertions_signed": True, "want_response_signed": False,
            "allow_unsolicited": False, "authn_requests_signed": False,
        }},
        "metadata": {"inline": [response.text]},
        "xmlsec_binary": get_xmlsec_binary(), "allow_unknown_attributes": True,
    })
    return Saml2Client(config=config)


def _client() -> Saml2Client:
    config = Config()
    period = int(time.time() // METADATA_REFRESH.total_seconds())
    return client_for(config.login_node_metadata_url, config.public_base_url, config.saml_sp_entity_id,
                      period)


def start(uow, account_id: str) -> dict:
    account = uow.session.get(Account, str(account_id))
    levels.require_can_authenticate(account)
    client = _client()
    request_id, info = client.prepare_for_authenticate(binding=BINDING_HTTP_REDIRECT)
    now = datetime.now(UTC)
    uow.session.add(AuthenticationRequest(id=request_id, account_id=account.id, method=METHOD,
                                          created_at=now, expires_at=now + LIFETIME))
    return {"redirect_url": dict(info["headers"])["Location"]}


def complete(uow, saml_response: str, source: str | None = None) -> Account:
    pending = uow.session.get(AuthenticationRequest, _claimed_request_id(saml_response),
                              with_for_update=True)
    now = datetime.now(UTC)
    if pending is None or pending.used_at is not None or pending.expires_at < now or pending.method != METHOD:
        raise ValidationFailed({"SAMLResponse": ["authentication.request_invalid"]})
    response = _verified(_client(), saml_response, pending.id)
    pending.used_at = now
    account = levels.locked_account(uow.session, pending.account_id)
    person = _person(response.ava)
    try:
        levels.require_pesel_match(account, person["pesel"], "SAMLResponse")
    except ValidationFailed as refusal:
        levels.audit_refusal(uow, account.id, METHOD, refusal, actor=account.id, source=source)
        raise
    levels.authenticate(uow, account, method=METHOD, performed_by=response.issuer(),
                        evidence={"assertion_id": response.assertion.id, **person},
                        actor=account.id, source=source)
    return account


def _claimed_request_id(saml_response: str) -> str:
    """The request the response says it answers: only a key to look up; verified below."""
    try:
        claimed = response_from_string(base64.b64decode(saml_response, validate=True))
    except Exception:  # not base64 or not a SAML response  # noqa: BLE001
        claimed = None
    if claimed is None or not claimed.in_response_to:
        raise ValidationFailed({"SAMLResponse": ["authentication.response_invalid"]})
    return claimed.in_response_to


def _verified(client: Saml2Client, saml_response: str, request_id: str):
    """pysaml2 checks the signature, issuer, audience, times and InResponseTo == request_id."""
    acs = Config().public_base_url + ACS_PATH
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST,
                                                       outstanding={request_id: acs})
    except Exception as exc:  # pysaml2 raises many unrelated types for a bad response  # noqa: BLE001
        log.warning("saml_response_refused", error=repr(exc))
        raise ValidationFailed({"SAMLResponse": ["authentication.response_invalid"]}) from None
    if response is None or not response.assertion:
        raise ValidationFailed({"SAMLResponse": ["authentication.response_invalid"]})
    return response


def _person(ava: dict) -> dict:
    """pysaml2 maps the eIDAS natural-person attributes to friendly names."""
    def first(*names: str) -> str | None:
        for name in names:
            if values := ava.get(name) or ava.get(EIDAS + name):
                return values[0]
        return None
    identifier = first("PersonIdentifier") or ""
    return {"pesel": identifier.rsplit("/", 1)[-1], "first_name": first("FirstName", "CurrentGivenName"),
            "last_name": first("FamilyName", "CurrentFamilyName")}
