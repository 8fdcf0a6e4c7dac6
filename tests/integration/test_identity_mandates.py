"""Representation (seeds 001, 003): mandates, the shared authorisation check, acting for others."""
import time
import uuid
from datetime import date, timedelta

import pytest
from identity_helpers import (
    ANNA_PESEL,
    COMPANY_NIP,
    JAN_PESEL,
    actor_of,
    audit_actions,
    staff,
)
from nameko.standalone.events import event_dispatcher

from portal_shared import authz
from portal_shared.contracts import declarations
from portal_shared.contracts import identity as contract
from portal_shared.errors import Forbidden, NotFound

STRANGER_PESEL = "85010112345"
PASSWORD = "Zimowy-Spacer7"
TODAY = date.today()


def _grant(rpc, agent, principal=JAN_PESEL, scopes=("view", "pay"), valid_from=TODAY - timedelta(days=30),
           valid_to=None, kind="general_attorney"):
    return contract.GRANT_MANDATE(rpc, actor=staff("tax_officer"), principal=principal,
                                  principal_name="Jan Nowak", agent_account_id=agent["account_id"], kind=kind,
                                  scopes=list(scopes), valid_from=valid_from.isoformat(),
                                  valid_to=valid_to.isoformat() if valid_to else None)


def test_the_authorisation_matrix(client, rpc, make_account):
    agent = make_account(level="authenticated")
    actor = actor_of(agent)
    _grant(rpc, agent, principal=JAN_PESEL, scopes=("view", "pay"))
    expired = _grant(rpc, agent, principal=COMPANY_NIP, kind="organisation_user",
                     valid_from=TODAY - timedelta(days=60), valid_to=TODAY - timedelta(days=1))
    revoked = _grant(rpc, agent, principal="85010112345", scopes=("view",))
    contract.REVOKE_MANDATE(rpc, actor=staff("tax_officer"), mandate_id=revoked["mandate_id"])

    assert authz.require(rpc, actor, ANNA_PESEL, "submit") == "self"                  # own data
    assert authz.require(rpc, actor, JAN_PESEL, "pay") is not None                    # principal, in scope
    with pytest.raises(Forbidden):
        authz.require(rpc, actor, JAN_PESEL, "submit")                                # outside the scope
    with pytest.raises(Forbidden):
        authz.require(rpc, actor, COMPANY_NIP, "view")                                # expired
    with pytest.raises(Forbidden):
        authz.require(rpc, actor, "85010112345", "view")                              # revoked
    with pytest.raises(Forbidden):
        authz.require(rpc, actor, "90090515836", "view")                              # a stranger
    assert expired["active"] is False


def test_a_mandate_not_yet_valid_or_for_an_unauthenticated_agent_allows_nothing(client, rpc, make_account):
    agent = make_account(level="email_verified")
    _grant(rpc, agent, principal=JAN_PESEL)
    assert contract.AUTHORIZE(rpc, account_id=agent["account_id"], subject=JAN_PESEL, scope="view")["allowed"] is False
    later = make_account(level="authenticated", pesel="90090515836")
    _grant(rpc, later, principal=JAN_PESEL, valid_from=TODAY + timedelta(days=1))
    assert contract.AUTHORIZE(rpc, account_id=later["account_id"], subject=JAN_PESEL, scope="view")["allowed"] is False


