"""Scheduling rules: who may host, creating, changing, publishing, cancelling and copying events.

Services change the session but never commit: the view (or CLI) commits once;
mail the registration services queue is an outbox row in that same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from eventsapp import webhooks
from eventsapp.caching import forget
from eventsapp.directory import live_organisations
from eventsapp.extensions import db
from eventsapp.models import Event, Membership, Organisation, Programme, User, utcnow
from eventsapp.permissions import is_admin, network_organisation_ids, roles_by_organisation
from eventsapp.timeutil import format_local, to_local, to_utc

#: A UK postcode without its space: outward code (area, district) and inward code.
_POSTCODE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ]([0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)[0-9][ABD-HJLNP-UW-Z]{2})$"
)

#: Fields whose change means attendees must be told (date, time or place).
NOTIFIABLE_FIELDS = ("starts_at", "ends_at", "venue", "address", "town", "postcode", "online_url")

#: Fields a duplicate copies from the original.
COPIED_FIELDS = (
    "programme_id", "host_organisation_id", "region_id", "title", "summary", "description",
    "themes", "town", "venue", "address", "postcode", "online_url", "accessibility", "capacity",
)


#: Names of the public lists' cached filter choices and rendered pages (eventsapp.caching, events.views).
FILTER_CHOICES_CACHE = "events.filter_choices"
LIST_PAGE_CACHE = "events.list_pages"
#: The event pages rendered for anonymous visitors (events.views.detail).
DETAIL_PAGE_CACHE = "events.detail_pages"


def forget_list_caches() -> None:
    """Drop this process's cached filter choices, list pages and event pages (an event changed)."""
    forget(FILTER_CHOICES_CACHE, LIST_PAGE_CACHE, DETAIL_PAGE_CACHE)


def normalise_postcode(value: str | None) -> str | None:
    """``"sw1a1aa"`` -> ``"SW1A 1AA"``; None when it is not a UK postcode shape."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def local_time_exists(local: datetime) -> bool:
    """False for a wall-clock time skipped when the clocks go forward (e.g. 01:30 on the last Sunday of March)."""
    return to_local(to_utc(local)).replace(tzinfo=None) == local.replace(tzinfo=None)


# --- who may host -----------------------------------------------------------


def organiser_of(user: User) -> set[int]:
    return {org_id for org_id, role in roles_by_organisation(user).items() if role == "organiser"}


def coordinated_programmes(user: User) -> list[Programme]:
    """The programmes ``user``'s organisations coordinate (the administrator: all)."""
    if is_admin(user):
        return list(db.session.scalars(select(Programme).order_by(Programme.name)))
    coordinator_orgs = [o for o, role in roles_by_organisation(user).items() if role == "coordinator"]
    if not coordinator_orgs:
        return []
    return list(
        db.session.scalars(
            select(Programme)
            .where(Programme.coordinator_organisation_id.in_(coordinator_orgs))
            .order_by(Programme.name)
        )
    )


def may_schedule_events(user: User) -> bool:
    """Organisers of any organisation, and coordinators of any programme, may create events."""
    return bool(organiser_of(user)) or bool(coordinated_programmes(user))


def hostable_organisations(user: User, current: Organisation | None = None) -> list[Organisation]:
    """The organisations ``user`` may choose as an event's host.

    An organiser hosts for its own organisations. A coordinator may schedule for
    the host organisations of their network (never another network's: that would
    bring it into theirs), provided the event is in a programme it coordinates
    (checked by the form); the administrator for any organisation with members.
    ``current`` (the host of an event being edited) is always kept.
    """
    ids = set(organiser_of(user))
    if is_admin(user):
        ids |= set(db.session.scalars(select(Membership.organisation_id).distinct()))
    elif coordinated_programmes(user):
        ids |= set(db.session.scalars(network_organisation_ids(user)))
    if current is not None:
        ids.add(current.id)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(ids), Organisation.merged_into_id.is_(None))
            .order_by(Organisation.name)
        )
    )


def cohost_candidates() -> list[Organisation]:
    """The organisations an event may name as co-hosts: every live one (naming one only asks it,
    eventsapp.events.consent). The form's type-ahead searches the same set
    (:func:`eventsapp.directory.search_organisations`)."""
    return list(db.session.scalars(live_organisations()))


# --- registration figures, in SQL -------------------------------------------


@dataclass(frozen=True)
class RegistrationCounts:
    confirmed: int = 0
    waitlisted: int = 0


def registration_counts(event_ids: list[int]) -> dict[int, RegistrationCounts]:
    """Confirmed and waitlisted registrations per event, in one grouped query."""
    if not event_ids:
        return {}
    rows = db.session.execute(  # the counters on the event rows (eventsapp.models.counters)
        select(Event.id, Event.confirmed_count, Event.waitlisted_count).where(Event.id.in_(event_ids))
    )
    return {event_id: RegistrationCounts(int(c or 0), int(w or 0)) for event_id, c, w in rows}


# --- changing events ---------------------------------------------------------


