"""Queue statistics and the satisfaction survey: what consultants and their managers read."""
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from declarations.models import HelplineContact as Contact
from declarations.models import SurveyResponse
from portal_shared.contracts.helpline import QUEUES
from portal_shared.errors import Conflict, NotFound, ValidationFailed

MAX_COMMENTS = 200  # per queue in one report: the newest


def submit_survey(session: Session, call_id: str, rating: int, comment: str | None) -> dict:
    contact = session.get(Contact, call_id)
    if contact is None:
        raise NotFound("contact.not_found")
    if contact.answered_at is None:
        raise Conflict("contact.not_answered")
    if session.get(SurveyResponse, call_id) is not None:
        raise Conflict("survey.already_submitted")
    session.add(SurveyResponse(call_id=call_id, rating=rating, comment=(comment or "").strip() or None,
                               submitted_at=datetime.now(UTC)))
    session.flush()
    return {"call_id": call_id, "rating": rating}


def queue_statistics(session: Session, since: datetime, until: datetime,
                     queue: str | None) -> dict:
    _check_period(since, until)
    waiting = dict(session.execute(
        sa.select(Contact.queue, sa.func.count()).where(Contact.state == "waiting")
        .group_by(Contact.queue)).all())
    answered = {row.queue: row for row in session.execute(
        sa.select(Contact.queue, sa.func.count().label("count"),
                  sa.func.avg(sa.extract("epoch", Contact.answered_at - Contact.entered_queue_at))
                  .label("wait"))
        .where(Contact.answered_at >= since, Contact.answered_at < until)
        .group_by(Contact.queue))}
    abandoned = dict(session.execute(
        sa.select(Contact.queue, sa.func.count())
        .where(Contact.state == "abandoned", Contact.ended_at >= since, Contact.ended_at < until)
        .group_by(Contact.queue)).all())
    figures = []
    for name in _queues(queue):
        row = answered.get(name)
        figures.append({"queue": name, "waiting": waiting.get(name, 0),
                        "answered": row.count if row else 0,
                        "abandoned": abandoned.get(name, 0),
                        "average_wait_seconds": round(row.wait) if row else None})
    return {"since": since, "until": until, "queues": figures}


def survey_report(session: Session, since: datetime, until: datetime, queue: str | None) -> dict:
    _check_period(since, until)
    rows = session.execute(
        sa.select(Contact.queue, SurveyResponse.rating, SurveyResponse.comment,
                  SurveyResponse.submitted_at)
        .join(Contact, Contact.call_id == SurveyResponse.call_id)
        .where(SurveyResponse.submitted_at >= since, SurveyResponse.submitted_at < until)
        .order_by(SurveyResponse.submitted_at.desc())).all()
    report = []
    for name in _queues(queue):
        mine = [row for row in rows if row.queue == name]
        ratings = [row.rating for row in mine]
        average = (Decimal(sum(ratings)) / len(ratings)).quantize(
            Decimal("0.01"), ROUND_HALF_UP) if ratings else None
        report.append({
            "queue": name, "responses": len(ratings), "average_rating": average,
            "distribution": {str(score): ratings.count(score) for score in range(1, 6)},
            "comments": [{"rating": row.rating, "comment": row.comment,
                          "submitted_at": row.submitted_at}
                         for row in mine if row.comment][:MAX_COMMENTS]})
    return {"since": since, "until": until, "queues": report}


def _queues(queue: str | None) -> tuple[str, ...]:
    return (queue,) if queue else QUEUES


def _check_period(since: datetime, until: datetime) -> None:
    if since >= until:
        raise ValidationFailed({"until": ["period.invalid"]})
