"""iCalendar output: one event, or a feed of events, as RFC 5545 bytes.

Choices, so that every calendar client shows the same thing:

* **Times** are written as local wall-clock times with ``TZID=<APP_TIMEZONE>``
  (``Europe/London``) plus a matching ``VTIMEZONE`` generated from the tz
  database by icalendar (``Calendar.add_missing_timezones``), limited to the
  years the events span.  Local times keep "18:30 in London" meaning 18:30
  on both sides of a daylight-saving change, and are what people see in the
  file; the ``VTIMEZONE`` lets every client compute the same UTC instant.
* **UID** is ``event-<id>@<ICAL_UID_DOMAIN>`` (config, default ``eventsapp``).
  It does not use ``SERVER_NAME`` on purpose: moving the site to another host
  name must not make subscribed calendars see every event as new.
* **DTSTAMP** equals ``LAST-MODIFIED`` (the event's ``updated_at``). RFC 5545
  §3.8.7.2 says that, without a ``METHOD``, DTSTAMP *is* the last revision
  time; it also makes the output a pure function of the data, so the feed's
  ETag (computed from the same columns) really identifies the bytes.
* **SEQUENCE** is ``Event.sequence``, raised by :mod:`eventsapp.feeds.sequence`
  whenever the date, time, place or status change.
* No attendee or registration data is ever written; ``ORGANIZER`` is the host
  organisation's name with the configured no-reply address.
* The **online joining link** is written only with ``include_online=True``:
  for a confirmed registrant's own file (their booking page and emails). Public
  downloads and feeds say "Online" but never carry the link.

Text is escaped by icalendar (commas, semicolons, backslashes, newlines), so a
title can never start a new property; lines are folded at 75 octets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr

from flask import current_app, has_app_context, url_for
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from eventsapp.models import Event
from eventsapp.timeutil import app_zone

PRODID = "-//eventsapp//Calendar feeds//EN"
DEFAULT_UID_DOMAIN = "eventsapp"
DEFAULT_ORGANIZER_EMAIL = "no-reply@eventsapp.invalid"
#: How often subscribed clients should refresh (RFC 7986 and the Microsoft extension).
REFRESH_INTERVAL = timedelta(hours=1)

# Control characters other than tab and newline have no place in TEXT values.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f\"<>\\^`{|}]+", re.IGNORECASE)


def event_to_ical(event: Event, *, include_online: bool = False) -> bytes:
    """One event as a complete VCALENDAR (for a download or an email attachment).

    :param include_online: write the joining link (only for a confirmed registrant's own copy).
    """
    return events_to_ical([event], name=event.title, include_online=include_online)


def events_to_ical(events: Iterable[Event], name: str, *, include_online: bool = False) -> bytes:
    """A VCALENDAR named ``name`` with one VEVENT per event, as UTF-8 bytes with CRLF.

    The caller decides which events belong (never drafts in a public feed);
    this function writes only public fields of each event.
    """
    events = list(events)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    title = " ".join(clean_text(name).split())
    calendar.add("x-wr-calname", vText(title))
    calendar.add("name", vText(title))
    calendar.add("x-wr-timezone", zone_name())
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vText("PT1H"))
    for event in events:
        calendar.add_component(vevent(event, include_online=include_online))
    if events:
        first = min(e.starts_at for e in events)
        last = max(e.ends_at for e in events)
        # A VTIMEZONE covering only the years in use keeps the file small.
        calendar.add_missing_timezones(date(first.year - 1, 1, 1), date(last.year + 2, 1, 1))
    return calendar.to_ical()


def vevent(event: Event, *, include_online: bool = False) -> VEvent:
    """The VEVENT for ``event``: public fields only, plus the joining link with ``include_online``."""
    component = VEvent()
    component.add("uid", event_uid(event))
    modified = as_utc(event.updated_at or event.created_at)
    component.add("dtstamp", modified)
    component.add("last-modified", modified)
    if event.created_at:
        component.add("created", as_utc(event.created_at))
    component.add("dtstart", as_local(event.starts_at))
    component.add("dtend", as_local(event.ends_at))
    component.add("summary", clean_text(event.title))
    component.add("description", event_description(event, include_online=include_online))
    location = event_location(event)
    if location:
        component.add("location", location)
    page = event_page_url(event)
    online = online_link(event) if include_online else None
    url = online or page
    if url:
        component.add("url", url, parameters={"VALUE": "URI"})
    if online:
        component.add("conference", online, parameters={"VALUE": "URI"})
    component.add("organizer", organizer(event))
    categories = [c for c in (event.programme.name if event.programme else None,
                              event.region.name if event.region else None) if c]
    if categories:
        component.add("categories", [clean_text(c) for c in categories])
    # A draft (downloadable only by its host) is not yet confirmed to anyone.
    status = {"cancelled": "CANCELLED", "draft": "TENTATIVE"}.get(event.status, "CONFIRMED")
    component.add("status", status)
    component.add("sequence", event.sequence or 0)
    component.add("transp", "OPAQUE")
    component.add("class", "PUBLIC")
    return component


def event_uid(event: Event) -> str:
    """``event-<id>@<ICAL_UID_DOMAIN>``: never changes for an event."""
    return f"event-{event.id}@{config('ICAL_UID_DOMAIN', DEFAULT_UID_DOMAIN)}"


def event_description(event: Event, *, include_online: bool = False) -> str:
    """Plain text: summary, themes, accessibility, online link (``include_online`` only), event page."""
    parts: list[str] = []
    if event.is_cancelled:
        reason = clean_text(event.cancel_reason or "").strip()
        parts.append("This event has been cancelled." + (f" {reason}" if reason else ""))
    summary = clean_text(event.summary or "").strip()
    if summary:
        parts.append(summary)
    themes = [t.strip() for t in clean_text(event.themes or "").split("\n") if t.strip()]
    if themes:
        parts.append("Themes:\n" + "\n".join(f"- {t}" for t in themes))
    accessibility = clean_text(event.accessibility or "").strip()
    if accessibility:
        parts.append(f"Accessibility: {accessibility}")
    online = online_link(event) if include_online else None
    if online:
        parts.append(f"Join online: {online}")
    page = event_page_url(event)
    if page:
        parts.append(f"Event page: {page}")
    return "\n\n".join(parts)


def event_location(event: Event) -> str:
    """Venue, address, town and postcode; "Online" for an event with no place."""
    pieces: list[str] = []
    for value in (event.venue, event.address, event.town, event.postcode):
        value = clean_text(value or "").replace("\n", ", ").strip()
        if value and value.casefold() not in (p.casefold() for p in pieces):
            pieces.append(value)
    if not pieces and online_link(event):
        return "Online"
    return ", ".join(pieces)


def online_link(event: Event) -> str | None:
    """The event's http(s) joining link, or None; URIs are not escaped, so anything odd is left out."""
    value = (event.online_url or "").strip()
    return value if _SAFE_URL.fullmatch(value) else None


def organizer(event: Event) -> vCalAddress:
    address = vCalAddress(f"mailto:{organizer_email()}")
    if event.host is not None:
        # Parameter values cannot hold double quotes or line breaks.
        address.params["CN"] = clean_text(event.host.name).replace('"', "'").replace("\n", " ")
    return address


def organizer_email() -> str:
    configured = config("ICAL_ORGANIZER_EMAIL", None)
    if configured:
        return configured
    return parseaddr(config("MAIL_FROM", "") or "")[1] or DEFAULT_ORGANIZER_EMAIL


def event_page_url(event: Event) -> str | None:
    """The public event page, absolute; None outside a request without ``SERVER_NAME`` (a worker)."""
    try:
        return url_for("events.detail", event_id=event.id, _external=True)
    except RuntimeError:
        return None


def clean_text(value: str) -> str:
    """Normalise line breaks to ``\\n`` and drop other control characters."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_local(value: datetime) -> datetime:
    return as_utc(value).astimezone(app_zone())


def zone_name() -> str:
    return config("APP_TIMEZONE", "Europe/London")


def config(key: str, default):
    if has_app_context():
        return current_app.config.get(key, default)
    return default

