"""A signed-in taxpayer chooses notification channels and quiet hours and registers a browser
for push, through the gateway."""
from helpers import registration


def signed_in(client) -> dict:
    form = registration(client)
    assert client.post("/api/v1/registrations", json=form).status_code == 201
    token = client.post("/api/v1/sessions", json={"login": form["login"], "password": form["password"]}
                        ).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_preferences_and_a_push_subscription(client, system, push_service):
    assert client.get("/api/v1/me/notification-preferences").status_code == 401
    auth = signed_in(client)
    assert client.get("/api/v1/me/notification-preferences", headers=auth).get_json()["sms"] is False

    chosen = client.put("/api/v1/me/notification-preferences", headers=auth,
                        json={"sms": True, "push": True, "language": "en", "quiet_from": "21:00",
                              "quiet_until": "07:00"})
    assert chosen.status_code == 200, chosen.get_json()
    again = client.get("/api/v1/me/notification-preferences", headers=auth).get_json()
    assert again["sms"] is True and again["quiet_from"] == "21:00:00" and again["language"] == "en"

    wrong = client.put("/api/v1/me/notification-preferences", headers={**auth, "Accept-Language": "en"},
                       json={"quiet_from": "25:99", "language": "de"})
    assert wrong.status_code == 400 and set(wrong.get_json()["error"]["fields"]) == {"quiet_from", "language"}

    key = client.get("/api/v1/push/vapid-public-key").get_json()["public_key"]
    browser = push_service.subscribe(key)
    registered = client.post("/api/v1/me/push-subscriptions", headers=auth,
                             json={"endpoint": browser["endpoint"], "keys": browser["keys"], "expirationTime": None})
    assert registered.status_code == 201, registered.get_json()
    assert client.post("/api/v1/me/push-subscriptions", headers=auth,
                       json={"endpoint": "not a url", "keys": browser["keys"]}).status_code == 400


def test_the_openapi_document_lists_the_notification_settings(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert {"/api/v1/me/notification-preferences", "/api/v1/push/vapid-public-key",
            "/api/v1/me/push-subscriptions"} <= set(paths)
    assert set(paths["/api/v1/me/notification-preferences"]) == {"get", "put"}
