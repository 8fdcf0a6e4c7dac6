"""The helpline's tables: contacts in queues and the surveys after them. No tax data and no
caller identity here: a contact is known by the telephony platform's call id."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_shared.db import outbox_tables


class Base(DeclarativeBase):
    pass


outbox_tables(Base.metadata)


class Contact(Base):
    __tablename__ = "contacts"

    call_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.Text)
    queue: Mapped[str] = mapped_column(sa.Text)
    routed_by: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.Text)
    entered_queue_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class SurveyResponse(Base):
    __tablename__ = "survey_responses"

    call_id: Mapped[str] = mapped_column(sa.ForeignKey("contacts.call_id"), primary_key=True)
    rating: Mapped[int] = mapped_column(sa.SmallInteger)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
