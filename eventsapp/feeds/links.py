"""Links for "Add to calendar": .ics download, webcal:// subscriptions, Google and Outlook.

Google Calendar and Outlook on the web take an event through plain URLs; their
times are given in UTC (``...Z``) so no client has to guess the zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from flask import request, url_for

from eventsapp.feeds.ical import as_utc, clean_text, event_description, event_location
from eventsapp.feeds.services import FeedFilters
from eventsapp.models import Event

GOOGLE_URL = "https://calendar.google.com/calendar/render"
OUTLOOK_URL = "https://outlook.live.com/calendar/0/deeplink/compose"
OFFICE365_URL = "https://outlook.office.com/calendar/0/deeplink/compose"
#: Google and Outlook truncate or reject very long URLs; the description is trimmed to fit.
MAX_DETAILS = 1500


@dataclass(frozen=True)
class CalendarLinks:
    download: str
    google: str
    outlook: str
    office365: str
    subscribe_all: str
    subscribe_programme: str | None
    programme_name: str | None


def webcal(url: str) -> str:
    """``https://host/calendar.ics`` -> ``webcal://host/calendar.ics`` (opens the calendar app)."""
    parts = urlsplit(url)
    return urlunsplit(("webcal", *parts[1:]))


def _trim(text: str, limit: int = MAX_DETAILS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def google_url(event: Event) -> str:
    """Google Calendar's "create event" template, times in UTC."""
    start, end = as_utc(event.starts_at), as_utc(event.ends_at)
    params = {
        "action": "TEMPLATE",
        "text": clean_text(event.title),
        "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}",
        "details": _trim(event_description(event)),
        "location": event_location(event),
    }
    return f"{GOOGLE_URL}?{urlencode(params, quote_via=quote)}"


def outlook_url(event: Event, base: str = OUTLOOK_URL) -> str:
    """Outlook on the web's compose deep link (outlook.live.com or outlook.office.com)."""
    start, end = as_utc(event.starts_at), as_utc(event.ends_at)
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": clean_text(event.title),
        "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}",
        "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}",
        "body": _trim(event_description(event)),
        "location": event_location(event),
    }
    return f"{base}?{urlencode(params, quote_via=quote)}"


def calendar_links(event: Event) -> CalendarLinks:
    """Every link the "Add to calendar" partial shows, built for the current request."""
    programme = event.programme
    return CalendarLinks(
        download=url_for("feeds.event_ics", event_id=event.id),
        google=google_url(event),
        outlook=outlook_url(event),
        office365=outlook_url(event, OFFICE365_URL),
        subscribe_all=webcal(url_for("feeds.calendar", _external=True)),
        subscribe_programme=(
            webcal(url_for("feeds.programme_calendar", slug=programme.slug, _external=True)) if programme else None
        ),
        programme_name=programme.name if programme else None,
    )


def subscribe_links(feed_url: str | None = None, args=None) -> dict[str, str]:
    """The https and webcal forms of a feed URL; by default the all-events feed with ``args``'s filters."""
    if feed_url is None:
        filters = FeedFilters.from_args(args or {})
        feed_url = url_for("feeds.calendar", _external=True, **filters.as_args())
    elif feed_url.startswith("/"):
        feed_url = request.host_url.rstrip("/") + feed_url
    return {"https": feed_url, "webcal": webcal(feed_url)}
