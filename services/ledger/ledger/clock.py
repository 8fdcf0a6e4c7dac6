"""Today's date where the office is: due dates and interest are Warsaw calendar days."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")


def today() -> date:
    return datetime.now(WARSAW).date()
