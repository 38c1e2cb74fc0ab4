"""Programme rules: who may create them, and their events grouped for the public page."""

from __future__ import annotations

from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from eventsapp.extensions import db
from eventsapp.models import Event, Organisation, Programme, Region, User
from eventsapp.permissions import roles_by_organisation


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