def _notify(event: Event, change: str) -> None:
    """Queue emails to everyone confirmed or waitlisted (sent by the view after commit)."""
    # Imported here: the registration area imports events' models, not the other way round.
    from eventsapp.registration.services import notify_event_changed

    notify_event_changed(event, change)


def _fill_from_waitlist(event: Event) -> None:
    """Give new places to the waitlist, first in first out, under the registration lock."""
    from eventsapp.registration.services import fill_from_waitlist

    fill_from_waitlist(event)


def _apply(event: Event, fields: dict) -> None:
    cohosts = fields.pop("cohosts", None)
    for name, value in fields.items():
        setattr(event, name, value)
    if cohosts is not None:
        event.cohosts = [o for o in cohosts if o.id != event.host_organisation_id]
    forget_list_caches()


def create_event(fields: dict) -> Event:
    """A new event from the form's fields (times already UTC); draft unless told otherwise."""
    event = Event(status="draft")
    _apply(event, dict(fields))
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, fields: dict) -> list[str]:
    """Change ``event``; tell registrants about a new date, time or place; fill raised capacity.

    :return: the names of the notifiable fields that changed.
    """
    fields = dict(fields)
    before = {name: getattr(event, name) for name in NOTIFIABLE_FIELDS}
    old_capacity = event.capacity
    _apply(event, fields)
    db.session.flush()
    changed = [name for name in NOTIFIABLE_FIELDS if getattr(event, name) != before[name]]
    if changed and event.status == "published":
        _notify(event, describe_change(changed))
    if event.status == "published":
        webhooks.emit("event.changed", event, {"changed": changed})
    if old_capacity is not None and (event.capacity is None or event.capacity > old_capacity):
        # On SQLite this commits the change above before taking the write lock
        # (begin_immediate); the promotion then runs under the lock.
        _fill_from_waitlist(event)
    return changed


_CHANGE_WORDS = {
    "starts_at": "start", "ends_at": "end", "venue": "venue", "address": "address", "town": "town",
    "postcode": "postcode", "online_url": "online link",
}


def timing_notice(event: Event, now: datetime | None = None) -> str | None:
    """What saving ``event`` should say about its dates: a past event is legitimate (recording
    one already held) but not what most people mean, so it is said plainly; None for one to come."""
    timing = event.timing(now)
    if timing == "past":
        return (f"This event is in the past: it ended on {format_local(event.ends_at, '%a %-d %b %Y at %H:%M')}. "
                "That is right for recording an event already held: nobody can register for it, so record "
                "who came with “Import an attendance list” or the attendance list. If you meant a future "
                "date, edit the details.")
    if timing == "happening":
        return (f"This event is happening now: it started at {format_local(event.starts_at, '%H:%M on %a %-d %b')}, "
                "so it takes no more registrations; the check-in desk records who comes.")
    return None


def describe_change(changed: list[str]) -> str:
    """e.g. "What changed: the start, the venue." for the email to registrants."""
    words = dict.fromkeys(_CHANGE_WORDS[name] for name in changed)
    return "What changed: " + ", ".join(f"the {word}" for word in words) + "."


class EventStateError(Exception):
    """The event cannot move to the requested state; the message says why."""


def publish_event(event: Event) -> None:
    if event.status == "cancelled":
        raise EventStateError("A cancelled event cannot be published again; duplicate it instead.")
    event.status = "published"
    forget_list_caches()
    webhooks.emit("event.published", event)


def unpublish_event(event: Event) -> None:
    """Back to draft, only while nobody is registered (registrants would lose their page)."""
    if event.status != "published":
        raise EventStateError("Only a published event can be unpublished.")
    active = sum(
        (c.confirmed + c.waitlisted) for c in registration_counts([event.id]).values()
    )
    if active:
        raise EventStateError(
            f"{active} people are registered, so this event cannot go back to draft. "
            "Cancel it instead, giving a reason."
        )
    event.status = "draft"
    forget_list_caches()


def cancel_event(event: Event, reason: str) -> None:
    """Cancel, keeping the record and the reason; registrants are told."""
    if event.status == "cancelled":
        raise EventStateError("This event is already cancelled.")
    was_published = event.status == "published"
    event.status = "cancelled"
    event.cancel_reason = reason.strip()
    event.cancelled_at = utcnow()
    forget_list_caches()
    db.session.flush()
    if was_published:
        _notify(event, "cancelled")
        webhooks.emit("event.changed", event, {"changed": ["status"]})


def duplicate_event(event: Event, starts_at: datetime) -> Event:
    """A draft copy of ``event`` starting at ``starts_at`` (UTC), same length and booking window."""
    shift: timedelta = starts_at - event.starts_at
    copy = Event(status="draft", starts_at=starts_at, ends_at=event.ends_at + shift)
    for name in COPIED_FIELDS:
        setattr(copy, name, getattr(event, name))
    for name in ("registration_opens_at", "registration_closes_at"):
        value = getattr(event, name)
        setattr(copy, name, value + shift if value else None)
    copy.cohosts = list(event.cohosts)
    db.session.add(copy)
    db.session.flush()
    return copy
