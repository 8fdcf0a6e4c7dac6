"""Idempotency-Key on state-changing API calls, against real Redis."""
from portal_shared.contracts import identity
from portal_shared.errors import ValidationFailed

ACCOUNT = {"account_id": "6f1c1c5e-8a7e-4e4f-9a51-7c1b8f0f2a10", "level": "email_verified"}


def test_a_replay_returns_the_stored_response_without_calling_the_service(client, rpc):
    rpc.on(identity.VERIFY_EMAIL, lambda **kwargs: ACCOUNT)
    body = {"account_id": ACCOUNT["account_id"], "code": "123456"}
    headers = {"Idempotency-Key": "key-1"}
    first = client.post("/api/v1/email-verifications", json=body, headers=headers)
    replay = client.post("/api/v1/email-verifications", json=body, headers=headers)
    assert first.status_code == replay.status_code == 200
    assert replay.get_json() == first.get_json() == ACCOUNT
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.headers["Content-Type"] == "application/json"
    assert len(rpc.calls) == 1


def test_the_same_key_with_another_body_is_refused(client, rpc):
    rpc.on(identity.VERIFY_EMAIL, lambda **kwargs: ACCOUNT)
    headers = {"Idempotency-Key": "key-2", "Accept-Language": "en"}
    client.post("/api/v1/email-verifications", json={"account_id": ACCOUNT["account_id"], "code": "123456"},
                headers=headers)
    other = client.post("/api/v1/email-verifications",
                        json={"account_id": ACCOUNT["account_id"], "code": "654321"}, headers=headers)
    assert other.status_code == 409
    assert other.get_json()["error"] == {
        "code": "conflict", "message": "This Idempotency-Key was already used for a different request."}
    assert len(rpc.calls) == 1


def test_an_error_is_not_stored_so_the_client_may_retry_with_the_same_key(client, rpc):
    answers = iter([ValidationFailed({"code": ["code.wrong"]}), ACCOUNT])

    def verify(**kwargs):
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer
    rpc.on(identity.VERIFY_EMAIL, verify)
    body = {"account_id": ACCOUNT["account_id"], "code": "123456"}
    assert client.post("/api/v1/email-verifications", json=body,
                       headers={"Idempotency-Key": "key-3"}).status_code == 400
    retried = client.post("/api/v1/email-verifications", json=body, headers={"Idempotency-Key": "key-3"})
    assert retried.status_code == 200 and "Idempotent-Replayed" not in retried.headers


def test_keys_belong_to_one_client(client, make_app, rpc):
    rpc.on(identity.VERIFY_EMAIL, lambda **kwargs: ACCOUNT)
    body = {"account_id": ACCOUNT["account_id"], "code": "123456"}
    client.post("/api/v1/email-verifications", json=body, headers={"Idempotency-Key": "shared"})
    other_client = client.post("/api/v1/email-verifications", json=body,
                               headers={"Idempotency-Key": "shared", "Authorization": "Bearer " + "t" * 40})
    assert "Idempotent-Replayed" not in other_client.headers
    assert len(rpc.calls) == 2


def test_a_malformed_key_is_a_field_error(client, rpc):
    refused = client.post("/api/v1/email-verifications", json={}, headers={"Idempotency-Key": "á" * 3})
    assert refused.status_code == 400
    assert "Idempotency-Key" in refused.get_json()["error"]["fields"]
    assert rpc.calls == []


def test_a_sign_in_response_holding_a_token_is_never_stored(client, rpc):
    rpc.on(identity.LOGIN, lambda **kwargs: {"token": "x" * 43, "expires_at": "2099-01-01T00:00:00+00:00",
                                             "account": ACCOUNT})
    body = {"login": "anna", "password": "Zimowy-Spacer7"}
    for _ in range(2):  # a fresh client each time: a session cookie would call for a CSRF token
        answer = client.application.test_client().post("/api/v1/sessions", json=body,
                                                       headers={"Idempotency-Key": "login-1"})
        assert answer.status_code == 201 and "Idempotent-Replayed" not in answer.headers
    assert len(rpc.calls) == 2


def test_without_redis_a_keyed_change_is_refused_rather_than_risk_a_double(make_app, rpc):
    rpc.on(identity.VERIFY_EMAIL, lambda **kwargs: ACCOUNT)
    client = make_app(redis_url="redis://127.0.0.1:1/0").test_client()
    body = {"account_id": ACCOUNT["account_id"], "code": "123456"}
    refused = client.post("/api/v1/email-verifications", json=body, headers={"Idempotency-Key": "k"})
    assert refused.status_code == 503 and rpc.calls == []
    # without a key the call goes through, and pages still render (limits count in memory)
    assert client.post("/api/v1/email-verifications", json=body).status_code == 200
    assert client.get("/").status_code == 200
