"""Adapter for the national trusted-profile signing service (modelled on ePUAP's TpSigning:
`addDocumentToSigning` returns the address where the person signs, `getSignedDocument` returns
the signed structure). JSON over HTTPS; the local fake (`fakes/signing_service.py`) speaks it.

The signed structure (`PodpisZP`) wraps the document and the signer's data (PESEL, names, time)
under the service's XML signature, verified against its configured certificate.
"""
import base64
from dataclasses import dataclass

import requests

from portal_shared.errors import Conflict, ServiceUnavailable, ValidationFailed

NS = "urn:portal-podatnika:podpis-zp:v1"
TIMEOUT = (3, 10)


@dataclass
class TrustedProfileClient:
    base_url: str
    session: requests.Session

    def add_document_to_signing(self, document: bytes, return_url: str) -> dict:
        response = self._call("post", "/api/signing-requests", json={
            "document_base64": base64.b64encode(document).decode(), "return_url": return_url})
        return {"signing_id": response["id"], "redirect_url": response["redirect_url"]}

    def get_signed_document(self, signing_id: str) -> bytes:
        if not signing_id.replace("-", "").isalnum():
            raise ValidationFailed({"signing_id": ["signing.missing"]})
        response = self._call("get", f"/api/signing-requests/{signing_id}")
        if response.get("status") != "signed":
            raise Conflict("signing.not_ready")
        return base64.b64decode(response["signed_document_base64"])

    def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = self.session.request(method, self.base_url.rstrip("/") + path, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise ServiceUnavailable("signing.service_unavailable") from exc
        if response.status_code == 404:
            raise ValidationFailed({"signing_id": ["signing.missing"]})
        if response.status_code >= 500:
            raise ServiceUnavailable("signing.service_unavailable")
        response.raise_for_status()
        return response.json()
