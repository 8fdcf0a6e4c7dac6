"""A local fake of the national login node (węzeł krajowy): a SAML 2.0 identity provider.

    python -m identity.fakes.login_node --port 8090

GET /metadata: its SAML metadata (signing certificate made at start). GET /sso: takes an
AuthnRequest (HTTP-Redirect binding) and shows a form for the person to "log in" as (PESEL,
first and last name). POST /sso/login: answers with an HTML form that posts a signed SAML
response (HTTP-POST binding) to the service provider's assertion consumer service. Nothing is
checked about the person: it is a development and test tool, never for production.
"""
import argparse
import base64
import html
import tempfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.sigver import get_xmlsec_binary

from identity import saml_keys

# eIDAS natural-person attributes, as the Polish login node releases them.
EIDAS = "http://eidas.europa.eu/attributes/naturalperson/"
PERSON_IDENTIFIER, GIVEN_NAME, FAMILY_NAME = (EIDAS + "PersonIdentifier", EIDAS + "CurrentGivenName",
                                              EIDAS + "CurrentFamilyName")


def build_server(base_url: str, workdir: Path) -> tuple[Server, str]:
    key_pem, cert_pem = saml_keys.self_signed("fake-login-node")
    (workdir / "idp.key").write_bytes(key_pem)
    (workdir / "idp.crt").write_bytes(cert_pem)
    config = IdPConfig().load({
        "entityid": f"{base_url}/metadata",
        "service": {"idp": {
            "endpoints": {"single_sign_on_service": [(f"{base_url}/sso", BINDING_HTTP_REDIRECT)]},
            "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None,
                                   "name_form": NAME_FORMAT_URI}},
            "want_authn_requests_signed": False,
        }},
        "key_file": str(workdir / "idp.key"), "cert_file": str(workdir / "idp.crt"),
        "xmlsec_binary": get_xmlsec_binary(), "metadata": {},
    })
    return Server(config=config), create_metadata_string(None, config=config, sign=False).decode()


def signed_response(server: Server, saml_request: str, person: dict) -> tuple[str, str]:
    """(ACS URL, base64 SAMLResponse) for an AuthnRequest, with an assertion signed by the node."""
    request = server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
    identity = {PERSON_IDENTIFIER: [f"PL/PL/{person['pesel']}"], GIVEN_NAME: [person["first_name"]],
                FAMILY_NAME: [person["last_name"]]}
    response = server.create_authn_response(
        identity=identity, in_response_to=request.id,
        destination=request.assertion_consumer_service_url, sp_entity_id=request.issuer.text,
        name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text=person["pesel"]),
        authn={"class_ref": "http://eidas.europa.eu/LoA/substantial"},
        sign_assertion=True, sign_response=False)
    return request.assertion_consumer_service_url, base64.b64encode(str(response).encode()).decode()


def make_handler(server: Server, metadata: str):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/metadata":
                return self._send(200, metadata, "application/samlmetadata+xml")
            if url.path == "/sso" and "SAMLRequest" in query:
                return self._send(200, _login_form(query["SAMLRequest"], query.get("RelayState", "")))
            return self._send(404, "not found")

        def do_POST(self):  # noqa: N802
            if urlsplit(self.path).path != "/sso/login":
                return self._send(404, "not found")
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            try:
                acs, saml_response = signed_response(server, form["SAMLRequest"], form)
            except Exception as exc:  # a fake: show the problem to the developer  # noqa: BLE001
                return self._send(400, f"bad request: {html.escape(repr(exc))}")
            return self._send(200, _post_form(acs, saml_response, form.get("RelayState", "")))

        def _send(self, status: int, body: str, content_type: str = "text/html; charset=utf-8"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # quiet
            pass

    return Handler


def _login_form(saml_request: str, relay_state: str) -> str:
    return f"""<!doctype html><title>Fake login node</title><h1>Login node (development)</h1>
<form method="post" action="/sso/login">
<input type="hidden" name="SAMLRequest" value="{html.escape(saml_request)}">
<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">
<label>PESEL <input name="pesel"></label> <label>First name <input name="first_name"></label>
<label>Last name <input name="last_name"></label> <button>Log in</button></form>"""


def _post_form(acs: str, saml_response: str, relay_state: str) -> str:
    return f"""<!doctype html><title>Returning</title><body onload="document.forms[0].submit()">
<form method="post" action="{html.escape(acs)}">
<input type="hidden" name="SAMLResponse" value="{saml_response}">
<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">
<noscript><button>Continue</button></noscript></form>"""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        server, metadata = build_server(f"http://{args.host}:{args.port}", Path(workdir))
        ThreadingHTTPServer((args.host, args.port), make_handler(server, metadata)).serve_forever()


if __name__ == "__main__":
    main()
