"""Registered phones (seed 001): the app signs in with its device credential and a PIN.

Registering needs a session opened with login and password. The app gets a random device
secret once (kept in the platform's secure storage; stored here as a keyed digest) and the
user sets a PIN (argon2id, like a password). A login on the device needs both: the secret
proves the device, the PIN proves the person. Wrong PINs are counted only when the secret is
right, so nobody who merely knows a device id can block it; the fifth blocks the device.
"""
import re
from datetime import UTC, datetime

import sqlalchemy as sa

from identity import audit, passwords, sessions, throttling, tokens
from identity.models import Account, Device
from portal_shared.config import Config
from portal_shared.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed

PIN = re.compile(r"^\d{4,8}$")
MAX_WRONG_PINS = 5
MAX_ACTIVE_DEVICES = 10


def pin_errors(pin: str, pin_repeat: str) -> list[str]:
    if not PIN.match(pin) or len(set(pin)) == 1 or _is_run(pin):
        return ["device.pin_invalid"]
    if pin != pin_repeat:
        return ["device.pin_mismatch"]
    return []


def _is_run(pin: str) -> bool:
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    return steps in ({1}, {9})  # 1234, 7890, 4321, 0987


def register(uow, token: str, data: dict, client_address: str | None) -> dict:
    current = sessions.current_session(uow, token)
    if current.device_id:
        raise Forbidden("device.password_session_required")
    account = uow.session.get(Account, current.account_id, with_for_update=True)
    if account.demo:
        raise Forbidden("demo.read_only")
    if problems := pin_errors(data["pin"], data["pin_repeat"]):
        raise ValidationFailed({"pin": problems})
    if len(_active(uow.session, account.id)) >= MAX_ACTIVE_DEVICES:
        raise Conflict("device.limit")
    secret = tokens.url_token()
    device = Device(account_id=account.id, name=data["name"], platform=data["platform"],
                    secret_hash=tokens.digest(secret), pin_hash=passwords.hash_password(data["pin"]),
                    push_token=data["push_token"], failed_pins=0, created_at=datetime.now(UTC))
    uow.session.add(device)
    uow.session.flush()
    audit.record(uow.session, "device_registered", actor=account.id, subject=account.id, source=client_address,
                 device_id=device.id, name=device.name, platform=device.platform)
    return {**view(device), "device_secret": secret}


def login(uow, device_id: str, device_secret: str, pin: str, client_address: str | None) -> dict:
    session = uow.session
    limits = throttling.address_limits(client_address)  # a wrong PIN is counted on the device itself
    sessions.refuse_while_throttled(uow, limits, client_address, f"device:{device_id}")
    device = session.get(Device, str(device_id), with_for_update=True)
    if device is None or not tokens.matches(device_secret, device.secret_hash) or device.revoked_at:
        _refuse(uow, limits, device, client_address, "device_login_failed")
    if device.blocked_at:
        _refuse(uow, [], device, client_address, "device_login_blocked", Forbidden("device.blocked"))
    if not passwords.verify_password(device.pin_hash, pin):
        device.failed_pins += 1
        if device.failed_pins >= MAX_WRONG_PINS:  # someone else may hold the phone: its sessions end too
            device.blocked_at = datetime.now(UTC)
            sessions.end_sessions_of(session, device.account_id, device_id=device.id)
            _refuse(uow, limits, device, client_address, "device_blocked", Forbidden("device.blocked"))
        _refuse(uow, limits, device, client_address, "device_pin_wrong")
    account = session.get(Account, device.account_id)
    if account.demo and not Config().demo_account_enabled:
        _refuse(uow, limits, device, client_address, "device_login_failed")
    device.failed_pins, device.last_used_at = 0, datetime.now(UTC)
    audit.record(session, "device_login", actor=account.id, subject=account.id, source=client_address,
                 device_id=device.id)
    return sessions.start_session(session, account, client_address, device_id=device.id)


def _refuse(uow, limits: list, device: Device | None, client_address: str | None, action: str,
            error: Exception | None = None):
    """Count the failure, audit it, keep it (commit) and answer."""
    subject = device.account_id if device else None
    audit.record(uow.session, action, actor="anonymous", subject=subject, source=client_address,
                 device_id=device.id if device else None, failed_pins=device.failed_pins if device else None)
    for limit in limits:
        throttling.record_failure(uow.session, limit)
    uow.commit()
    raise error or Unauthorized("device.login_failed")


def list_devices(uow, token: str) -> list[dict]:
    current = sessions.current_session(uow, token)
    found = uow.session.scalars(sa.select(Device).where(Device.account_id == current.account_id)
                                .order_by(Device.created_at.desc())).all()
    return [view(device) for device in found]


def revoke(uow, token: str, device_id: str) -> None:
    current = sessions.current_session(uow, token)
    device = _own_device(uow.session, current.account_id, device_id)
    if device.revoked_at is None:
        device.revoked_at = datetime.now(UTC)
        device.push_token = None
        ended = sessions.end_sessions_of(uow.session, device.account_id, device_id=device.id)
        audit.record(uow.session, "device_revoked", actor=current.account_id, subject=current.account_id,
                     source=current.client_address, device_id=device.id, sessions_ended=ended)


def set_push_token(uow, token: str, device_id: str, push_token: str | None) -> dict:
    current = sessions.current_session(uow, token)
    device = _own_device(uow.session, current.account_id, device_id)
    if device.revoked_at:
        raise NotFound()
    device.push_token = push_token
    audit.record(uow.session, "device_push_token_set", actor=current.account_id, subject=current.account_id,
                 source=current.client_address, device_id=device.id, cleared=push_token is None)
    return view(device)


def push_targets(session, account_ids: list[str]) -> list[dict]:
    found = session.scalars(sa.select(Device).where(
        Device.account_id.in_([str(a) for a in account_ids]), Device.revoked_at.is_(None),
        Device.blocked_at.is_(None), Device.push_token.is_not(None))).all()
    return [{"account_id": d.account_id, "device_id": d.id, "platform": d.platform, "push_token": d.push_token}
            for d in found]


def view(device: Device) -> dict:
    status = "revoked" if device.revoked_at else "blocked" if device.blocked_at else "active"
    return {"device_id": device.id, "name": device.name, "platform": device.platform,
            "has_push_token": device.push_token is not None, "status": status,
            "created_at": device.created_at, "last_used_at": device.last_used_at}


def _own_device(session, account_id: str, device_id: str) -> Device:
    device = session.get(Device, str(device_id), with_for_update=True)
    if device is None or device.account_id != account_id:
        raise NotFound()
    return device


def _active(session, account_id: str) -> list[Device]:
    return session.scalars(sa.select(Device).where(
        Device.account_id == account_id, Device.revoked_at.is_(None), Device.blocked_at.is_(None))).all()
