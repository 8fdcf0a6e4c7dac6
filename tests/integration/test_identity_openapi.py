"""The OpenAPI document shows every endpoint of authentication, telePIN and representation."""


def test_the_openapi_document_lists_the_new_endpoints(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/telepin"]) == {"get", "put", "delete"}
    assert set(paths["/api/v1/acting-for"]) == {"get", "put"}
    assert "delete" in paths["/api/v1/mandates/{mandate_id}"]
    for path in ("/api/v1/authentications", "/api/v1/authentications/trusted-profile",
                 "/api/v1/authentications/trusted-profile/acs", "/api/v1/authentications/qualified-signature",
                 "/api/v1/authentications/qualified-signature/statement", "/api/v1/mandates"):
        assert path in paths
    put = paths["/api/v1/telepin"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/identity.TelePinForm"}
    assert put["security"]
