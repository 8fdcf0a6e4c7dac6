"""Tables of the service."""
from sqlalchemy.orm import DeclarativeBase

from portal_shared.db import outbox_tables


class Base(DeclarativeBase):
    pass


outbox_tables(Base.metadata)
