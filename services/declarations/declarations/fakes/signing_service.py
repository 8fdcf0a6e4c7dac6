"""A local stand-in for the national trusted-profile signing service, speaking the protocol of
`declarations.trusted_profile`: a document is added for signing, the person confirms it on the
service's page (here: `POST .../approve` with who they are, as the login node would tell), and
the signed `PodpisZP` structure is fetched. Signs with the key and certificate it is given.

    portal-fake-signing --port 8091 --pem tp-signer.pem
"""
import argparse
import base64
import json
import os
import tempfile
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lxml import etree
from signxml import XMLSigner

from declarations import pki, xmlsafe
from declarations.trusted_profile import NS


class SigningStore:
    def __init__(self, key_pem: bytes, cert_pem: bytes, public_url: str):
        self.key_pem, self.cert_pem, self.public_url = key_pem, cert_pem, public_url
        self.requests: dict[str, dict] = {}
        self.lock = threading.Lock()

    def add(self, document: bytes) -> dict:
        xmlsafe.parse(document)
        signing_id = str(uuid.uuid4())
        with self.lock:
            self.requests[signing_id] = {"document": document, "signed": None}
        return {"id": signing_id, "redirect_url": f"{self.public_url}/sign/{signing_id}"}

    def approve(self, signing_id: str, person: dict) -> bool:
        with self.lock:
            found = self.requests.get(signing_id)
        if found is None:
            return False
        root = etree.Element(f"{{{NS}}}PodpisZP", nsmap={None: NS})
        etree.SubElement(root, f"{{{NS}}}Dokument").append(xmlsafe.parse(found["document"]))
        data = etree.SubElement(root, f"{{{NS}}}DaneZP")
        for tag, value in (("Pesel", person["pesel"]), ("Imie", person.get("first_name", "")),
                           ("Nazwisko", person.get("last_name", "")),
                           ("CzasPodpisu", datetime.now(UTC).isoformat())):
            etree.SubElement(data, f"{{{NS}}}{tag}").text = value
        signed = XMLSigner(signature_algorithm="ecdsa-sha256").sign(root, key=self.key_pem, cert=self.cert_pem)
        with self.lock:
            found["signed"] = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
        return True

    def status(self, signing_id: str) -> dict | None:
        with self.lock:
            found = self.requests.get(signing_id)
        if found is None:
            return None
        if found["signed"] is None:
            return {"status": "pending"}
        return {"status": "signed", "signed_document_base64": base64.b64encode(found["signed"]).decode()}


def handler_for(store: SigningStore):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet in tests
            pass

        def _json(self, status: int, body: dict):
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _body(self) -> dict:
            length = int(self.headers.get("Content-Length", 0))
            return json.loads(self.rfile.read(length) or b"{}")

        def do_POST(self):  # noqa: N802
            parts = self.path.strip("/").split("/")
            if parts == ["api", "signing-requests"]:
                document = base64.b64decode(self._body()["document_base64"])
                return self._json(201, store.add(document))
            if len(parts) == 4 and parts[:2] == ["api", "signing-requests"] and parts[3] == "approve":
                ok = store.approve(parts[2], self._body())
                return self._json(200 if ok else 404, {"approved": ok})
            return self._json(404, {"error": "not_found"})

        def do_GET(self):  # noqa: N802
            parts = self.path.strip("/").split("/")
            if len(parts) == 3 and parts[:2] == ["api", "signing-requests"]:
                found = store.status(parts[2])
                return self._json(200, found) if found else self._json(404, {"error": "not_found"})
            if len(parts) == 2 and parts[0] == "sign":
                page = ("<!doctype html><meta charset=utf-8><title>Profil Zaufany (fake)</title>"
                        f"<p>Podpisz dokument {parts[1]} profilem zaufanym.</p>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                return self.wfile.write(page)
            return self._json(404, {"error": "not_found"})

    return Handler


def dev_keys() -> tuple[str, str]:
    """For `make up`: the fake's key and certificate, made once (PEM with both, and the cert alone)."""
    folder = os.path.join(tempfile.gettempdir(), "portal-dev-keys")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    pem, cert = os.path.join(folder, "trusted-profile.pem"), os.path.join(folder, "trusted-profile.crt")
    if not (os.path.exists(pem) and os.path.exists(cert)):
        pair = pki.self_signed("Profil Zaufany (fake)")
        with open(pem, "wb") as both, open(cert, "wb") as alone:
            both.write(pair.key_pem + pair.cert_pem)
            alone.write(pair.cert_pem)
    return pem, cert


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local fake of the trusted-profile signing service.")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--pem", help="key and certificate (PEM); a new self-signed one when omitted")
    args = parser.parse_args(argv)
    if args.pem:
        with open(args.pem, "rb") as handle:
            content = handle.read()
        split = content.index(b"-----BEGIN CERTIFICATE-----")
        key_pem, cert_pem = content[:split], content[split:]
    else:
        pair = pki.self_signed("Profil Zaufany (fake)")
        key_pem, cert_pem = pair.key_pem, pair.cert_pem
    store = SigningStore(key_pem, cert_pem, f"http://127.0.0.1:{args.port}")
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(store))
    server.serve_forever()


if __name__ == "__main__":
    main()
