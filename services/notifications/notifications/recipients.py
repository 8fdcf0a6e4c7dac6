"""Who gets a message and how: contacts from identity, the person's own preferences (channels,
language, quiet hours) and push subscriptions, turned into drafts per channel."""
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects.postgresql import insert

from notifications import delivery, templates
from notifications.catalog import EMAIL, PUSH, SMS, MessageType
from notifications.delivery import Draft
from notifications.models import KnownContact, Preferences, PushSubscription
from portal_shared.contracts import identity

log = structlog.get_logger()
WARSAW = ZoneInfo("Europe/Warsaw")
DEFAULT_PREFERENCES = Preferences(sms=False, push=True, language=None, quiet_from=None, quiet_until=None)


def contacts_by_subject(cluster, session, subjects: list[str]) -> dict[str, list[dict]]:
    """identity's contacts for taxpayer ids (remembered, for events that carry an account id)."""
    found = identity.CONTACTS(cluster, subjects=sorted(set(subjects))) if subjects else []
    if found:
        known = insert(KnownContact.__table__)
        subject_of = {str(c["account_id"]): c["subject"] for c in found}
        # RETURNING makes SQLAlchemy send one multi-row INSERT a page, not a statement a row.
        session.execute(known.on_conflict_do_update(index_elements=["account_id"],
                                                    set_={"subject": known.excluded.subject})
                        .returning(known.table.c.account_id),
                        [{"account_id": account, "subject": subject} for account, subject in subject_of.items()])
    grouped = defaultdict(list)
    for contact in found:
        grouped[contact["subject"]].append(contact)
    return grouped


def contact_of_account(cluster, session, account_id: str) -> dict | None:
    known = session.get(KnownContact, account_id)
    if known is None:
        return None
    contacts = contacts_by_subject(cluster, session, [known.subject])[known.subject]
    return next((c for c in contacts if str(c["account_id"]) == account_id), None)


def quiet_until(preferences: Preferences, now: datetime) -> datetime | None:
    """When the person's quiet hours (Europe/Warsaw) end, if `now` falls within them."""
    start, end = preferences.quiet_from, preferences.quiet_until
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(WARSAW)
    moment = local.time().replace(tzinfo=None)
    inside = start <= moment < end if start < end else (moment >= start or moment < end)
    if not inside:
        return None
    end_day = local.date() if moment < end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, end, tzinfo=WARSAW).astimezone(UTC)


def preferences_of(session, account_ids: list[str]) -> dict[str, Preferences]:
    rows = session.scalars(sa.select(Preferences).where(Preferences.account_id.in_(account_ids))) if account_ids else []
    return {row.account_id: row for row in rows}


def push_endpoints_of(session, account_ids: list[str]) -> dict[str, list[str]]:
    endpoints = defaultdict(list)
    if account_ids:
        for row in session.execute(sa.select(PushSubscription.account_id, PushSubscription.endpoint)
                                   .where(PushSubscription.account_id.in_(account_ids))):
            endpoints[row.account_id].append(row.endpoint)
    return endpoints


def channels_for(message_type: MessageType, contact: dict, preferences: Preferences,
                 push_endpoints: list[str]) -> list[tuple[str, str]]:
    """(channel, recipient) pairs the person agreed to, among those the type uses."""
    agreed = {
        EMAIL: [contact["email"]] if (contact.get("email") and contact["email_verified"]
                                      and contact["consent_e_correspondence"]) else [],
        SMS: [contact["phone"]] if preferences.sms and contact.get("phone") and contact["phone_verified"] else [],
        PUSH: push_endpoints if preferences.push else [],
    }
    return [(channel, recipient) for channel in message_type.channels for recipient in agreed[channel]]


def drafts_for(session, message_type: MessageType, cause_id: str, contacts: list[dict], context: dict,
               *, link: str | None = None, attachments=(), now: datetime | None = None,
               preferences: dict | None = None, endpoints: dict | None = None) -> list[Draft]:
    """Render the type for each contact in their language, on each channel they agreed to."""
    now = now or datetime.now(UTC)
    account_ids = [str(c["account_id"]) for c in contacts]
    preferences = preferences_of(session, account_ids) if preferences is None else preferences
    endpoints = push_endpoints_of(session, account_ids) if endpoints is None else endpoints
    drafts = []
    for contact in contacts:
        account_id = str(contact["account_id"])
        chosen = preferences.get(account_id, DEFAULT_PREFERENCES)
        routes = channels_for(message_type, contact, chosen, endpoints.get(account_id, []))
        if not routes:
            continue
        rendered = templates.render(message_type, chosen.language or contact["language"],
                                    first_name=contact["first_name"], **context)
        not_before = None if message_type.urgent else quiet_until(chosen, now)
        drafts += [Draft(cause_id, message_type, channel, recipient, account_id, rendered, link=link,
                         not_before=not_before, attachments=list(attachments) if channel == EMAIL else [])
                   for channel, recipient in routes]
    return drafts


def code_drafts(session, message_type: MessageType, event: dict, recipient: str, context: dict,
                limit_per_hour: int) -> list[Draft]:
    """Codes and links: urgent, on the one channel the type has, within the hourly limit (a
    refused one is stored as failed, `rate_limited`)."""
    account_id = str(event["account_id"])
    [channel] = message_type.channels
    draft = Draft(str(event["event_id"]), message_type, channel, recipient, account_id,
                  templates.render(message_type, event["language"], **context))
    if not delivery.within_rate_limit(session, account_id, channel, limit_per_hour):
        delivery.refuse(session, draft, delivery.RATE_LIMITED)
        log.warning("code_refused_rate_limit", account_id=account_id, channel=channel)
        return []
    return [draft]


def subject_drafts(cluster, session, message_type: MessageType, event: dict, context: dict, link: str, *,
                   attachments=(), only_account: str | None = None) -> list[Draft]:
    """For the people behind the event's taxpayer id (or only the one who acted)."""
    subject = event["subject"]
    contacts = contacts_by_subject(cluster, session, [subject])[subject]
    if only_account:
        contacts = [c for c in contacts if str(c["account_id"]) == only_account]
    return drafts_for(session, message_type, str(event["event_id"]), contacts, context, link=link,
                      attachments=attachments)


def account_drafts(cluster, session, message_type: MessageType, event: dict, context: dict, link: str) -> list[Draft]:
    account_id = str(event["account_id"])
    contact = contact_of_account(cluster, session, account_id)
    if contact is None:
        log.warning("recipient_unknown", account_id=account_id, message_type=message_type.name)
        return []
    return drafts_for(session, message_type, str(event["event_id"]), [contact], context, link=link)
