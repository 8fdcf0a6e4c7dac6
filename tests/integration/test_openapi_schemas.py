"""The OpenAPI document lists every API endpoint of the app with its schemas."""
from gateway.openapi import _openapi_path


def test_every_api_route_is_documented_with_its_schemas(client, gateway_app):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    for rule in gateway_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        operations = document["paths"][_openapi_path(rule.rule)]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = operations[method.lower()]
            assert operation["summary"], rule.rule
            assert "503" in operation["responses"]
    registration = document["paths"]["/api/v1/registrations"]["post"]
    assert registration["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/identity.Registration"}
    assert "pesel" in document["components"]["schemas"]["identity.Registration"]["required"]


def test_captcha_is_a_real_png(client):
    import base64
    captcha = client.get("/api/v1/captcha").get_json()
    assert base64.b64decode(captcha["image_png_base64"]).startswith(b"\x89PNG\r\n\x1a\n")
