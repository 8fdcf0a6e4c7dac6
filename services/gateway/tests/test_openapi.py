"""The OpenAPI document validates and lists every /api/v1 endpoint the app serves."""
from openapi_spec_validator import validate

from gateway.idempotency import STATE_CHANGING
from gateway.openapi import _openapi_path


def test_the_document_validates_and_lists_every_api_route(client):
    document = client.get("/api/openapi.json").get_json()
    validate(document)
    served = {(_openapi_path(rule.rule), method.lower()) for rule in client.application.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert served and served <= documented


def test_every_change_takes_an_idempotency_key_and_may_answer_409(client):
    document = client.get("/api/openapi.json").get_json()
    for operations in document["paths"].values():
        for method, operation in operations.items():
            if method.upper() in STATE_CHANGING:
                assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
                assert "409" in operation["responses"]


def test_the_docs_page_is_served_from_the_app_itself(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert 'id="post_registration_register"' in page
    assert "<script" not in page and "http" not in page.split("<main", 1)[1].split("</main>")[0].replace(
        "https://isap", "")
