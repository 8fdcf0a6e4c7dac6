"""The mobile app's devices (seed 001): register a phone with a PIN, sign in on it, push token."""
from flask import Blueprint, g, jsonify, request

from gateway.api import call, documented, json_body
from gateway.auth import login_required
from portal_shared.contracts import identity

bp = Blueprint("devices", __name__, url_prefix="/api/v1")


@bp.post("/devices")
@documented("Register this phone: the answer holds the device secret, shown once. Needs a session "
            "opened with login and password.", body=identity.DeviceRegistration, response=identity.NewDevice,
            status=201, auth=True, errors=(400, 401, 403, 409))
@login_required
def register_device():
    return call(identity.REGISTER_DEVICE, **{**json_body(), "token": g.session_token,
                                              "client_address": request.remote_addr}), 201


@bp.get("/devices")
@documented("The account's registered devices.", response=identity.Device(many=True), auth=True,
            errors=(401,))
@login_required
def list_devices():
    return jsonify(call(identity.LIST_DEVICES, token=g.session_token))


@bp.delete("/devices/<uuid:device_id>")
@documented("Revoke a device; its sessions end and it gets no more notifications.", status=204,
            auth=True, errors=(401, 404))
@login_required
def revoke_device(device_id):
    call(identity.REVOKE_DEVICE, token=g.session_token, device_id=str(device_id))
    response = jsonify()
    response.status_code = 204
    return response


@bp.put("/devices/<uuid:device_id>/push-token")
@documented("Set (or clear with null) the device's push token.", body=identity.PushToken,
            response=identity.Device, auth=True, errors=(400, 401, 404))
@login_required
def set_push_token(device_id):
    return call(identity.SET_PUSH_TOKEN, **{**json_body(), "token": g.session_token, "device_id": str(device_id)})


@bp.post("/device-sessions")
@documented("Sign in on a registered device with its id, secret and the PIN. Five wrong PINs block "
            "the device.", body=identity.DeviceCredentials, response=identity.NewSession, status=201,
            errors=(400, 401, 403, 429))
def device_login():
    return call(identity.DEVICE_LOGIN, **{**json_body(), "client_address": request.remote_addr}), 201
