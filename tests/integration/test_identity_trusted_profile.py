"""Trusted profile: SAML 2.0 through the adapter against the local fake login node (seed 000)."""
import os
import re
from html import unescape

import pytest
import requests
from identity_helpers import ANNA_PESEL, JAN_PESEL, audit_actions

from portal_shared.testing import free_port, start_process

PASSWORD = "Zimowy-Spacer7"


@pytest.fixture(scope="module")
def login_node():
    port = free_port()
    process = start_process("identity.fakes.login_node", "--port", str(port), ports=(port,))
    previous = os.environ.get("LOGIN_NODE_METADATA_URL")
    os.environ["LOGIN_NODE_METADATA_URL"] = f"http://127.0.0.1:{port}/metadata"
    yield f"http://127.0.0.1:{port}"
    if previous is None:
        os.environ.pop("LOGIN_NODE_METADATA_URL")
    else:
        os.environ["LOGIN_NODE_METADATA_URL"] = previous
    process.terminate()
    process.wait(10)


def _form_fields(html: str) -> dict:
    return {name: unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', html)}


def _log_in_at_the_node(client, headers, node: str, pesel: str) -> dict:
    redirect = client.post("/api/v1/authentications/trusted-profile", headers=headers).get_json()["redirect_url"]
    assert redirect.startswith(node + "/sso?SAMLRequest=")
    login_page = requests.get(redirect, timeout=10).text
    posted = requests.post(f"{node}/sso/login", timeout=10, data={
        **_form_fields(login_page), "pesel": pesel, "first_name": "Anna", "last_name": "Kowalska"})
    assert posted.status_code == 200, posted.text
    return _form_fields(posted.text)


def test_a_signed_assertion_with_the_accounts_pesel_authenticates_once(client, make_account, login_node):
    account = make_account()
    token = client.post("/api/v1/sessions", json={"login": account["login"], "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    answer = _log_in_at_the_node(client, headers, login_node, ANNA_PESEL)

    forged = dict(answer, SAMLResponse=answer["SAMLResponse"][:-40] + "A" * 36 + answer["SAMLResponse"][-4:])
    assert client.post("/api/v1/authentications/trusted-profile/acs", data=forged).status_code == 400
    done = client.post("/api/v1/authentications/trusted-profile/acs", data=answer)  # no session cookie needed
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["level"] == "authenticated"
    [record] = client.get("/api/v1/authentications", headers=headers).get_json()
    assert record["method"] == "trusted_profile"
    assert record["performed_by"] == f"{login_node}/metadata"
    assert record["evidence"]["pesel"] == ANNA_PESEL and record["evidence"]["last_name"] == "Kowalska"
    replay = client.post("/api/v1/authentications/trusted-profile/acs", data=answer)
    assert replay.status_code == 400


def test_someone_elses_pesel_does_not_authenticate(client, make_account, login_node, identity):
    account = make_account()
    token = client.post("/api/v1/sessions", json={"login": account["login"], "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    answer = _log_in_at_the_node(client, headers, login_node, JAN_PESEL)
    refused = client.post("/api/v1/authentications/trusted-profile/acs", data=answer,
                          headers={"Accept-Language": "en"})
    assert refused.status_code == 400
    assert refused.get_json()["error"]["fields"]["SAMLResponse"] == ["The PESEL does not match the account's PESEL."]
    assert client.get("/api/v1/me", headers=headers).get_json()["level"] == "email_verified"
    assert "authentication_refused" in audit_actions(identity, account["account_id"])
