"""A person's notification settings: channels, language, quiet hours, and push devices."""
from flask import Blueprint, g, jsonify

from gateway.api import call, documented, json_body
from gateway.auth import login_required
from portal_shared.contracts import notifications

bp = Blueprint("notification_settings", __name__, url_prefix="/api/v1")


@bp.get("/me/notification-preferences")
@documented("Channels (SMS, push), language and quiet hours for notifications.",
            response=notifications.PreferencesSchema, auth=True, errors=(401,))
@login_required
def preferences():
    return call(notifications.PREFERENCES, account_id=g.account["account_id"])


@bp.put("/me/notification-preferences")
@documented("Choose channels, language and quiet hours (Europe/Warsaw, e.g. 21:00-07:00).",
            body=notifications.PreferenceChoices, response=notifications.PreferencesSchema, auth=True,
            errors=(400, 401))
@login_required
def set_preferences():
    return call(notifications.SET_PREFERENCES, **{**json_body(), "account_id": g.account["account_id"]})


@bp.get("/push/vapid-public-key")
@documented("The application server key to subscribe to push notifications with.",
            response=notifications.VapidKey, errors=())
def vapid_public_key():
    return call(notifications.VAPID_PUBLIC_KEY)


@bp.post("/me/push-subscriptions")
@documented("Register this browser's push subscription.", body=notifications.PushSubscriptionBody,
            response=notifications.PushSubscriptionRef, status=201, auth=True, errors=(400, 401))
@login_required
def register_push_subscription():
    body = json_body()
    body.pop("expirationTime", None)
    registered = call(notifications.REGISTER_PUSH_SUBSCRIPTION, **body, account_id=g.account["account_id"])
    response = jsonify(registered)
    response.status_code = 201
    return response
