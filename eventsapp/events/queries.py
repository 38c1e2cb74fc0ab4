"""Public listings of events, filtered and paginated in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload, selectinload

from eventsapp.database import like_pattern
from eventsapp.extensions import db
from eventsapp.models import Event, Organisation, Programme, Region, utcnow
from eventsapp.timeutil import to_utc


@dataclass(frozen=True)
class EventFilters:
    """What a visitor narrowed the list to; every part is optional."""

    region: str | None = None  #: region code, e.g. "TLJ"
    programme: str | None = None  #: programme slug
    host: int | None = None  #: organisation id
    month: tuple[int, int] | None = None  #: (year, month) in local time
    text: str | None = None

    @property
    def active(self) -> bool:
        return any((self.region, self.programme, self.host, self.month, self.text))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The first instant of a local calendar month and of the next one, in UTC."""
    start = datetime(year, month, 1)
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    return to_utc(start), to_utc(end)


def filter_events(query: Select, filters) -> Select:
    """Narrow an Event query as the public list does: region code, programme slug, host or
    co-host id, local month (when the filters have one) and text in the event's words.

    The calendar feeds use the same filters, so a feed URL matches the list it came from.
    """
    if filters.region:
        query = query.where(Event.region.has(Region.code == filters.region))
    if filters.programme:
        query = query.where(Event.programme.has(Programme.slug == filters.programme))
    if filters.host:
        query = query.where(
            or_(Event.host_organisation_id == filters.host, Event.cohosts.any(Organisation.id == filters.host))
        )
    if getattr(filters, "month", None):
        start, end = month_bounds(*filters.month)
        query = query.where(Event.starts_at >= start, Event.starts_at < end)
    if filters.text:
        pattern = like_pattern(filters.text.strip())
        query = query.where(
            or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (Event.title, Event.summary, Event.description, Event.town, Event.venue,
                                   Event.themes)
                )
            )
        )
    return query


def _with_card_data(query: Select) -> Select:
    return query.options(
        joinedload(Event.host), joinedload(Event.region), joinedload(Event.programme),
        selectinload(Event.cohosts),
    )


def upcoming_events(filters: EventFilters, page: int, per_page: int) -> Pagination:
    """Published and cancelled events that have not yet ended, soonest first."""
    query = select(Event).where(Event.status.in_(("published", "cancelled")), Event.ends_at >= utcnow())
    query = _with_card_data(filter_events(query, filters)).order_by(Event.starts_at, Event.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def past_events(filters: EventFilters, page: int, per_page: int) -> Pagination:
    """Published events that have ended, most recent first."""
    query = select(Event).where(Event.status == "published", Event.ends_at < utcnow())
    query = _with_card_data(filter_events(query, filters)).order_by(Event.starts_at.desc(), Event.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """Options for the filter form: every region, programme, and organisation that hosts a public event."""
    regions = db.session.execute(select(Region.code, Region.name).order_by(Region.sort_order, Region.name))
    programmes = db.session.execute(select(Programme.slug, Programme.name).order_by(Programme.name))
    hosts = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(select(Event.host_organisation_id).where(Event.status != "draft")))
        .order_by(Organisation.name)
    )
    return {
        "region": [(code, name) for code, name in regions],
        "programme": [(slug, name) for slug, name in programmes],
        "host": [(str(org_id), name) for org_id, name in hosts],
    }