def test_the_office_accepting_an_authorisation_form_grants_it_once(client, rpc, make_account, nameko_config, identity):
    agent = make_account(level="authenticated")
    event = declarations.DECLARATION_ACCEPTED.build(
        declaration_id=str(uuid.uuid4()), case_id=str(uuid.uuid4()), form_code="UPL-1",
        submitter_account_id=str(uuid.uuid4()), subject=JAN_PESEL,
        mandate={"principal": JAN_PESEL, "principal_name": "Jan Nowak", "agent_account_id": agent["account_id"],
                 "kind": "general_attorney", "scopes": ["view", "submit"],
                 "valid_from": TODAY.isoformat(), "valid_to": None})
    dispatch = event_dispatcher(nameko_config)
    dispatch("declarations", "declaration_accepted", event)
    dispatch("declarations", "declaration_accepted", event)  # a redelivery changes nothing
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not contract.MANDATES(rpc, account_id=agent["account_id"])["as_agent"]:
        time.sleep(0.05)
    [mandate] = contract.MANDATES(rpc, account_id=agent["account_id"])["as_agent"]
    assert mandate["granted_by"] == f"declaration:{event['declaration_id']}"
    assert authz.require(rpc, actor_of(agent), JAN_PESEL, "submit") == mandate["mandate_id"]
    assert "mandate_granted" in audit_actions(identity, JAN_PESEL)


def test_the_principal_revokes_a_stranger_cannot(client, rpc, make_account):
    agent = make_account(level="authenticated")
    principal = make_account(level="authenticated", pesel=JAN_PESEL)
    stranger = make_account(level="authenticated", pesel=STRANGER_PESEL)
    mandate = _grant(rpc, agent, principal=JAN_PESEL)
    with pytest.raises(NotFound):
        contract.REVOKE_MANDATE(rpc, actor=actor_of(stranger), mandate_id=mandate["mandate_id"])
    login = {"login": principal["login"], "password": PASSWORD}
    token = client.post("/api/v1/sessions", json=login).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    [listed] = client.get("/api/v1/mandates", headers=headers).get_json()["as_principal"]
    assert listed["mandate_id"] == mandate["mandate_id"]
    revoked = client.delete(f"/api/v1/mandates/{mandate['mandate_id']}", headers=headers)
    assert revoked.status_code == 200 and revoked.get_json()["active"] is False
    assert contract.AUTHORIZE(rpc, account_id=agent["account_id"], subject=JAN_PESEL, scope="view")["allowed"] is False


def test_a_user_switches_whom_they_act_for_and_a_revocation_ends_it(client, rpc, make_account):
    agent = make_account(level="authenticated")
    mandate = _grant(rpc, agent, principal=JAN_PESEL, scopes=("view",))
    token = client.post("/api/v1/sessions", json={"login": agent["login"], "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.put("/api/v1/acting-for", json={"subject": STRANGER_PESEL}, headers=headers).status_code == 403
    chosen = client.put("/api/v1/acting-for", json={"subject": JAN_PESEL}, headers=headers).get_json()
    assert chosen == {"subject": JAN_PESEL, "principal_name": "Jan Nowak", "mandate_id": mandate["mandate_id"],
                      "scopes": ["view"]}
    assert client.get("/api/v1/acting-for", headers=headers).get_json()["subject"] == JAN_PESEL
    contract.REVOKE_MANDATE(rpc, actor=actor_of(agent), mandate_id=mandate["mandate_id"])
    assert client.get("/api/v1/acting-for", headers=headers).get_json()["subject"] is None


def test_the_gateways_actor_carries_whom_the_session_acts_for(client, gateway_app, rpc, make_account):
    from flask import g

    from gateway.auth import current_actor

    agent = make_account(level="authenticated")
    _grant(rpc, agent, principal=JAN_PESEL, scopes=("view", "pay"))
    token = client.post("/api/v1/sessions", json={"login": agent["login"], "password": PASSWORD}).get_json()["token"]
    client.put("/api/v1/acting-for", json={"subject": JAN_PESEL}, headers={"Authorization": f"Bearer {token}"})
    with gateway_app.test_request_context():
        g.request_id, g.session_token = "test-request", token
        g.account = contract.SESSION_ACCOUNT(rpc, token=token)
        actor = current_actor()
    assert actor["acting_for"] == JAN_PESEL and actor["pesel"] == agent["pesel"]
    assert authz.require(rpc, actor, actor["acting_for"], "pay")  # the owning service's check passes
