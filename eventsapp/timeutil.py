"""Times are stored in UTC and entered and shown in APP_TIMEZONE (Europe/London)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Europe/London"

#: Years a date asked for (a month filter, a report's from/to) may fall in. Others are refused like
#: any malformed date: the day after 31 December 9999 cannot be computed, year 1 cannot be converted
#: between time zones, and no event is that far out.
QUERY_YEARS = range(1900, 3000)


def parse_query_date(value: str) -> date:
    """``YYYY-MM-DD`` as a date in :data:`QUERY_YEARS`. :raise ValueError: otherwise."""
    parsed = date.fromisoformat(value.strip())
    if parsed.year not in QUERY_YEARS:
        raise ValueError(f"year {parsed.year} is out of range")
    return parsed


def app_zone() -> ZoneInfo:
    name = current_app.config["APP_TIMEZONE"] if has_app_context() else DEFAULT_TIMEZONE
    return ZoneInfo(name)


def to_local(value: datetime) -> datetime:
    """A naive UTC datetime from the database as an aware local one."""
    return value.replace(tzinfo=UTC).astimezone(app_zone())


def to_utc(local: datetime) -> datetime:
    """A local wall-clock time (naive or aware) as naive UTC, ready to store.

    For a wall time that happens twice (the October change), the first one
    is taken; for one that never happens (the March gap), the time after it.
    """
    if local.tzinfo is None:
        local = local.replace(tzinfo=app_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def format_local(value: datetime | str | None, fmt: str = "%a %-d %b %Y, %H:%M") -> str:
    """e.g. "Sat 5 Dec 2026, 03:49" for a naive UTC datetime, or for one written as ISO 8601 in UTC
    ("2026-12-05T03:49:00Z", as the subject-access export keeps times)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.removesuffix("Z")) if value else None
    return to_local(value).strftime(fmt) if value else ""


def date_in_words(value: datetime | date | None) -> str:
    """e.g. "Saturday 28 March 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%A %-d %B %Y")


def time_range(start: datetime, end: datetime) -> str:
    """e.g. "18:30–20:30" or "Sat 28 Mar 18:30 – Sun 29 Mar 12:00"."""
    local_start, local_end = to_local(start), to_local(end)
    if local_start.date() == local_end.date():
        return f"{local_start:%H:%M}–{local_end:%H:%M}"
    return f"{local_start:%a %-d %b %H:%M} – {local_end:%a %-d %b %H:%M}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """e.g. "1 event", "2 events", "1,024 people"."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"
