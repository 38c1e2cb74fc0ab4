from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventsapp.extensions import db
from eventsapp.models import Event, utcnow


def upcoming_events(limit: int | None = None) -> list[Event]:
    """Published events that have not yet ended, soonest first."""
    query = (
        select(Event)
        .where(Event.status == "published", Event.ends_at >= utcnow())
        .options(joinedload(Event.host), joinedload(Event.region), joinedload(Event.programme))
        .order_by(Event.starts_at, Event.id)
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))
