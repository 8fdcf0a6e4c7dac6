"""The login node posts its answer to the ACS: a browser gets a page to go on from, an API client
JSON; a session cookie that comes along (same site) needs no CSRF token, the signature is the proof."""
from portal_shared.contracts import identity

ANSWER = {"SAMLResponse": "c2lnbmVk", "RelayState": "r"}


def test_a_browser_gets_a_page_and_an_api_client_json(client, rpc):
    completed = []
    rpc.on(identity.COMPLETE_TRUSTED_PROFILE, lambda **kw: completed.append(kw) or {"level": "authenticated"})
    client.set_cookie("portal_session", "t" * 40)
    page = client.post("/api/v1/authentications/trusted-profile/acs", data=ANSWER,
                       headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert 'href="/my"' in page.get_data(as_text=True)
    api = client.post("/api/v1/authentications/trusted-profile/acs", data=ANSWER)
    assert api.get_json() == {"level": "authenticated"}
    assert completed == [ANSWER, ANSWER]
