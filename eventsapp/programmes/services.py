"""Programme rules: who may create them, and their events grouped for the public page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from eventsapp.extensions import db
from eventsapp.models import Event, Organisation, Programme, Region, User
from eventsapp.permissions import roles_by_organisation
from eventsapp.timeutil import to_local


def coordinator_organisations(user: User) -> list[Organisation]:
    """Organisations in which ``user`` is a coordinator: the ones it may make programmes for."""
    ids = [org_id for org_id, role in roles_by_organisation(user).items() if role == "coordinator"]
    if not ids:
        return []
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)))


def programme_by_slug(slug: str) -> Programme | None:
    return db.session.scalar(select(Programme).where(Programme.slug == slug))


def slug_taken(slug: str, excluding: Programme | None = None) -> bool:
    query = select(Programme.id).where(Programme.slug == slug)
    if excluding is not None:
        query = query.where(Programme.id != excluding.id)
    return db.session.scalar(query) is not None


def list_programmes() -> list[Programme]:
    return list(db.session.scalars(select(Programme).order_by(Programme.starts_on.desc(), Programme.name)))


def save_programme(programme: Programme | None, fields: dict) -> Programme:
    """Create (``programme`` None) or update a programme; not committed."""
    if programme is None:
        programme = Programme()
        db.session.add(programme)
    for name, value in fields.items():
        setattr(programme, name, value)
    db.session.flush()
    return programme


def events_by_region(programme: Programme) -> list[tuple[Region, list[Event]]]:
    """The programme's public (published or cancelled) events, by region, each region in date order."""
    events = db.session.scalars(
        select(Event)
        .join(Event.region)
        .where(Event.programme_id == programme.id, Event.status.in_(("published", "cancelled")))
        .options(joinedload(Event.region), joinedload(Event.host), selectinload(Event.cohosts))
        .order_by(Region.sort_order, Region.name, Event.starts_at, Event.id)
    ).all()
    return [(region, list(group)) for region, group in groupby(events, key=lambda event: event.region)]


@dataclass(frozen=True)
class Period:
    """The days a programme runs, as its pages show them."""

    first: date | None
    last: date | None
    #: "events": the first start and last end of its published events (UK dates); "planned": the
    #: coordinator's "Starts on"/"Ends on", shown only while it has no published event.
    source: str


def programme_periods(programmes: list[Programme]) -> dict[int, Period]:
    """Each programme's period: its published events' first start to last end (one source of truth,
    so the page can never contradict the events it lists); without any, the planned dates stored."""
    spans = {programme_id: (first, last) for programme_id, first, last in db.session.execute(
        select(Event.programme_id, func.min(Event.starts_at), func.max(Event.ends_at))
        .where(Event.programme_id.in_([p.id for p in programmes] or [-1]), Event.status == "published")
        .group_by(Event.programme_id)
    )}
    periods = {}
    for programme in programmes:
        if programme.id in spans:
            first, last = spans[programme.id]
            periods[programme.id] = Period(to_local(first).date(), to_local(last).date(), "events")
        else:
            periods[programme.id] = Period(programme.starts_on, programme.ends_on, "planned")
    return periods
