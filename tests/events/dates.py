"""Dates around the UK clock changes, always in the future so events stay "upcoming"."""

from __future__ import annotations

from datetime import date, timedelta

from eventsapp.models import utcnow


def last_weekday(year: int, month: int, weekday: int) -> date:
    """The last ``weekday`` (Monday=0 … Sunday=6) of a month."""
    day = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    while day.weekday() != weekday:
        day -= timedelta(days=1)
    return day


def next_year() -> int:
    return utcnow().year + 1


def spring_saturday() -> date:
    """The Saturday before the clocks go forward (GMT, UTC+0)."""
    return last_weekday(next_year(), 3, 5)


def autumn_saturday() -> date:
    """The last Saturday of October: still BST (UTC+1); the clocks go back that night."""
    return last_weekday(next_year(), 10, 5)


def spring_sunday() -> date:
    """The day the clocks go forward at 01:00 GMT: 01:00–01:59 never happens."""
    return last_weekday(next_year(), 3, 6)
