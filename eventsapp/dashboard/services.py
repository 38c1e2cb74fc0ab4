"""What a signed-in user's dashboard shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import joinedload

from eventsapp.events.services import RegistrationCounts, coordinated_programmes
from eventsapp.extensions import db
from eventsapp.models import Event, User, utcnow
from eventsapp.permissions import roles_by_organisation

#: The dashboard's groups, each paginated on its own (query parameter = group name).
GROUPS = ("upcoming", "drafts", "past")


@dataclass
class Dashboard:
    upcoming: Pagination
    drafts: Pagination
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


def dashboard_for(user: User, pages: dict[str, int] | None = None, per_page: int = 25) -> Dashboard:
    """Upcoming, draft and past events (each paginated), with their registration counters."""
    pages = pages or {}
    now = utcnow()
    events = my_events(user)
    queries = {
        "upcoming": events.where(Event.status != "draft", Event.ends_at >= now).order_by(Event.starts_at, Event.id),
        "drafts": events.where(Event.status == "draft").order_by(Event.starts_at, Event.id),
        "past": events.where(Event.status != "draft", Event.ends_at < now).order_by(
            Event.starts_at.desc(), Event.id.desc()
        ),
    }
    paginated = {
        group: db.paginate(query, page=pages.get(group, 1), per_page=per_page, error_out=False)
        for group, query in queries.items()
    }
    shown = [event for pagination in paginated.values() for event in pagination.items]
    # the counters on the event rows just loaded (eventsapp.models.counters): no further query
    counts = {event.id: RegistrationCounts(event.confirmed_count, event.waitlisted_count) for event in shown}
    return Dashboard(**paginated, counts=counts)
