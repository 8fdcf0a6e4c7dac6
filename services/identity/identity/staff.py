"""Staff accounts with roles (consultant, tax_officer, admin), their own login, and the role
check every staff RPC makes.

A staff RPC gets the actor the staff tool holds; identity re-reads the member so a deactivated
member or a withdrawn role stops working at once, then applies `portal_shared.authz.require_role`.
Staff actions are audited as `staff:<id>`.
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from identity import audit, passwords, sessions, throttling, tokens
from identity.models import AuditEvent, StaffMember, StaffSession
from portal_shared.authz import require_role
from portal_shared.errors import Forbidden, NotFound, Unauthorized, ValidationFailed

SESSION_LIFETIME = timedelta(hours=8)  # a working day


def audit_actor(member_id: str) -> str:
    return f"staff:{member_id}"


def actor_of(member: StaffMember) -> dict:
    return {"account_id": member.id, "pesel": None, "level": "authenticated", "roles": sorted(member.roles)}


def checked_actor(session, actor: dict, *roles: str) -> StaffMember:
    """The acting member as stored now, if active and holding one of `roles`."""
    member = session.get(StaffMember, str(actor["account_id"]))
    if member is None or not member.active:
        raise Forbidden("role.required")
    require_role(actor_of(member), *roles)
    return member


def create(session, *, login: str, full_name: str, roles: list[str], password: str, created_by: str) -> StaffMember:
    if problems := passwords.policy_errors(password, personal=(login, *full_name.split())):
        raise ValidationFailed({"password": problems})
    if session.scalar(sa.select(StaffMember.id).where(sa.func.lower(StaffMember.login) == login.lower())):
        raise ValidationFailed({"login": ["staff.login_taken"]})
    member = StaffMember(login=login, full_name=full_name.strip(), roles=sorted(set(roles)), active=True,
                         password_hash=passwords.hash_password(password), created_by=created_by,
                         created_at=datetime.now(UTC))
    session.add(member)
    session.flush()
    audit.record(session, "staff_created", actor=created_by, subject=audit_actor(member.id),
                 source="staff-rpc", login=login, roles=member.roles)
    return member


def change(session, admin: StaffMember, staff_id: str, changes: dict) -> StaffMember:
    member = session.get(StaffMember, str(staff_id), with_for_update=True)
    if member is None:
        raise NotFound()
    if member.id == admin.id and (changes.get("active") is False or "admin" not in changes.get("roles", ["admin"])):
        raise ValidationFailed({"staff_id": ["staff.cannot_demote_self"]})
    old = {"roles": member.roles, "active": member.active}
    if "roles" in changes:
        member.roles = sorted(set(changes["roles"]))
    if "active" in changes:
        member.active = changes["active"]
    if not member.active:
        session.execute(sa.update(StaffSession).where(StaffSession.staff_id == member.id,
                                                      StaffSession.ended_at.is_(None))
                        .values(ended_at=datetime.now(UTC)))
    audit.record(session, "staff_changed", actor=audit_actor(admin.id), subject=audit_actor(member.id),
                 source="staff-rpc", old_value=old, new_value={"roles": member.roles, "active": member.active})
    return member


def login(uow, login_name: str, password: str, client_address: str | None) -> dict:
    session = uow.session
    limits = throttling.login_limits(login_name, client_address, prefix="staff")
    sessions.refuse_while_throttled(uow, limits, client_address, login_name)
    member = session.scalar(sa.select(StaffMember).where(sa.func.lower(StaffMember.login) == login_name.lower()))
    correct = passwords.verify_password(member.password_hash if member else passwords.DUMMY_HASH, password)
    if not (member and correct and member.active):
        audit.record(session, "staff_login_failed", actor="anonymous", subject=member and audit_actor(member.id),
                     source=client_address, login=login_name[:64])
        for limit in limits:
            if throttling.record_failure(session, limit):
                audit.record(session, "login_locked", actor="system", source=client_address, key=limit.key[:80])
        uow.commit()
        raise Unauthorized("login.failed")
    throttling.clear(session, limits[0].key)
    now = datetime.now(UTC)
    token = tokens.url_token()
    staff_session = StaffSession(staff_id=member.id, token_hash=tokens.digest(token), client_address=client_address,
                                 created_at=now, expires_at=now + SESSION_LIFETIME)
    session.add(staff_session)
    audit.record(session, "staff_login", actor=audit_actor(member.id), subject=audit_actor(member.id),
                 source=client_address)
    return {"token": token, "expires_at": staff_session.expires_at, "actor": actor_of(member)}


def actor_for_token(session, token: str) -> dict:
    return actor_of(_live_member(session, token)[1])


def logout(session, token: str) -> None:
    live, member = _live_member(session, token)
    live.ended_at = datetime.now(UTC)
    audit.record(session, "staff_logout", actor=audit_actor(member.id), subject=audit_actor(member.id),
                 source=live.client_address)


def _live_member(session, token: str) -> tuple[StaffSession, StaffMember]:
    live = session.scalar(sa.select(StaffSession).where(
        StaffSession.token_hash == tokens.digest(token), StaffSession.ended_at.is_(None),
        StaffSession.expires_at > datetime.now(UTC)))
    member = live and session.get(StaffMember, live.staff_id)
    if member is None or not member.active:
        raise Unauthorized("session.invalid")
    return live, member


def view(member: StaffMember) -> dict:
    return {"staff_id": member.id, "login": member.login, "full_name": member.full_name,
            "roles": sorted(member.roles), "active": member.active, "created_at": member.created_at,
            "created_by": member.created_by}


def list_members(session) -> list[dict]:
    return [view(m) for m in session.scalars(sa.select(StaffMember).order_by(StaffMember.login))]


def read_audit_log(session, admin: StaffMember, query: dict) -> list[dict]:
    """Newest first, filtered, paged by `before_id`. Reading is itself audited."""
    conditions = []
    for column, value in ((AuditEvent.subject, query["subject"]), (AuditEvent.actor, query["by"]),
                          (AuditEvent.action, query["action"])):
        if value:
            conditions.append(column == value)
    if query["since"]:
        conditions.append(AuditEvent.occurred_at >= query["since"])
    if query["until"]:
        conditions.append(AuditEvent.occurred_at < query["until"])
    if query["before_id"]:
        conditions.append(AuditEvent.id < query["before_id"])
    found = session.scalars(sa.select(AuditEvent).where(*conditions).order_by(AuditEvent.id.desc())
                            .limit(query["limit"])).all()
    entries = [{"id": e.id, "occurred_at": e.occurred_at, "actor": e.actor, "action": e.action,
                "subject": e.subject, "source": e.source, "details": e.details} for e in found]
    audit.record(session, "audit_log_read", actor=audit_actor(admin.id), source="staff-rpc",
                 filters={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in query.items()
                          if k != "actor" and v is not None}, returned=len(entries))
    return entries
