"""Letters from the office. With the taxpayer's consent to e-correspondence a letter is
delivered in the portal (and a notification goes out); opening it records the delivery with
its time. An unopened letter counts as delivered once 14 days have run from the day it was made
available: counted in days as Ordynacja podatkowa art. 12 §1 does (the day of sending not
counted; the period ends at the end of the 14th day, Europe/Warsaw). Without consent the
letter goes by post (channel `paper`), outside the portal's delivery rules."""
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from declarations.models import Letter
from portal_shared.contracts import declarations as contract
from portal_shared.errors import NotFound

WARSAW = ZoneInfo("Europe/Warsaw")
DELIVERY_DAYS = 14


def deemed_delivery(sent_at: datetime) -> datetime:
    """The first moment after the 14th day following the day of sending (Warsaw)."""
    last_day = sent_at.astimezone(WARSAW).date() + timedelta(days=DELIVERY_DAYS)
    return datetime.combine(last_day + timedelta(days=1), time(0), WARSAW).astimezone(UTC)


def send(uow, case, officer_id: str, subject_line: str, body: str, consent: bool) -> Letter:
    now = datetime.now(UTC)
    letter = Letter(case_id=case.id, account_id=case.account_id, sender_account_id=officer_id,
                    subject_line=subject_line, body=body, channel="portal" if consent else "paper",
                    sent_at=now, deemed_delivered_at=deemed_delivery(now))
    uow.session.add(letter)
    uow.session.flush()
    if consent:
        uow.emit(contract.LETTER_SENT, letter_id=letter.id, case_id=case.id, account_id=case.account_id,
                 subject_line=subject_line)
    return letter


def for_actor(session, actor: dict) -> list[Letter]:
    return session.scalars(sa.select(Letter).where(Letter.account_id == str(actor["account_id"]),
                                                   Letter.channel == "portal")
                           .order_by(Letter.sent_at.desc())).all()


def of_case(session, case_id: str) -> list[Letter]:
    return session.scalars(sa.select(Letter).where(Letter.case_id == case_id, Letter.channel == "portal")
                           .order_by(Letter.sent_at)).all()


def open_letter(uow, actor: dict, letter_id) -> Letter:
    letter = uow.session.scalar(sa.select(Letter).where(
        Letter.id == str(letter_id), Letter.account_id == str(actor["account_id"]),
        Letter.channel == "portal").with_for_update())
    if letter is None:
        raise NotFound()
    if letter.delivered_at is None:
        now = datetime.now(UTC)
        if now >= letter.deemed_delivered_at:  # the sweep has not run yet: the law already decided
            _deliver(uow, letter, letter.deemed_delivered_at, "deemed_after_14_days")
        else:
            _deliver(uow, letter, now, "opened")
    return letter


def _deliver(uow, letter: Letter, at: datetime, how: str) -> None:
    letter.delivered_at, letter.delivery_how = at, how
    uow.emit(contract.LETTER_DELIVERED, letter_id=letter.id, account_id=letter.account_id,
             delivered_at=at.isoformat(), how=how)


def deem_delivered(uow, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    due = uow.session.scalars(sa.select(Letter).where(
        Letter.channel == "portal", Letter.delivered_at.is_(None), Letter.deemed_delivered_at <= now)
        .with_for_update(skip_locked=True)).all()
    for letter in due:
        _deliver(uow, letter, letter.deemed_delivered_at, "deemed_after_14_days")
    return len(due)


def view(letter: Letter, with_body: bool) -> dict:
    deemed_local = (letter.deemed_delivered_at.astimezone(WARSAW) - timedelta(days=1)).date()
    if letter.delivery_how == "opened":
        note = f"Doręczono (odebrano) {letter.delivered_at.astimezone(WARSAW):%Y-%m-%d %H:%M}."
    elif letter.delivery_how == "deemed_after_14_days":
        note = f"Uznano za doręczone z upływem dnia {deemed_local:%Y-%m-%d} (14 dni bez odbioru)."
    else:
        note = (f"Nieodebrane. Jeśli nie otworzysz pisma, zostanie uznane za doręczone "
                f"z upływem dnia {deemed_local:%Y-%m-%d}.")
    return {"letter_id": letter.id, "case_id": letter.case_id, "subject_line": letter.subject_line,
            "body": letter.body if with_body else None, "channel": letter.channel, "sent_at": letter.sent_at,
            "deemed_delivered_at": letter.deemed_delivered_at,
            "deemed_delivery_date_local": deemed_local.isoformat(), "delivered_at": letter.delivered_at,
            "delivery": letter.delivery_how or "pending", "delivery_note": note}
