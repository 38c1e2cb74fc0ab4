"""What a signed-in user's dashboard shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import joinedload

from eventsapp.events.services import RegistrationCounts, coordinated_programmes, registration_counts
from eventsapp.extensions import db
from eventsapp.models import Event, User, utcnow
from eventsapp.permissions import roles_by_organisation


@dataclass
class Dashboard:
    upcoming: list[Event]
    drafts: list[Event]
    past: Pagination
    counts: dict[int, RegistrationCounts] = field(default_factory=dict)


def my_events(user: User) -> Select:
    """Events hosted by the user's organisations, and every event of the programmes it coordinates."""
    organisation_ids = list(roles_by_organisation(user))
    programme_ids = [p.id for p in coordinated_programmes(user)]
    conditions = []
    if organisation_ids:
        conditions.append(Event.host_organisation_id.in_(organisation_ids))
    if programme_ids:
        conditions.append(Event.programme_id.in_(programme_ids))
    return select(Event).where(or_(*conditions) if conditions else false()).options(
        joinedload(Event.host), joinedload(Event.region), joinedload(Event.programme)
    )


def dashboard_for(user: User, past_page: int = 1, per_page: int = 20) -> Dashboard:
    """Upcoming, draft and (paginated) past events, with counts from one grouped query."""
    now = utcnow()
    events = my_events(user)
    upcoming = list(db.session.scalars(
        events.where(Event.status != "draft", Event.ends_at >= now).order_by(Event.starts_at, Event.id)
    ))
    drafts = list(db.session.scalars(events.where(Event.status == "draft").order_by(Event.starts_at, Event.id)))
    past = db.paginate(
        events.where(Event.status != "draft", Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc()),
        page=past_page, per_page=per_page, error_out=False,
    )
    shown = upcoming + drafts + list(past.items)
    found = registration_counts([event.id for event in shown])
    counts = {event.id: found.get(event.id, RegistrationCounts()) for event in shown}
    return Dashboard(upcoming=upcoming, drafts=drafts, past=past, counts=counts)
